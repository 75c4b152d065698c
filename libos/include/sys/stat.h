/* libos: picolibc's <sys/stat.h> plus what POSIX declares there and
 * picolibc leaves out for this target. */
#ifndef LIBOS_SYS_STAT_H
#define LIBOS_SYS_STAT_H

#include_next <sys/stat.h>

/* The special tv_nsec values of utimensat and futimens (POSIX.1-2008). */
#ifndef UTIME_NOW
#define UTIME_NOW  (-2L)
#define UTIME_OMIT (-1L)
#endif

#ifdef __cplusplus
extern "C" {
#endif
int lstat(const char *__restrict path, struct stat *__restrict st);
int mknod(const char *path, mode_t mode, dev_t dev);
#ifdef __cplusplus
}
#endif

#endif
