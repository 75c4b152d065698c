/* Clocks and sleeping over SYS_CLOCK_GET / SYS_SLEEP / SYS_YIELD.
 * CLOCK_MONOTONIC counts from boot; CLOCK_REALTIME adds the info page's
 * realtime_base, which init sets from the RTC at boot (0, the epoch, on a
 * machine without one). */
#include "libos.h"
#include "lock.h"
#include "syscall.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000ull

static uint64_t now_ns(void)
{
    return (uint64_t)syscall0(SYS_CLOCK_GET);
}

/* Now on clock (CLOCK_MONOTONIC or CLOCK_REALTIME), in ns. */
static uint64_t clock_now_ns(clockid_t clock)
{
    uint64_t ns = now_ns();

    if (clock == CLOCK_REALTIME)
        ns += __atomic_load_n(&libos_info()->realtime_base, __ATOMIC_RELAXED);
    return ns;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    uint64_t ns;

    switch (clock) {
    case CLOCK_MONOTONIC:
    case CLOCK_REALTIME:
        break;
    default:
        errno = EINVAL;
        return -1;
    }
    ns = clock_now_ns(clock);
    ts->tv_sec = (time_t)(ns / NS_PER_S);
    ts->tv_nsec = (long)(ns % NS_PER_S);
    return 0;
}

int64_t libos_ns_until(clockid_t clock, const struct timespec *abstime)
{
    uint64_t target, now;

    if ((clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) || abstime->tv_nsec < 0 ||
        abstime->tv_nsec >= (long)NS_PER_S)
        return -1;
    if (abstime->tv_sec < 0)
        return 0;
    target = (uint64_t)abstime->tv_sec * NS_PER_S + (uint64_t)abstime->tv_nsec;
    now = clock_now_ns(clock);
    return target > now ? (int64_t)(target - now) : 0;
}

/* Only the wall clock can be set, and only by the root task (init). */
int clock_settime(clockid_t clock, const struct timespec *ts)
{
    if (clock != CLOCK_REALTIME || ts == NULL || ts->tv_sec < 0 || ts->tv_nsec < 0 ||
        ts->tv_nsec >= (long)NS_PER_S) {
        errno = EINVAL;
        return -1;
    }
    return (int)libos_ret(syscall1(
        SYS_CLOCK_SET_REALTIME, (long)((uint64_t)ts->tv_sec * NS_PER_S + (uint64_t)ts->tv_nsec)));
}

int clock_getres(clockid_t clock, struct timespec *res)
{
    if (res != NULL)
        *res = (struct timespec){.tv_sec = 0, .tv_nsec = 1};
    return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    uint64_t ns = clock_now_ns(CLOCK_REALTIME);

    if (tv != NULL) {
        tv->tv_sec = (time_t)(ns / NS_PER_S);
        tv->tv_usec = (suseconds_t)(ns % NS_PER_S / 1000);
    }
    return 0;
}

clock_t times(struct tms *buf)
{
    clock_t ticks = (clock_t)(now_ns() / (NS_PER_S / CLOCKS_PER_SEC));

    if (buf != NULL)
        *buf = (struct tms){.tms_utime = ticks, .tms_stime = 0};
    return ticks;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    long r;

    if (req == NULL || req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NS_PER_S) {
        errno = EINVAL;
        return -1;
    }
    r = syscall1(SYS_SLEEP, (long)((uint64_t)req->tv_sec * NS_PER_S + (uint64_t)req->tv_nsec));
    if (rem != NULL)
        *rem = (struct timespec){0, 0};
    return (int)libos_ret(r);
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem)
{
    int64_t ns;

    if (!(flags & TIMER_ABSTIME)) {
        if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME)
            return EINVAL;
        return nanosleep(req, rem) < 0 ? errno : 0;
    }
    ns = libos_ns_until(clock, req);
    if (ns < 0)
        return EINVAL;
    if (ns > 0)
        syscall1(SYS_SLEEP, (long)ns);
    return 0;
}

int usleep(useconds_t us)
{
    return (int)libos_ret(syscall1(SYS_SLEEP, (long)((uint64_t)us * 1000)));
}

unsigned sleep(unsigned s)
{
    syscall1(SYS_SLEEP, (long)((uint64_t)s * NS_PER_S));
    return 0;
}

int sched_yield(void)
{
    return (int)libos_ret(syscall0(SYS_YIELD));
}

/* No hardware RNG: mix the timer's low bits through splitmix64. Good enough
 * for hash seeds and stack canaries of a research system, not for keys. */
int getentropy(void *buf, size_t len)
{
    static uint64_t state;
    unsigned char *p = buf;

    if (len > 256) {
        errno = EIO;
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        uint64_t t, z;
        __asm__ volatile("rdtime %0" : "=r"(t));
        z = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15ull ^ t, __ATOMIC_RELAXED);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        p[i] = (unsigned char)(z ^ (z >> 31));
    }
    return 0;
}
