/* pthreadtest: POSIX threads on Chime, and the futex calls under them.
 * Prints TAP lines ("ok - pthread: ...") and a summary; exits 1 on any
 * failure. Ends with threads still blocked in futex waits, so the process
 * exit must take waiters down cleanly. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libos/syscall.h>
#include <libos/thread.h>

#define MS 1000000ll

static int passed, failed;

static void check(int ok, const char *what)
{
    printf("%sok - pthread: %s\n", ok ? "" : "not ", what);
    if (ok)
        passed++;
    else
        failed++;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* The absolute time ms milliseconds from now on clock. */
static struct timespec in_ms(clockid_t clock, long ms)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    ts.tv_nsec += ms % 1000 * 1000000;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    return ts;
}

/* ---- mutex and condition variable: 8 threads ----------------------------- */

#define WORKERS  8
#define ADDS     5000
#define ROUNDS   2  /* strict hand-offs: each one waits for a wake-up */
#define ITEMS    40 /* through the bounded queue, per producer */
#define QUEUE    4
#define DETACHED 16

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pthread_cond_t turn_cond = PTHREAD_COND_INITIALIZER;
static int turn, turn_errors;

static void *adder(void *arg)
{
    for (int i = 0; i < ADDS; i++) {
        pthread_mutex_lock(&count_lock);
        counter++;
        pthread_mutex_unlock(&count_lock);
    }
    return NULL;
}

/* Thread i may go only when turn % WORKERS == i: every step is a wait and
 * a broadcast. */
static void *taker(void *arg)
{
    int me = (int)(intptr_t)arg;

    for (int r = 0; r < ROUNDS; r++) {
        pthread_mutex_lock(&count_lock);
        while (turn % WORKERS != me)
            pthread_cond_wait(&turn_cond, &count_lock);
        if (turn / WORKERS != r)
            turn_errors++;
        turn++;
        pthread_cond_broadcast(&turn_cond);
        pthread_mutex_unlock(&count_lock);
    }
    return NULL;
}

/* A bounded queue: 4 producers and 4 consumers, waiting on "not full" and
 * "not empty". Every item must come out exactly once. */
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static long queue[QUEUE], consumed_sum, consumed_count;
static int q_head, q_len, producers_left = WORKERS / 2;

static void *producer(void *arg)
{
    for (long i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&count_lock);
        while (q_len == QUEUE)
            pthread_cond_wait(&not_full, &count_lock);
        queue[(q_head + q_len++) % QUEUE] = i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&count_lock);
    }
    pthread_mutex_lock(&count_lock);
    if (--producers_left == 0)
        pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&count_lock);
    return NULL;
}

static void *consumer(void *arg)
{
    pthread_mutex_lock(&count_lock);
    for (;;) {
        while (q_len == 0 && producers_left > 0)
            pthread_cond_wait(&not_empty, &count_lock);
        if (q_len == 0)
            break;
        consumed_sum += queue[q_head];
        consumed_count++;
        q_head = (q_head + 1) % QUEUE;
        q_len--;
        pthread_cond_signal(&not_full);
    }
    pthread_mutex_unlock(&count_lock);
    return NULL;
}

static void test_counter(void)
{
    pthread_t t[WORKERS];
    int ok = 1;

    for (int i = 0; i < WORKERS; i++)
        ok &= pthread_create(&t[i], NULL, adder, NULL) == 0;
    for (int i = 0; i < WORKERS; i++)
        ok &= pthread_join(t[i], NULL) == 0;
    check(ok && counter == (long)WORKERS * ADDS, "8 threads keep a mutex-guarded counter exact");
    for (int i = 0; i < WORKERS; i++)
        ok &= pthread_create(&t[i], NULL, taker, (void *)(intptr_t)i) == 0;
    for (int i = 0; i < WORKERS; i++)
        ok &= pthread_join(t[i], NULL) == 0;
    check(ok && turn == WORKERS * ROUNDS && turn_errors == 0,
          "8 threads take turns in order through a condition variable");
    for (int i = 0; i < WORKERS; i++)
        ok &= pthread_create(&t[i], NULL, i % 2 ? consumer : producer, NULL) == 0;
    for (int i = 0; i < WORKERS; i++)
        ok &= pthread_join(t[i], NULL) == 0;
    check(ok && consumed_count == (long)ITEMS * WORKERS / 2 &&
              consumed_sum == (long)ITEMS * (ITEMS + 1) / 2 * WORKERS / 2,
          "4 producers and 4 consumers pass every item through a bounded queue once");
}

