/* Time: the clock is monotonic, sleeps last at least as asked, and the
 * wall clock is the RTC's (init sets it at boot; only init may). */
#include "systest.h"

#include <errno.h>
#include <sys/time.h>
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

    /* QEMU's RTC starts at the host's time: any date after 2024-01-01. */
    struct timeval tv;
    clock_gettime(CLOCK_REALTIME, &a);
    check(a.tv_sec > 1704067200, "time: CLOCK_REALTIME is the RTC's date (%lld s since 1970)",
          (long long)a.tv_sec);
    check(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= a.tv_sec && tv.tv_sec - a.tv_sec < 5,
          "time: gettimeofday agrees with CLOCK_REALTIME");
    clock_gettime(CLOCK_MONOTONIC, &b);
    check(a.tv_sec - b.tv_sec > 1704067200 - 60, "time: the wall clock runs ahead of boot time");
    ts = (struct timespec){.tv_sec = 1, .tv_nsec = 0};
    errno = 0;
    check(clock_settime(CLOCK_REALTIME, &ts) == -1 && errno == EPERM,
          "time: clock_settime by a process that is not init: EPERM");
    check(syscall1(SYS_CLOCK_SET_REALTIME, 1) == CHIME_EPERM,
          "time: SYS_CLOCK_SET_REALTIME by a process that is not init: CHIME_EPERM");
    clock_gettime(CLOCK_REALTIME, &b);
    check(b.tv_sec >= a.tv_sec, "time: and the wall clock did not move back");
}
