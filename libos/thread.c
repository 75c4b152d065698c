/* Threads: POSIX threads and the Chime thread API (thread.h) over
 * SYS_THREAD_CREATE, with thread-specific keys.
 *
 * A thread's stack and TLS block lie at the top of its LIBOS_THREAD_SLOT
 * (libos.h); the unmapped rest of the slot below catches overflows. The
 * slot bitmap is lock-free, so an exiting detached thread can unmap its own
 * stack and then release its slot from registers only (thread_entry.S). */
#include "thread.h"
#include "libos.h"
#include "lock.h"
#include "private.h"
#include "syscall.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define PAGE      LIBOS_THREAD_PAGE
#define STACK_MAX LIBOS_THREAD_STACK_MAX

enum { T_JOINABLE, T_DETACHED, T_EXITING };

/* Per-thread bookkeeping, allocated with malloc (the main thread's is
 * static). done must stay the first field (thread_entry.S stores to it). */
struct chime_thread {
    uint32_t done;         /* futex word: 1 once the thread will touch nothing more */
    uint32_t state;        /* T_* (atomic): who cleans up after it */
    uint32_t handle_ready; /* futex word: handle is set */
    int handle;            /* kernel thread handle, -1 for the main thread */
    int slot;              /* its stack slot, -1 for the main thread */
    size_t map_len;        /* bytes mapped at the top of the slot */
    void *(*fn)(void *);
    void *arg;
    void *result;
    struct {
        void *value;
        unsigned gen; /* the key's generation when value was set */
    } specific[PTHREAD_KEYS_MAX];
};
_Static_assert(offsetof(struct chime_thread, done) == LIBOS_THREAD_DONE_OFFSET, "done offset");
_Static_assert(SYS_THREAD_EXIT == LIBOS_SYS_THREAD_EXIT, "thread exit number");
_Static_assert(SYS_FUTEX_WAKE == LIBOS_SYS_FUTEX_WAKE, "futex wake number");
_Static_assert(SYS_SPACE_UNMAP == LIBOS_SYS_SPACE_UNMAP, "unmap number");
_Static_assert(CHIME_SELF == LIBOS_CHIME_SELF, "self handle");

void libos_thread_entry(struct chime_thread *t);
void libos_thread_main(struct chime_thread *t) __attribute__((noreturn));
/* thread_entry.S: the last steps of a thread, on no stack. With done set:
 * store 1 there, wake its joiner and exit. Else unmap [lo, lo + len),
 * AND slot_keep into *slot_word and exit. */
void libos_thread_leave(uint32_t *done, uintptr_t lo, size_t len, uint64_t *slot_word,
                        uint64_t slot_keep) __attribute__((noreturn));

static struct chime_thread main_thread = {.handle = -1, .slot = -1};
static __thread struct chime_thread *current;
/* Threads that have not called pthread_exit: the last one to do so ends
 * the process with exit(0), so atexit handlers and stdio flushing run. */
static unsigned live_threads = 1;

/* ---- stack slots ------------------------------------------------------------ */

static uint64_t slot_used[LIBOS_THREAD_SLOTS / 64];

