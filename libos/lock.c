/* The libos lock (lock.h) and, on top of it, picolibc's retargetable locks
 * (sys/lock.h), so malloc, stdio and atexit are safe across threads.
 *
 * picolibc's locks are recursive: the owner is identified by its tp (each
 * thread has its own TLS block). A NULL lock (the static stdio streams never
 * run lock_init) is the process-wide fallback lock. */
#include "lock.h"
#include "syscall.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/lock.h>

/* Tries on a held lock before a waiter sleeps in the kernel: a holder on
 * another hart often lets go within a few hundred instructions. */
#define LOCK_SPINS 100

enum { LOCK_FREE = 0, LOCK_HELD = 1, LOCK_CONTENDED = 2 };

long libos_futex_wait(uint32_t *word, uint32_t value, uint64_t timeout_ns)
{
    return syscall3(SYS_FUTEX_WAIT, (long)word, (long)value, (long)timeout_ns);
}

long libos_futex_wake(uint32_t *word, int n)
{
    return syscall2(SYS_FUTEX_WAKE, (long)word, n);
}

int libos_lock_try(struct libos_lock *l)
{
    uint32_t expected = LOCK_FREE;

    return __atomic_compare_exchange_n(&l->word, &expected, LOCK_HELD, 0, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

void libos_futex_wait_while(uint32_t *word, uint32_t value)
{
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) == value)
        libos_futex_wait(word, value, CHIME_FOREVER);
}

int libos_futex_wait_until(uint32_t *word, uint32_t value, clockid_t clock,
                           const struct timespec *abstime)
{
    uint64_t timeout = CHIME_FOREVER;

    if (abstime != NULL) {
        int64_t ns = libos_ns_until(clock, abstime);

        if (ns < 0)
            return EINVAL;
        if (ns == 0)
            return ETIMEDOUT;
        timeout = (uint64_t)ns;
    }
    return libos_futex_wait(word, value, timeout) == CHIME_ETIMEDOUT ? ETIMEDOUT : 0;
}

/* The slow path: mark the lock contended and sleep until it is ours. With
 * a deadline (abstime != NULL) give up with ETIMEDOUT at abstime. */
static int lock_wait(struct libos_lock *l, clockid_t clock, const struct timespec *abstime)
{
    for (int i = 0; i < LOCK_SPINS; i++) {
        if (__atomic_load_n(&l->word, __ATOMIC_RELAXED) == LOCK_FREE && libos_lock_try(l))
            return 0;
        __asm__ volatile("" ::: "memory");
    }
    /* Whoever takes it with an exchange to CONTENDED may have waiters
     * behind it: it wakes one at release. */
    while (__atomic_exchange_n(&l->word, LOCK_CONTENDED, __ATOMIC_ACQUIRE) != LOCK_FREE) {
        int r = libos_futex_wait_until(&l->word, LOCK_CONTENDED, clock, abstime);

        /* A timeout is final only while the lock is still held: one more
         * exchange decides. */
        if (r == EINVAL)
            return r;
        if (r == ETIMEDOUT) {
            if (__atomic_exchange_n(&l->word, LOCK_CONTENDED, __ATOMIC_ACQUIRE) == LOCK_FREE)
                return 0;
            return r;
        }
    }
    return 0;
}

void libos_lock(struct libos_lock *l)
{
    if (!libos_lock_try(l))
        lock_wait(l, CLOCK_MONOTONIC, NULL);
}

int libos_lock_until(struct libos_lock *l, clockid_t clock, const struct timespec *abstime)
{
    return libos_lock_try(l) ? 0 : lock_wait(l, clock, abstime);
}

void libos_unlock(struct libos_lock *l)
{
    if (__atomic_exchange_n(&l->word, LOCK_FREE, __ATOMIC_RELEASE) == LOCK_CONTENDED)
        libos_futex_wake(&l->word, 1);
}

/* ---- picolibc's locks ------------------------------------------------------ */

struct __lock {
    struct libos_lock lock;
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

static int recursive_try(struct __lock *l)
{
    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == self()) {
        l->depth++;
        return 1;
    }
    if (!libos_lock_try(&l->lock))
        return 0;
    __atomic_store_n(&l->owner, self(), __ATOMIC_RELAXED);
    l->depth = 1;
    return 1;
}

static void recursive_take(struct __lock *l)
{
    if (recursive_try(l))
        return;
    libos_lock(&l->lock);
    __atomic_store_n(&l->owner, self(), __ATOMIC_RELAXED);
    l->depth = 1;
}

static void recursive_give(struct __lock *l)
{
    if (l->owner != self() || l->depth == 0)
        return;
    if (--l->depth == 0) {
        __atomic_store_n(&l->owner, 0, __ATOMIC_RELAXED);
        libos_unlock(&l->lock);
    }
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
    recursive_take(lock_of(lock));
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
    recursive_take(lock_of(lock));
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
    return recursive_try(lock_of(lock));
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
    return recursive_try(lock_of(lock));
}

void __retarget_lock_release(_LOCK_T lock)
{
    recursive_give(lock_of(lock));
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
    recursive_give(lock_of(lock));
}