/* ---- mutex types ---------------------------------------------------------- */

static pthread_mutex_t shared_m;

static void *unlock_other(void *arg)
{
    return (void *)(intptr_t)pthread_mutex_unlock(&shared_m);
}

static void *trylock_other(void *arg)
{
    return (void *)(intptr_t)pthread_mutex_trylock(&shared_m);
}

static int from_thread(void *(*fn)(void *))
{
    pthread_t t;
    void *r = (void *)-1;
    pthread_create(&t, NULL, fn, NULL);
    pthread_join(t, &r);
    return (int)(intptr_t)r;
}

static void test_mutex_types(void)
{
    pthread_mutexattr_t a;

    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&shared_m, &a);
    check(pthread_mutex_lock(&shared_m) == 0 && pthread_mutex_lock(&shared_m) == 0 &&
              pthread_mutex_trylock(&shared_m) == 0,
          "recursive: the owner locks three times");
    check(from_thread(unlock_other) == EPERM && from_thread(trylock_other) == EBUSY,
          "recursive: another thread gets EPERM (unlock) and EBUSY (trylock)");
    check(pthread_mutex_unlock(&shared_m) == 0 && pthread_mutex_unlock(&shared_m) == 0 &&
              pthread_mutex_unlock(&shared_m) == 0 && pthread_mutex_unlock(&shared_m) == EPERM,
          "recursive: three unlocks release it, a fourth is EPERM");
    check(from_thread(trylock_other) == 0, "recursive: free for others after the last unlock");
    pthread_mutex_unlock(&shared_m); /* (not ours: EPERM, harmless) */

    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&shared_m, &a);
    check(pthread_mutex_lock(&shared_m) == 0 && pthread_mutex_lock(&shared_m) == EDEADLK &&
              pthread_mutex_trylock(&shared_m) == EBUSY,
          "errorcheck: relocking is EDEADLK, trylock EBUSY");
    check(from_thread(unlock_other) == EPERM, "errorcheck: unlock by another thread is EPERM");
    check(pthread_mutex_unlock(&shared_m) == 0 && pthread_mutex_unlock(&shared_m) == EPERM,
          "errorcheck: unlocking an unlocked mutex is EPERM");
    check(pthread_mutexattr_settype(&a, 99) == EINVAL &&
              pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == ENOTSUP,
          "mutexattr: bad type EINVAL, process-shared ENOTSUP");
}

/* ---- timed waits ------------------------------------------------------------ */

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static volatile int release_held;

static void *hold(void *arg)
{
    pthread_mutex_lock(&held);
    while (!release_held)
        nanosleep(&(struct timespec){0, 5 * MS}, NULL);
    pthread_mutex_unlock(&held);
    return NULL;
}

/* The wait took at least want ms and not absurdly longer. */
static int took_about(int64_t start, long want_ms)
{
    int64_t ms = (now_ns() - start) / MS;
    return ms >= want_ms && ms < want_ms + 400;
}

