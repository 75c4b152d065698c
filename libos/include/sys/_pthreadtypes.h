/* libos: the pthread types, for <sys/types.h> and <pthread.h>.
 *
 * Every synchronisation object is plain memory whose all-zero state is the
 * static initializer, built on 32-bit futex words (libos/lock.h). Fields
 * are private to libos. */
#ifndef LIBOS_SYS_PTHREADTYPES_H
#define LIBOS_SYS_PTHREADTYPES_H

#include <stdint.h>

typedef struct chime_thread *pthread_t;

typedef struct {
    int __detachstate;
    unsigned long __stacksize;
    unsigned long long __hart_mask; /* Chime: harts the thread may run on, 0 = any */
} pthread_attr_t;

typedef struct {
    uint32_t __lock;   /* futex word: 0 free, 1 held, 2 held with waiters */
    uint32_t __type;   /* PTHREAD_MUTEX_* */
    uintptr_t __owner; /* pthread_self() of the holder, 0 when free */
    unsigned __depth;  /* recursion depth (recursive mutexes) */
} pthread_mutex_t;

typedef struct {
    uint32_t __type;
} pthread_mutexattr_t;

typedef struct {
    uint32_t __seq;     /* futex word: bumped by every signal and broadcast */
    uint32_t __waiters; /* threads inside pthread_cond_wait */
    uint32_t __clock;   /* clockid_t for timed waits, 0: CLOCK_REALTIME */
} pthread_cond_t;

typedef struct {
    uint32_t __clock;
} pthread_condattr_t;

typedef struct {
    uint32_t __lock;    /* internal lock (struct libos_lock) */
    uint32_t __seq;     /* futex word: bumped at each unlock */
    uint32_t __readers; /* read locks held */
    uint32_t __waiters; /* threads sleeping on __seq */
    uintptr_t __writer; /* pthread_self() of the writer, 0: none */
} pthread_rwlock_t;

typedef struct {
    uint32_t __reserved;
} pthread_rwlockattr_t;

typedef struct {
    uint32_t __state; /* futex word: 0 not run, 1 running, 2 done */
} pthread_once_t;

typedef unsigned pthread_key_t;

#endif
