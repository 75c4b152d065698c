/* pthread mutexes, condition variables, rwlocks and once, on the libos
 * futex lock (lock.h). A waiting thread sleeps in SYS_FUTEX_WAIT. */
#include "lock.h"
#include "syscall.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>

_Static_assert(sizeof(struct libos_lock) == sizeof(uint32_t), "a lock is one word");

static struct libos_lock *word_lock(uint32_t *word)
{
    return (struct libos_lock *)word;
}

static uintptr_t me(void)
{
    return (uintptr_t)pthread_self();
}

/* ---- mutexes ------------------------------------------------------------------ */

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
    attr->__type = PTHREAD_MUTEX_DEFAULT;
    return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
    return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
    *type = (int)attr->__type;
    return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
    if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE &&
        type != PTHREAD_MUTEX_ERRORCHECK)
        return EINVAL;
    attr->__type = (uint32_t)type;
    return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared)
{
    *pshared = PTHREAD_PROCESS_PRIVATE;
    return 0;
}

/* Futexes are keyed by (process, address): no sharing across processes. */
int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared)
{
    if (pshared == PTHREAD_PROCESS_PRIVATE)
        return 0;
    return pshared == PTHREAD_PROCESS_SHARED ? ENOTSUP : EINVAL;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
    *m = (pthread_mutex_t){.__type = attr != NULL ? attr->__type : PTHREAD_MUTEX_DEFAULT};
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
    return __atomic_load_n(&m->__lock, __ATOMIC_RELAXED) != 0 ? EBUSY : 0;
}

/* Lock m; with abstime (on CLOCK_REALTIME) give up at that time. */
static int mutex_lock(pthread_mutex_t *m, int try, const struct timespec *abstime)
{
    int r;

    if (m->__type != PTHREAD_MUTEX_NORMAL &&
        __atomic_load_n(&m->__owner, __ATOMIC_RELAXED) == me()) {
        if (m->__type == PTHREAD_MUTEX_ERRORCHECK)
            return try ? EBUSY : EDEADLK;
        if (m->__depth == UINT_MAX)
            return EAGAIN;
        m->__depth++;
        return 0;
    }
    if (try)
        r = libos_lock_try(word_lock(&m->__lock)) ? 0 : EBUSY;
    else if (abstime != NULL)
        r = libos_lock_until(word_lock(&m->__lock), CLOCK_REALTIME, abstime);
    else
        r = (libos_lock(word_lock(&m->__lock)), 0);
    if (r == 0) {
        __atomic_store_n(&m->__owner, me(), __ATOMIC_RELAXED);
        m->__depth = 1;
    }
    return r;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    return mutex_lock(m, 0, NULL);
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    return mutex_lock(m, 1, NULL);
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
    return mutex_lock(m, 0, abstime);
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (m->__type != PTHREAD_MUTEX_NORMAL) {
        if (__atomic_load_n(&m->__owner, __ATOMIC_RELAXED) != me())
            return EPERM;
        if (--m->__depth > 0)
            return 0;
    }
    __atomic_store_n(&m->__owner, 0, __ATOMIC_RELAXED);
    libos_unlock(word_lock(&m->__lock));
    return 0;
}

/* ---- condition variables ----------------------------------------------------------- */

int pthread_condattr_init(pthread_condattr_t *attr)
{
    attr->__clock = CLOCK_REALTIME;
    return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr)
{
    return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock)
{
    *clock = (clockid_t)attr->__clock;
    return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return EINVAL;
    attr->__clock = (uint32_t)clock;
    return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared)
{
    *pshared = PTHREAD_PROCESS_PRIVATE;
    return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared)
{
    if (pshared == PTHREAD_PROCESS_PRIVATE)
        return 0;
    return pshared == PTHREAD_PROCESS_SHARED ? ENOTSUP : EINVAL;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
    *c = (pthread_cond_t){.__clock = attr != NULL ? attr->__clock : CLOCK_REALTIME};
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
    return __atomic_load_n(&c->__waiters, __ATOMIC_RELAXED) != 0 ? EBUSY : 0;
}

/* Unlock m (whatever its depth), sleep until the sequence moves on, a
 * timeout or a spurious wake, and take m back as it was. */
static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    clockid_t clock = c->__clock ? (clockid_t)c->__clock : CLOCK_REALTIME;
    uint32_t seq;
    unsigned depth;
    int r;

    if (m->__type != PTHREAD_MUTEX_NORMAL && __atomic_load_n(&m->__owner, __ATOMIC_RELAXED) != me())
        return EPERM;
    if (abstime != NULL && libos_ns_until(clock, abstime) < 0)
        return EINVAL;
    __atomic_add_fetch(&c->__waiters, 1, __ATOMIC_RELAXED);
    seq = __atomic_load_n(&c->__seq, __ATOMIC_ACQUIRE);
    depth = m->__depth;
    m->__depth = 1;
    pthread_mutex_unlock(m);
    r = libos_futex_wait_until(&c->__seq, seq, clock, abstime);
    pthread_mutex_lock(m);
    m->__depth = depth;
    __atomic_sub_fetch(&c->__waiters, 1, __ATOMIC_RELAXED);
    /* A signal that raced with the timeout counts as the wake-up. */
    if (r == ETIMEDOUT && __atomic_load_n(&c->__seq, __ATOMIC_ACQUIRE) != seq)
        r = 0;
    return r;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    return cond_wait(c, m, NULL);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    return cond_wait(c, m, abstime);
}