static void test_timed(void)
{
    pthread_t t;
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c;
    pthread_condattr_t ca;
    pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
    struct timespec until;
    int64_t start;
    int r;

    pthread_create(&t, NULL, hold, NULL);
    while (pthread_mutex_trylock(&held) == 0) { /* until hold() has it */
        pthread_mutex_unlock(&held);
        sched_yield();
    }
    start = now_ns();
    until = in_ms(CLOCK_REALTIME, 50);
    r = pthread_mutex_timedlock(&held, &until);
    check(r == ETIMEDOUT && took_about(start, 50), "mutex_timedlock: ETIMEDOUT after 50 ms");
    release_held = 1;
    until = in_ms(CLOCK_REALTIME, 5000);
    check(pthread_mutex_timedlock(&held, &until) == 0, "mutex_timedlock: succeeds once released");
    pthread_mutex_unlock(&held);
    pthread_join(t, NULL);

    pthread_condattr_init(&ca);
    check(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
              pthread_condattr_setclock(&ca, 12345) == EINVAL,
          "condattr_setclock: MONOTONIC accepted, a bad clock EINVAL");
    pthread_cond_init(&c, &ca);
    pthread_mutex_lock(&m);
    start = now_ns();
    until = in_ms(CLOCK_MONOTONIC, 60);
    r = pthread_cond_timedwait(&c, &m, &until);
    check(r == ETIMEDOUT && took_about(start, 60) && pthread_mutex_unlock(&m) == 0,
          "cond_timedwait (CLOCK_MONOTONIC): ETIMEDOUT after 60 ms, mutex held again");
    pthread_cond_init(&c, NULL);
    pthread_mutex_lock(&m);
    start = now_ns();
    until = in_ms(CLOCK_REALTIME, 40);
    r = pthread_cond_timedwait(&c, &m, &until);
    pthread_mutex_unlock(&m);
    check(r == ETIMEDOUT && took_about(start, 40), "cond_timedwait (CLOCK_REALTIME): ETIMEDOUT");
    until = (struct timespec){0, 2000000000};
    pthread_mutex_lock(&m);
    check(pthread_cond_timedwait(&c, &m, &until) == EINVAL, "cond_timedwait: bad tv_nsec EINVAL");
    pthread_mutex_unlock(&m);

    pthread_rwlock_rdlock(&rw);
    start = now_ns();
    until = in_ms(CLOCK_REALTIME, 30);
    r = pthread_rwlock_timedwrlock(&rw, &until);
    check(r == ETIMEDOUT && took_about(start, 30), "rwlock_timedwrlock: ETIMEDOUT under a reader");
    pthread_rwlock_unlock(&rw);
}

/* ---- rwlocks ------------------------------------------------------------------ */

static pthread_rwlock_t rwl = PTHREAD_RWLOCK_INITIALIZER;
static volatile int readers_in, reader_saw_other;

/* Hold a read lock until the other reader is in too (or 2 s pass). */
static void *reader(void *arg)
{
    int64_t give_up = now_ns() + 2000 * MS;

    pthread_rwlock_rdlock(&rwl);
    __atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&readers_in, __ATOMIC_SEQ_CST) < 2 && now_ns() < give_up)
        sched_yield();
    if (__atomic_load_n(&readers_in, __ATOMIC_SEQ_CST) >= 2)
        __atomic_add_fetch(&reader_saw_other, 1, __ATOMIC_SEQ_CST);
    pthread_rwlock_unlock(&rwl);
    return NULL;
}

static void *try_read(void *arg)
{
    return (void *)(intptr_t)pthread_rwlock_tryrdlock(&rwl);
}

static void *try_write(void *arg)
{
    return (void *)(intptr_t)pthread_rwlock_trywrlock(&rwl);
}

static long rw_value;

static void *rw_writer(void *arg)
{
    for (int i = 0; i < 250; i++) {
        pthread_rwlock_wrlock(&rwl);
        long v = rw_value;
        for (volatile int spin = 0; spin < 20; spin++)
            ;
        rw_value = v + 1;
        pthread_rwlock_unlock(&rwl);
        if (i % 100 == 0) {
            pthread_rwlock_rdlock(&rwl);
            pthread_rwlock_unlock(&rwl);
        }
    }
    return NULL;
}

