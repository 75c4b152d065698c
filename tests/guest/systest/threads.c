/* Threads and the scheduler: CPU-bound threads spread over every hart,
 * equal-priority loops sharing one hart both progress (preemption),
 * affinity holds, and per-thread state (TLS, errno) is private. */
#include "systest.h"

#include <errno.h>
#include <stdint.h>

#include <libos/libos.h>
#include <libos/syscall.h>
#include <libos/thread.h>

#define MS             1000000ull
#define SPREAD_THREADS 8

static __thread int tls_value = 5;

struct spin {
    volatile int stop;
    volatile uint64_t count;
    volatile uint64_t harts; /* bit h: seen on hart h */
};

/* Busy for arg->count ns of guest time, noting every hart it runs on. */
static void *busy(void *arg)
{
    struct spin *s = arg;
    uint64_t end = now_ns() + s->count;

    while (now_ns() < end)
        s->harts |= 1ull << (syscall0(SYS_HART_SELF) & 63);
    return NULL;
}

static void spread(void)
{
    struct spin s[SPREAD_THREADS] = {0};
    struct chime_thread *t[SPREAD_THREADS];
    int n = libos_nharts(), started = 0;
    uint64_t all = 0, want = (n >= 64) ? ~0ull : (1ull << n) - 1;

    for (int i = 0; i < SPREAD_THREADS; i++) {
        s[i].count = 300 * MS;
        t[i] = chime_thread_create(busy, &s[i], 0);
        started += t[i] != NULL;
    }
    for (int i = 0; i < SPREAD_THREADS; i++) {
        if (t[i] != NULL)
            chime_thread_join(t[i], NULL);
        all |= s[i].harts;
    }
    check(started == SPREAD_THREADS, "threads: %d CPU-bound threads start", SPREAD_THREADS);
    check(all == want, "threads: they ran on all %d harts (seen mask 0x%llx)", n,
          (unsigned long long)all);
}

/* Counts without a single syscall: only a timer preemption lets others run. */
static void *loop(void *arg)
{
    struct spin *s = arg;

    s->harts = 1ull << (syscall0(SYS_HART_SELF) & 63);
    while (!s->stop)
        s->count++;
    s->harts |= 1ull << (syscall0(SYS_HART_SELF) & 63);
    return NULL;
}

static void preemption(void)
{
    int hart = libos_nharts() - 1;
    struct spin a = {0}, b = {0};
    struct chime_thread *ta = chime_thread_create(loop, &a, 1ull << hart);
    struct chime_thread *tb = chime_thread_create(loop, &b, 1ull << hart);
    uint64_t ca, cb;

    if (!check(ta != NULL && tb != NULL, "threads: two loops pinned to hart %d start", hart))
        return;
    syscall1(SYS_SLEEP, 200 * MS);
    ca = a.count;
    cb = b.count;
    a.stop = b.stop = 1;
    chime_thread_join(ta, NULL);
    chime_thread_join(tb, NULL);
    check(ca > 0 && cb > 0,
          "threads: both equal-priority loops on one hart progressed in 200 ms "
          "(%llu, %llu)",
          (unsigned long long)ca, (unsigned long long)cb);
    check(a.harts == (1ull << hart) && b.harts == (1ull << hart),
          "threads: the pinned loops stayed on hart %d", hart);
}

/* Reports how many of 20 samples ran on the hart in arg. */
static void *pinned(void *arg)
{
    long want = (long)(intptr_t)arg, hits = 0;

    for (int i = 0; i < 20; i++) {
        hits += syscall0(SYS_HART_SELF) == want;
        syscall0(SYS_YIELD);
    }
    return (void *)(intptr_t)hits;
}

static void affinity(void)
{
    int n = libos_nharts(), good = 0;

    for (int h = 0; h < n; h++) {
        struct chime_thread *t = chime_thread_create(pinned, (void *)(intptr_t)h, 1ull << h);
        void *hits = NULL;
        if (t != NULL)
            chime_thread_join(t, &hits);
        good += (intptr_t)hits == 20;
    }
    check(good == n, "threads: a thread pinned to each of %d harts stayed there (%d did)", n, good);
}

/* Moves as the main thread changes its affinity. */
static void *follower(void *arg)
{
    struct spin *s = arg;

    while (!s->stop) {
        s->count = (uint64_t)syscall0(SYS_HART_SELF);
        syscall1(SYS_SLEEP, MS);
    }
    return NULL;
}

static void affinity_change(void)
{
    int last = libos_nharts() - 1;
    struct spin s = {.count = 99};
    struct chime_thread *t = chime_thread_create(follower, &s, 1);
    long r;
    uint64_t end;

    if (!check(t != NULL, "threads: follower thread starts on hart 0"))
        return;
    r = syscall2(SYS_THREAD_AFFINITY, chime_thread_handle(t), 1l << last);
    end = now_ns() + 200 * MS;
    while (s.count != (uint64_t)last && now_ns() < end)
        syscall1(SYS_SLEEP, MS);
    check(r == 0 && s.count == (uint64_t)last,
          "threads: THREAD_AFFINITY moves a thread to hart %d (r %ld, on hart %llu)", last, r,
          (unsigned long long)s.count);
    s.stop = 1;
    chime_thread_join(t, NULL);
}

static void *private_state(void *arg)
{
    int fresh = tls_value;

    tls_value = 77;
    errno = EDOM;
    return (void *)(intptr_t)(fresh == 5 && errno == EDOM);
}

static void *sleeper(void *arg)
{
    uint64_t t0 = now_ns();

    syscall1(SYS_SLEEP, 50 * MS);
    return (void *)(uintptr_t)(now_ns() - t0);
}

static void tls(void)
{
    struct chime_thread *t;
    void *res = NULL;

    tls_value = 9;
    errno = 0;
    t = chime_thread_create(private_state, NULL, 0);
    if (t != NULL)
        chime_thread_join(t, &res);
    check(res != NULL, "threads: a new thread sees TLS initial values and its own errno");
    check(tls_value == 9 && errno == 0, "threads: the thread's TLS writes did not reach main's");
    t = chime_thread_create(sleeper, NULL, 0);
    res = NULL;
    if (t != NULL)
        chime_thread_join(t, &res);
    check((uintptr_t)res >= 50 * MS, "threads: a thread sleeping 50 ms woke after %llu ns",
          (unsigned long long)(uintptr_t)res);
}

void test_threads(void)
{
    tls();
    affinity();
    affinity_change();
    preemption();
    spread();
}