static int cond_wake(pthread_cond_t *c, int n)
{
    __atomic_add_fetch(&c->__seq, 1, __ATOMIC_RELEASE);
    if (__atomic_load_n(&c->__waiters, __ATOMIC_ACQUIRE) != 0)
        libos_futex_wake(&c->__seq, n);
    return 0;
}

int pthread_cond_signal(pthread_cond_t *c)
{
    return cond_wake(c, 1);
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
    return cond_wake(c, INT_MAX);
}

/* ---- rwlocks -----------------------------------------------------------------------
 *
 * Readers first: a reader waits only while a writer holds the lock, so a
 * thread may take a read lock it already holds (POSIX requires that);
 * writers can starve under a steady stream of readers. */

int pthread_rwlockattr_init(pthread_rwlockattr_t *attr)
{
    attr->__reserved = 0;
    return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *attr)
{
    return 0;
}

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
    *rw = (pthread_rwlock_t){0};
    return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
    return rw->__readers != 0 || rw->__writer != 0 ? EBUSY : 0;
}

/* Take rw for reading or writing: try = fail with EBUSY rather than wait;
 * abstime = give up then (CLOCK_REALTIME). */
static int rwlock_take(pthread_rwlock_t *rw, int write, int try, const struct timespec *abstime)
{
    struct libos_lock *l = word_lock(&rw->__lock);
    int r = 0;

    libos_lock(l);
    if (rw->__writer == me()) {
        libos_unlock(l);
        return EDEADLK;
    }
    for (;;) {
        if (write ? rw->__readers == 0 && rw->__writer == 0 : rw->__writer == 0)
            break;
        if (try) {
            r = EBUSY;
            break;
        }
        uint32_t seq = rw->__seq;
        rw->__waiters++;
        libos_unlock(l);
        r = libos_futex_wait_until(&rw->__seq, seq, CLOCK_REALTIME, abstime);
        libos_lock(l);
        rw->__waiters--;
        if (r != 0 && !(write ? rw->__readers == 0 && rw->__writer == 0 : rw->__writer == 0))
            break;
        r = 0;
    }
    if (r == 0) {
        if (write)
            rw->__writer = me();
        else if (rw->__readers == UINT32_MAX)
            r = EAGAIN;
        else
            rw->__readers++;
    }
    libos_unlock(l);
    return r;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
    return rwlock_take(rw, 0, 0, NULL);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
    return rwlock_take(rw, 0, 1, NULL);
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *abstime)
{
    return rwlock_take(rw, 0, 0, abstime);
}

int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
    return rwlock_take(rw, 1, 0, NULL);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
    return rwlock_take(rw, 1, 1, NULL);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *abstime)
{
    return rwlock_take(rw, 1, 0, abstime);
}

int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
    struct libos_lock *l = word_lock(&rw->__lock);
    int r = 0, wake;

    libos_lock(l);
    if (rw->__writer == me())
        rw->__writer = 0;
    else if (rw->__readers > 0)
        rw->__readers--;
    else
        r = EPERM;
    wake = r == 0 && rw->__waiters != 0 && (rw->__readers == 0 || rw->__writer == 0);
    if (wake)
        __atomic_add_fetch(&rw->__seq, 1, __ATOMIC_RELEASE);
    libos_unlock(l);
    if (wake)
        libos_futex_wake(&rw->__seq, INT_MAX);
    return r;
}

/* ---- once --------------------------------------------------------------------------- */

enum { ONCE_NEW, ONCE_RUNNING, ONCE_DONE };

int pthread_once(pthread_once_t *once, void (*init)(void))
{
    uint32_t state = ONCE_NEW;

    if (__atomic_load_n(&once->__state, __ATOMIC_ACQUIRE) == ONCE_DONE)
        return 0;
    if (__atomic_compare_exchange_n(&once->__state, &state, ONCE_RUNNING, 0, __ATOMIC_ACQUIRE,
                                    __ATOMIC_ACQUIRE)) {
        init();
        __atomic_store_n(&once->__state, ONCE_DONE, __ATOMIC_RELEASE);
        libos_futex_wake(&once->__state, INT_MAX);
        return 0;
    }
    libos_futex_wait_while(&once->__state, ONCE_RUNNING);
    return 0;
}
