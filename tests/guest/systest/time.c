/* Time: the clock is monotonic and sleeps last at least as asked. */
#include "systest.h"

#include <time.h>

#include <libos/syscall.h>

#define MS 1000000ull

void test_time(void)
{
    uint64_t t0, t1, prev = now_ns();
    struct timespec ts = {.tv_sec = 0, .tv_nsec = 20 * MS}, a, b;
    int mono = 1;

    for (int i = 0; i < 1000; i++) {
        uint64_t t = now_ns();
        mono &= t >= prev;
        prev = t;
    }
    check(mono, "time: 1000 CLOCK_GET reads never go backwards");
    t0 = now_ns();
    syscall1(SYS_SLEEP, 50 * MS);
    t1 = now_ns();
    check(t1 - t0 >= 50 * MS, "time: SYS_SLEEP(50 ms) slept %llu ns",
          (unsigned long long)(t1 - t0));
    check(t1 - t0 < 5000 * MS, "time: SYS_SLEEP(50 ms) returned within 5 s");
    clock_gettime(CLOCK_MONOTONIC, &a);
    check(nanosleep(&ts, NULL) == 0, "time: nanosleep(20 ms) = 0");
    clock_gettime(CLOCK_MONOTONIC, &b);
    t0 = (uint64_t)a.tv_sec * 1000000000ull + (uint64_t)a.tv_nsec;
    t1 = (uint64_t)b.tv_sec * 1000000000ull + (uint64_t)b.tv_nsec;
    check(t1 - t0 >= 20 * MS, "time: clock_gettime saw nanosleep(20 ms) last %llu ns",
          (unsigned long long)(t1 - t0));
}