static int slot_alloc(void)
{
    for (int w = 0; w < LIBOS_THREAD_SLOTS / 64; w++) {
        uint64_t cur = __atomic_load_n(&slot_used[w], __ATOMIC_RELAXED);
        while (cur != ~0ull) {
            int bit = __builtin_ctzll(~cur);
            if (__atomic_compare_exchange_n(&slot_used[w], &cur, cur | 1ull << bit, 1,
                                            __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
                return w * 64 + bit;
        }
    }
    return -1;
}

static void slot_free(int i)
{
    __atomic_fetch_and(&slot_used[i / 64], ~(1ull << (i % 64)), __ATOMIC_RELEASE);
}

/* Lowest mapped byte of a slot whose top map_len bytes are mapped. */
static uintptr_t slot_lo(int slot, size_t map_len)
{
    return LIBOS_THREAD_VA + (uintptr_t)(slot + 1) * LIBOS_THREAD_SLOT - map_len;
}

/* ---- creating and ending ---------------------------------------------------- */

static struct chime_thread *self(void)
{
    return current != NULL ? current : &main_thread;
}

/* Start fn(arg) on a new thread whose stack holds stack_size bytes. */
static int thread_start(struct chime_thread **out, void *(*fn)(void *), void *arg,
                        size_t stack_size, int detached, uint64_t hart_mask)
{
    struct chime_thread *t = calloc(1, sizeof(*t));
    uintptr_t lo, tls, sp;
    long r;

    if (t == NULL)
        return EAGAIN;
    t->fn = fn;
    t->arg = arg;
    t->state = detached ? T_DETACHED : T_JOINABLE;
    t->map_len = (stack_size + libos_tls_size() + LIBOS_TLS_ALIGN + PAGE - 1) & ~(size_t)(PAGE - 1);
    t->slot = slot_alloc();
    if (t->slot < 0 || t->map_len > STACK_MAX) {
        r = t->slot < 0 ? EAGAIN : EINVAL;
        goto fail_slot;
    }
    lo = slot_lo(t->slot, t->map_len);
    r = syscall4(SYS_SPACE_MAP_ANON, CHIME_SELF, (long)lo, (long)t->map_len,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (r < 0) {
        r = EAGAIN;
        goto fail_slot;
    }
    /* TLS block at the top of the mapping, the stack right below it. */
    tls = (lo + t->map_len - libos_tls_size()) & ~(uintptr_t)(LIBOS_TLS_ALIGN - 1);
    libos_tls_init((void *)tls);
    sp = tls & ~(uintptr_t)15;
    *out = t;
    __atomic_add_fetch(&live_threads, 1, __ATOMIC_RELAXED);
    r = syscall6(SYS_THREAD_CREATE, CHIME_SELF, (long)libos_thread_entry, (long)sp, (long)t,
                 (long)tls, (long)hart_mask);
    if (r < 0) {
        __atomic_sub_fetch(&live_threads, 1, __ATOMIC_RELAXED);
        syscall3(SYS_SPACE_UNMAP, CHIME_SELF, (long)lo, (long)t->map_len);
        r = r == CHIME_EINVAL ? EINVAL : EAGAIN;
        goto fail_slot;
    }
    t->handle = (int)r;
    __atomic_store_n(&t->handle_ready, 1, __ATOMIC_RELEASE);
    libos_futex_wake(&t->handle_ready, 1);
    return 0;

fail_slot:
    if (t->slot >= 0)
        slot_free(t->slot);
    free(t);
    return (int)r;
}

/* Free what a finished joinable thread left: handle, stack, slot, struct. */
static void thread_reap(struct chime_thread *t)
{
    if (t == &main_thread)
        return;
    syscall1(SYS_HANDLE_CLOSE, t->handle);
    syscall3(SYS_SPACE_UNMAP, CHIME_SELF, (long)slot_lo(t->slot, t->map_len), (long)t->map_len);
    slot_free(t->slot);
    free(t);
}

static void wait_done(struct chime_thread *t)
{
    libos_futex_wait_while(&t->done, 0);
}

static void keys_run_destructors(struct chime_thread *t);

void libos_thread_main(struct chime_thread *t)
{
    current = t;
    pthread_exit(t->fn(t->arg));
}

void pthread_exit(void *value)
{
    struct chime_thread *t = self();
    uint32_t expected = T_JOINABLE;
    int slot;
    uintptr_t lo;
    size_t len;

    t->result = value;
    keys_run_destructors(t);
    if (__atomic_sub_fetch(&live_threads, 1, __ATOMIC_ACQ_REL) == 0)
        exit(0);
    if (t == &main_thread || __atomic_compare_exchange_n(&t->state, &expected, T_EXITING, 0,
                                                         __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        libos_thread_leave(&t->done, 0, 0, NULL, 0);
    /* Detached: clean up after ourselves; the stack goes last, in asm. */
    libos_futex_wait_while(&t->handle_ready, 0);
    syscall1(SYS_HANDLE_CLOSE, t->handle);
    slot = t->slot;
    len = t->map_len;
    lo = slot_lo(slot, len);
    free(t);
    libos_thread_leave(NULL, lo, len, &slot_used[slot / 64], ~(1ull << (slot % 64)));
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    pthread_attr_t def;

    if (attr == NULL) {
        pthread_attr_init(&def);
        attr = &def;
    }
    return thread_start(thread, start, arg, attr->__stacksize,
                        attr->__detachstate == PTHREAD_CREATE_DETACHED, attr->__hart_mask);
}

int pthread_join(pthread_t t, void **value)
{
    if (t == self())
        return EDEADLK;
    if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == T_DETACHED)
        return EINVAL;
    wait_done(t);
    if (value != NULL)
        *value = t->result;
    thread_reap(t);
    return 0;
}

int pthread_detach(pthread_t t)
{
    uint32_t expected = T_JOINABLE;

    if (__atomic_compare_exchange_n(&t->state, &expected, T_DETACHED, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return 0;
    if (expected == T_DETACHED)
        return EINVAL;
    /* Already exiting as joinable: nobody else will reap it. */
    wait_done(t);
    thread_reap(t);
    return 0;
}

pthread_t pthread_self(void)
{
    return self();
}

int pthread_equal(pthread_t a, pthread_t b)
{
    return a == b;
}

/* Signals go to the process as a whole (posix.c): one mask for all. */
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    return sigprocmask(how, set, old) < 0 ? errno : 0;
}

/* ---- keys ----------------------------------------------------------------------- */

static struct libos_lock keys_lock;
static struct {
    unsigned gen; /* odd while the key exists */
    void (*destructor)(void *);
} keys[PTHREAD_KEYS_MAX];

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    int r = EAGAIN;

    libos_lock(&keys_lock);
    for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
        if (!(keys[k].gen & 1)) {
            keys[k].destructor = destructor;
            __atomic_store_n(&keys[k].gen, keys[k].gen + 1, __ATOMIC_RELEASE);
            *key = k;
            r = 0;
            break;
        }
    }
    libos_unlock(&keys_lock);
    return r;
}

int pthread_key_delete(pthread_key_t key)
{
    int r = EINVAL;

    libos_lock(&keys_lock);
    if (key < PTHREAD_KEYS_MAX && (keys[key].gen & 1)) {
        __atomic_store_n(&keys[key].gen, keys[key].gen + 1, __ATOMIC_RELEASE);
        r = 0;
    }
    libos_unlock(&keys_lock);
    return r;
}

void *pthread_getspecific(pthread_key_t key)
{
    struct chime_thread *t = self();

    if (key >= PTHREAD_KEYS_MAX ||
        t->specific[key].gen != __atomic_load_n(&keys[key].gen, __ATOMIC_ACQUIRE))
        return NULL;
    return t->specific[key].value;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
    struct chime_thread *t = self();
    unsigned gen;

    if (key >= PTHREAD_KEYS_MAX)
        return EINVAL;
    gen = __atomic_load_n(&keys[key].gen, __ATOMIC_ACQUIRE);
    if (!(gen & 1))
        return EINVAL;
    t->specific[key].value = (void *)value;
    t->specific[key].gen = gen;
    return 0;
}

/* POSIX: clear each non-NULL value and call its key's destructor with it,
 * again while destructors set new values, up to the iteration limit. */
static void keys_run_destructors(struct chime_thread *t)
{
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
        int ran = 0;
        for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
            unsigned gen = __atomic_load_n(&keys[k].gen, __ATOMIC_ACQUIRE);
            void (*destructor)(void *) = keys[k].destructor;
            void *value = t->specific[k].value;
            if (!(gen & 1) || t->specific[k].gen != gen || value == NULL || destructor == NULL)
                continue;
            t->specific[k].value = NULL;
            destructor(value);
            ran = 1;
        }
        if (!ran)
            break;
    }
}

/* ---- the Chime API (thread.h) ---------------------------------------------------- */

struct chime_thread *chime_thread_create(void *(*fn)(void *), void *arg, uint64_t hart_mask)
{
    struct chime_thread *t;
    int r = thread_start(&t, fn, arg, LIBOS_THREAD_STACK - PAGE, 0, hart_mask);

    if (r != 0) {
        errno = r == EAGAIN ? ENOMEM : r;
        return NULL;
    }
    return t;
}

int chime_thread_join(struct chime_thread *t, void **result)
{
    return pthread_join(t, result);
}

int chime_thread_handle(const struct chime_thread *t)
{
    return t->handle;
}