static void test_rwlock(void)
{
    pthread_t a, b, w[4];
    void *r1, *r2;

    pthread_create(&a, NULL, reader, NULL);
    pthread_create(&b, NULL, reader, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    check(reader_saw_other == 2, "rwlock: two readers hold it at once");
    pthread_rwlock_wrlock(&rwl);
    pthread_create(&a, NULL, try_read, NULL);
    pthread_create(&b, NULL, try_write, NULL);
    pthread_join(a, &r1);
    pthread_join(b, &r2);
    check((intptr_t)r1 == EBUSY && (intptr_t)r2 == EBUSY,
          "rwlock: a writer excludes readers and writers");
    check(pthread_rwlock_wrlock(&rwl) == EDEADLK, "rwlock: the writer relocking is EDEADLK");
    pthread_rwlock_unlock(&rwl);
    check(pthread_rwlock_unlock(&rwl) == EPERM, "rwlock: unlocking a free rwlock is EPERM");
    for (int i = 0; i < 4; i++)
        pthread_create(&w[i], NULL, rw_writer, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(w[i], NULL);
    check(rw_value == 1000, "rwlock: 4 writers lose no update");
}

/* ---- once ------------------------------------------------------------------------ */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int once_runs, once_done;

static void once_init(void)
{
    once_runs++;
    nanosleep(&(struct timespec){0, 20 * MS}, NULL); /* others pile up meanwhile */
    once_done = 1;
}

static void *call_once(void *arg)
{
    pthread_once(&once, once_init);
    return (void *)(intptr_t)once_done;
}

static void test_once(void)
{
    pthread_t t[WORKERS];
    int all_saw_done = 1;

    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, call_once, NULL);
    for (int i = 0; i < WORKERS; i++) {
        void *r;
        pthread_join(t[i], &r);
        all_saw_done &= (intptr_t)r == 1;
    }
    check(once_runs == 1 && all_saw_done, "once: runs once under contention, all return after it");
}

/* ---- keys --------------------------------------------------------------------------- */

static pthread_key_t key;
static int dtor_calls, dtor_sum;

static void dtor(void *v)
{
    __atomic_add_fetch(&dtor_calls, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&dtor_sum, (int)(intptr_t)v, __ATOMIC_SEQ_CST);
}

static void *use_key(void *arg)
{
    int ok = pthread_getspecific(key) == NULL;
    pthread_setspecific(key, arg);
    sched_yield();
    ok &= pthread_getspecific(key) == arg;
    if ((intptr_t)arg == 3)
        pthread_exit((void *)(intptr_t)ok); /* destructors run on pthread_exit too */
    return (void *)(intptr_t)ok;
}

static void test_keys(void)
{
    pthread_t t[4];
    int ok = pthread_key_create(&key, dtor) == 0;

    pthread_setspecific(key, (void *)100);
    for (int i = 0; i < 4; i++)
        ok &= pthread_create(&t[i], NULL, use_key, (void *)(intptr_t)(i + 1)) == 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok &= (intptr_t)r == 1;
    }
    check(ok && pthread_getspecific(key) == (void *)100, "keys: each thread sees its own value");
    check(dtor_calls == 4 && dtor_sum == 1 + 2 + 3 + 4, "keys: destructors run at thread exit");
    check(pthread_key_delete(key) == 0 && pthread_setspecific(key, (void *)1) == EINVAL &&
              pthread_getspecific(key) == NULL && pthread_key_delete(key) == EINVAL,
          "keys: a deleted key is EINVAL and reads NULL");
}

/* ---- join, detach, errno ------------------------------------------------------------- */

static volatile int detached_ran;

static void *ret_arg(void *arg)
{
    return arg;
}

