/* libos: picolibc's <time.h> plus the clock calls libos implements
 * (time.c). picolibc declares them only under _POSIX_TIMERS, which would
 * also promise timer_create; libos has the clocks but not the timers. */
#ifndef LIBOS_TIME_H
#define LIBOS_TIME_H

#include_next <time.h>

#if __POSIX_VISIBLE >= 199309 && !defined(_POSIX_TIMERS)
#ifdef __cplusplus
extern "C" {
#endif
int clock_gettime(clockid_t clock, struct timespec *ts);
int clock_getres(clockid_t clock, struct timespec *res);
int clock_settime(clockid_t clock, const struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
#ifdef __cplusplus
}
#endif
#endif

#endif
