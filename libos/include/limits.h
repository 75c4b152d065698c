/* libos: picolibc's <limits.h> plus SSIZE_MAX, which POSIX puts here and
 * picolibc leaves out. ssize_t is size_t made signed (sys/_types.h), so
 * its maximum is half of SIZE_MAX's range. */
#ifndef LIBOS_LIMITS_H
#define LIBOS_LIMITS_H

#include_next <limits.h>

#ifndef SSIZE_MAX
#define SSIZE_MAX ((long)(__SIZE_MAX__ >> 1))
#endif

#endif
