/* libos locking: one futex-based lock, and the futex calls under it.
 *
 * A struct libos_lock is one 32-bit futex word: 0 free, 1 held, 2 held and
 * perhaps waited for. Taking a free lock is one atomic; releasing a lock
 * nobody waits for is one atomic; a waiter sleeps in the kernel
 * (SYS_FUTEX_WAIT) and uses no CPU until the holder wakes it. Zeroed memory
 * is a free lock. Not recursive, not for the uintr handler path (a handler
 * that waits for a lock its interrupted thread holds waits forever).
 *
 * pthread mutexes, condition variables, rwlocks and once, picolibc's locks
 * (lock.c) and libos's own tables are all built on this; the one lock that
 * lives in memory shared between processes (pipes) is libos_shared_lock. */
#ifndef LIBOS_LOCK_H
#define LIBOS_LOCK_H

#include <stdint.h>
#include <time.h>

#include "syscall.h"

struct libos_lock {
    uint32_t word;
};
#define LIBOS_LOCK_INIT                                                                            \
    {                                                                                              \
        0                                                                                          \
    }

void libos_lock(struct libos_lock *l);
/* 1 if taken, 0 if another thread holds it. */
int libos_lock_try(struct libos_lock *l);
/* Take l, waiting until the absolute time *abstime on clock at most:
 * 0, ETIMEDOUT, or EINVAL for a bad abstime or clock (checked only when
 * the lock is not free at once, as POSIX allows). */
int libos_lock_until(struct libos_lock *l, clockid_t clock, const struct timespec *abstime);
void libos_unlock(struct libos_lock *l);

/* SYS_FUTEX_WAIT on word while it holds value, for up to timeout_ns
 * (CHIME_FOREVER: no limit): 0 woken (maybe spuriously), CHIME_EAGAIN the
 * word differed, CHIME_ETIMEDOUT, or another CHIME_E* code. */
long libos_futex_wait(uint32_t *word, uint32_t value, uint64_t timeout_ns);
/* Sleep until *word no longer holds value (read with acquire): a flag or
 * state word another thread changes once and then wakes. */
void libos_futex_wait_while(uint32_t *word, uint32_t value);
/* libos_futex_wait until the absolute time *abstime on clock (NULL: no
 * limit), for the waits that have a deadline: 0 woken (maybe spuriously, or
 * the word differed), ETIMEDOUT, or EINVAL for a bad abstime or clock. */
int libos_futex_wait_until(uint32_t *word, uint32_t value, clockid_t clock,
                           const struct timespec *abstime);
/* Wake up to n waiters of word; returns how many woke (or CHIME_E*). */
long libos_futex_wake(uint32_t *word, int n);

/* A lock word in memory shared with other processes (a pipe's header).
 * Futexes are keyed by process, so a waiter cannot sleep on it: it yields
 * until the word is free. 0 is free; hold it only for a short copy, never
 * across a sleep. */
static inline void libos_shared_lock(volatile uint32_t *word)
{
    while (__atomic_exchange_n(word, 1, __ATOMIC_ACQUIRE))
        syscall0(SYS_YIELD);
}

static inline void libos_shared_unlock(volatile uint32_t *word)
{
    __atomic_store_n(word, 0, __ATOMIC_RELEASE);
}

/* Nanoseconds from now until *abstime on clock (CLOCK_REALTIME or
 * CLOCK_MONOTONIC): 0 once it has passed. -1 for an unknown clock or a
 * tv_nsec outside [0, 1e9). */
int64_t libos_ns_until(clockid_t clock, const struct timespec *abstime);

#endif