static void *set_flag(void *arg)
{
    __atomic_add_fetch(&detached_ran, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void *own_errno(void *arg)
{
    errno = (int)(intptr_t)arg;
    nanosleep(&(struct timespec){0, 5 * MS}, NULL);
    return (void *)(intptr_t)(errno == (int)(intptr_t)arg);
}

static void test_lifecycle(void)
{
    pthread_t t, e[3];
    pthread_attr_t a;
    void *r = NULL;
    size_t sz;
    int ok, state;

    check(pthread_create(&t, NULL, ret_arg, (void *)0x5eed) == 0 && pthread_join(t, &r) == 0 &&
              r == (void *)0x5eed,
          "join returns the thread's value");
    check(pthread_join(pthread_self(), NULL) == EDEADLK &&
              pthread_equal(pthread_self(), pthread_self()),
          "join of self is EDEADLK; self equals self");

    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    pthread_attr_getdetachstate(&a, &state);
    ok = state == PTHREAD_CREATE_DETACHED;
    for (int i = 0; i < DETACHED; i++)
        ok &= pthread_create(&t, &a, set_flag, NULL) == 0;
    for (int i = 0; i < 2000 && detached_ran < DETACHED; i++)
        nanosleep(&(struct timespec){0, 5 * MS}, NULL);
    check(ok && detached_ran == DETACHED, "16 detached threads run and clean up after themselves");
    pthread_create(&t, NULL, set_flag, NULL);
    nanosleep(&(struct timespec){0, 20 * MS}, NULL);
    check(pthread_detach(t) == 0, "detach of a finished thread reaps it");
    pthread_create(&t, NULL, set_flag, NULL);
    check(pthread_detach(t) == 0, "detach of a running thread");

    pthread_attr_init(&a);
    check(pthread_attr_setstacksize(&a, 1000) == EINVAL &&
              pthread_attr_setstacksize(&a, 512 * 1024) == 0 &&
              pthread_attr_getstacksize(&a, &sz) == 0 && sz == 512 * 1024,
          "attr stacksize: too small EINVAL, 512 KiB accepted");
    check(pthread_create(&t, &a, ret_arg, (void *)7) == 0 && pthread_join(t, &r) == 0 &&
              r == (void *)7,
          "a thread with a 512 KiB stack runs");

    errno = 99;
    ok = 1;
    for (int i = 0; i < 3; i++)
        pthread_create(&e[i], NULL, own_errno, (void *)(intptr_t)(i + 1));
    for (int i = 0; i < 3; i++) {
        pthread_join(e[i], &r);
        ok &= (intptr_t)r == 1;
    }
    check(ok && errno == 99, "errno is per thread");
    check(sched_yield() == 0, "sched_yield returns 0");
}

/* ---- blocked threads use no CPU ------------------------------------------------------ */

static pthread_mutex_t idle_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_c = PTHREAD_COND_INITIALIZER;
static int idle_go, idle_waiting;
static volatile int spin_stop;

static void *idle_wait(void *arg)
{
    pthread_mutex_lock(&idle_m);
    idle_waiting++;
    while (!idle_go)
        pthread_cond_wait(&idle_c, &idle_m);
    pthread_mutex_unlock(&idle_m);
    return NULL;
}

static void *spin_yield(void *arg)
{
    while (!spin_stop)
        sched_yield();
    return NULL;
}

static long dispatches(pthread_t t)
{
    return syscall1(SYS_THREAD_STATS, chime_thread_handle(t));
}

static void test_idle(void)
{
    pthread_t w[3], s;
    long before[3], after[3], sb, sa;
    int flat = 1;

    for (int i = 0; i < 3; i++)
        pthread_create(&w[i], NULL, idle_wait, NULL);
    for (;;) {
        pthread_mutex_lock(&idle_m);
        int n = idle_waiting;
        pthread_mutex_unlock(&idle_m);
        if (n == 3)
            break;
        nanosleep(&(struct timespec){0, 1 * MS}, NULL);
    }
    nanosleep(&(struct timespec){0, 5 * MS}, NULL); /* let them reach the futex */
    for (int i = 0; i < 3; i++)
        before[i] = dispatches(w[i]);
    nanosleep(&(struct timespec){0, 100 * MS}, NULL);
    for (int i = 0; i < 3; i++) {
        after[i] = dispatches(w[i]);
        flat &= before[i] > 0 && after[i] == before[i];
    }
    printf("# dispatches of 3 waiters over a 100 ms wait: %ld->%ld %ld->%ld %ld->%ld\n", before[0],
           after[0], before[1], after[1], before[2], after[2]);
    check(flat, "3 threads blocked in cond_wait for 100 ms are never dispatched");

    pthread_create(&s, NULL, spin_yield, NULL);
    nanosleep(&(struct timespec){0, 5 * MS}, NULL);
    sb = dispatches(s);
    /* (At least 100 ms: a loaded host may give its hart little time.) */
    nanosleep(&(struct timespec){0, 100 * MS}, NULL);
    for (int i = 0; i < 500 && (sa = dispatches(s)) <= sb + 10; i++)
        nanosleep(&(struct timespec){0, 10 * MS}, NULL);
    spin_stop = 1;
    pthread_join(s, NULL);
    printf("# dispatches of a yielding thread over 100 ms or more: %ld->%ld\n", sb, sa);
    check(sa > sb + 10, "(control) a thread yielding in a loop is dispatched again and again");

    pthread_mutex_lock(&idle_m);
    idle_go = 1;
    pthread_cond_broadcast(&idle_c);
    pthread_mutex_unlock(&idle_m);
    for (int i = 0; i < 3; i++)
        pthread_join(w[i], NULL);
    check(1, "the waiters wake on broadcast and join");
}

/* ---- futex bad input ---------------------------------------------------------------------- */

static uint32_t fword;

static void test_futex(void)
{
    uintptr_t a = (uintptr_t)&fword;
    int64_t start;

    check(syscall3(SYS_FUTEX_WAIT, (long)(a + 1), 0, 1000) == CHIME_EINVAL &&
              syscall2(SYS_FUTEX_WAKE, (long)(a + 2), 1) == CHIME_EINVAL,
          "futex: unaligned address EINVAL");
    check(syscall3(SYS_FUTEX_WAIT, 0, 0, 1000) == CHIME_EFAULT &&
              syscall3(SYS_FUTEX_WAIT, 0x1000, 0, 1000) == CHIME_EFAULT &&
              syscall3(SYS_FUTEX_WAIT, 0x1f00000000, 0, 1000) == CHIME_EFAULT &&
              syscall2(SYS_FUTEX_WAKE, 0x1000, 1) == CHIME_EFAULT,
          "futex: NULL and unmapped addresses EFAULT");
    check(syscall3(SYS_FUTEX_WAIT, (long)0xffffffc080200000ull, 0, 1000) == CHIME_EFAULT &&
              syscall3(SYS_FUTEX_WAIT, (long)0x4000000000ull - 2, 0, 1000) == CHIME_EINVAL &&
              syscall3(SYS_FUTEX_WAIT, (long)0x4000000000ull, 0, 1000) == CHIME_EFAULT,
          "futex: kernel and out-of-range addresses refused");
    fword = 5;
    check(syscall3(SYS_FUTEX_WAIT, (long)a, 4, CHIME_FOREVER) == CHIME_EAGAIN,
          "futex: a changed word is EAGAIN at once");
    check(syscall3(SYS_FUTEX_WAIT, (long)a, 5, 0) == CHIME_ETIMEDOUT, "futex: timeout 0 polls");
    start = now_ns();
    check(syscall3(SYS_FUTEX_WAIT, (long)a, 5, 20 * MS) == CHIME_ETIMEDOUT && took_about(start, 20),
          "futex: a 20 ms wait times out");
    check(syscall2(SYS_FUTEX_WAKE, (long)a, -1) == CHIME_EINVAL &&
              syscall2(SYS_FUTEX_WAKE, (long)a, 10) == 0,
          "futex: wake n < 0 EINVAL, no waiters wakes 0");
    check(syscall1(SYS_THREAD_STATS, 12345) == CHIME_EBADH, "thread stats: bad handle EBADH");
}

/* Left blocked when main returns: the exit must end them. */
static void *wait_forever(void *arg)
{
    while (1)
        syscall3(SYS_FUTEX_WAIT, (long)&fword, 5, CHIME_FOREVER);
    return NULL;
}

int main(void)
{
    pthread_t t;

    test_futex();
    test_counter();
    test_mutex_types();
    test_timed();
    test_rwlock();
    test_once();
    test_keys();
    test_lifecycle();
    test_idle();
    fword = 5;
    for (int i = 0; i < 2; i++)
        pthread_create(&t, NULL, wait_forever, NULL);
    nanosleep(&(struct timespec){0, 10 * MS}, NULL);
    printf("pthreadtest: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
