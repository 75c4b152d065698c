/* Threads: see thread.h. */
#include "thread.h"
#include "libos.h"
#include "private.h"
#include "syscall.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Per-thread bookkeeping, allocated with malloc; the new thread reads it
 * from a0. done must stay the first field (thread_entry.S stores to it). */
struct chime_thread {
    volatile uint32_t done; /* 1 once the thread will touch nothing more */
    int handle;             /* kernel thread handle */
    int slot;               /* index of its stack slot */
    void *(*fn)(void *);
    void *arg;
    void *result;
};
_Static_assert(offsetof(struct chime_thread, done) == LIBOS_THREAD_DONE_OFFSET, "done offset");
_Static_assert(SYS_THREAD_EXIT == LIBOS_SYS_THREAD_EXIT, "thread exit number");

void libos_thread_entry(struct chime_thread *t);
void libos_thread_main(struct chime_thread *t);

/* One bit per stack slot in use. */
static uint64_t slot_used[LIBOS_THREAD_SLOTS / 64];
static int slot_lock;

static void slots_lock(void)
{
    while (__atomic_exchange_n(&slot_lock, 1, __ATOMIC_ACQUIRE))
        syscall0(SYS_YIELD);
}

static void slots_unlock(void)
{
    __atomic_store_n(&slot_lock, 0, __ATOMIC_RELEASE);
}

static int slot_alloc(void)
{
    int found = -1;

    slots_lock();
    for (int i = 0; i < LIBOS_THREAD_SLOTS && found < 0; i++) {
        if (!(slot_used[i / 64] & (1ull << (i % 64)))) {
            slot_used[i / 64] |= 1ull << (i % 64);
            found = i;
        }
    }
    slots_unlock();
    return found;
}

static void slot_free(int i)
{
    slots_lock();
    slot_used[i / 64] &= ~(1ull << (i % 64));
    slots_unlock();
}

/* The mapped stack of slot i: the top LIBOS_THREAD_STACK bytes of the slot,
 * so the unmapped rest of the slot below it catches overflows. */
static uintptr_t slot_stack_lo(int i)
{
    return LIBOS_THREAD_VA + (uintptr_t)(i + 1) * LIBOS_THREAD_SLOT - LIBOS_THREAD_STACK;
}

void libos_thread_main(struct chime_thread *t)
{
    t->result = t->fn(t->arg);
}

struct chime_thread *chime_thread_create(void *(*fn)(void *), void *arg, uint64_t hart_mask)
{
    struct chime_thread *t = calloc(1, sizeof(*t));
    uintptr_t lo, tls, sp;
    long r;

    if (t == NULL)
        return NULL;
    t->fn = fn;
    t->arg = arg;
    t->slot = slot_alloc();
    if (t->slot < 0) {
        free(t);
        errno = ENOMEM;
        return NULL;
    }
    lo = slot_stack_lo(t->slot);
    r = syscall4(SYS_SPACE_MAP_ANON, CHIME_SELF, (long)lo, LIBOS_THREAD_STACK,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (r < 0)
        goto fail;
    /* TLS block at the top of the stack area, the stack right below it. */
    tls = (lo + LIBOS_THREAD_STACK - libos_tls_size()) & ~(uintptr_t)(LIBOS_TLS_ALIGN - 1);
    libos_tls_init((void *)tls);
    sp = tls & ~(uintptr_t)15;
    r = syscall6(SYS_THREAD_CREATE, CHIME_SELF, (long)libos_thread_entry, (long)sp, (long)t,
                 (long)tls, (long)hart_mask);
    if (r < 0) {
        syscall3(SYS_SPACE_UNMAP, CHIME_SELF, (long)lo, LIBOS_THREAD_STACK);
        goto fail;
    }
    t->handle = (int)r;
    return t;

fail:
    slot_free(t->slot);
    free(t);
    errno = libos_errno(r);
    return NULL;
}

int chime_thread_join(struct chime_thread *t, void **result)
{
    /* Yield first (short threads), then sleep with a growing pause. */
    for (unsigned polls = 0; !__atomic_load_n(&t->done, __ATOMIC_ACQUIRE); polls++) {
        if (polls < 16)
            syscall0(SYS_YIELD);
        else
            syscall1(SYS_SLEEP, polls < 64 ? 100000 : 1000000);
    }
    if (result != NULL)
        *result = t->result;
    syscall1(SYS_HANDLE_CLOSE, t->handle);
    syscall3(SYS_SPACE_UNMAP, CHIME_SELF, (long)slot_stack_lo(t->slot), LIBOS_THREAD_STACK);
    slot_free(t->slot);
    free(t);
    return 0;
}

int chime_thread_handle(const struct chime_thread *t)
{
    return t->handle;
}
