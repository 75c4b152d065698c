/* picolibc's retargetable locks (sys/lock.h), so malloc, stdio and atexit
 * are safe across threads of one process.
 *
 * Every lock is recursive: the owner is identified by its tp (each thread
 * has its own TLS block) and a waiting thread spins briefly, then yields
 * its hart. A NULL lock (the static stdio streams never run lock_init) is
 * the process-wide fallback lock. */
#include "syscall.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/lock.h>

/* Spins before a waiter yields its hart to the owner. */
#define LOCK_SPINS 64

struct __lock {
    uintptr_t owner; /* tp of the holder, 0 when free */
    unsigned depth;  /* recursion depth of the holder */
};

struct __lock __lock___libc_recursive_mutex;
static struct __lock fallback_lock;

static uintptr_t self(void)
{
    uintptr_t tp;
    __asm__("mv %0, tp" : "=r"(tp));
    return tp;
}

static struct __lock *lock_of(_LOCK_T lock)
{
    return lock != NULL ? lock : &fallback_lock;
}

static int lock_try(struct __lock *l)
{
    uintptr_t me = self(), expected = 0;

    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == me) {
        l->depth++;
        return 1;
    }
    if (__atomic_compare_exchange_n(&l->owner, &expected, me, 0, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED)) {
        l->depth = 1;
        return 1;
    }
    return 0;
}

static void lock_take(struct __lock *l)
{
    for (unsigned spins = 0; !lock_try(l); spins++) {
        if (spins >= LOCK_SPINS)
            syscall0(SYS_YIELD);
    }
}

static void lock_give(struct __lock *l)
{
    if (l->owner != self() || l->depth == 0)
        return;
    if (--l->depth == 0)
        __atomic_store_n(&l->owner, 0, __ATOMIC_RELEASE);
}

void __retarget_lock_init(_LOCK_T *lock)
{
    *lock = calloc(1, sizeof(struct __lock));
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
    __retarget_lock_init(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
    free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
    free(lock);
}

void __retarget_lock_acquire(_LOCK_T lock)
{
    lock_take(lock_of(lock));
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
    lock_take(lock_of(lock));
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
    return lock_try(lock_of(lock));
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
    return lock_try(lock_of(lock));
}

void __retarget_lock_release(_LOCK_T lock)
{
    lock_give(lock_of(lock));
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
    lock_give(lock_of(lock));
}
