/* libos: picolibc's feature macros, plus the POSIX options libos provides
 * (POSIX puts them in <unistd.h>; picolibc's headers test them from
 * everywhere, so they live here). Options not listed are unsupported:
 * _POSIX_TIMERS is missing because timer_create is. */
#ifndef LIBOS_SYS_FEATURES_H
#define LIBOS_SYS_FEATURES_H

#include_next <sys/features.h>

#define _POSIX_THREADS               200809L /* pthread.c */
#define _POSIX_THREAD_ATTR_STACKSIZE 200809L
#define _POSIX_READER_WRITER_LOCKS   200809L
#define _POSIX_TIMEOUTS              200809L /* timedlock, timedrdlock, ... */
#define _POSIX_MONOTONIC_CLOCK       200809L /* time.c */
#define _POSIX_CLOCK_SELECTION       200809L /* clock_nanosleep, condattr_setclock */
#define _POSIX_SPAWN                 200809L /* spawn.c */

#endif
