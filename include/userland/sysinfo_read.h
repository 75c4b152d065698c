/* sysinfo_read: every record of one SYS_SYSINFO kind (include/chime/sysinfo.h),
 * for ps, servers, ipcstat and uptime. Chime only (not built for the host).
 *
 * Reads SYSINFO_MAX records per call into a growing array until the count
 * the kernel reports is reached (records that appear meanwhile are read
 * too; ones that vanish shorten the list). Returns the array (malloc; free
 * it) and sets *n, or NULL with errno set. */
#ifndef USERLAND_SYSINFO_READ_H
#define USERLAND_SYSINFO_READ_H

#include <errno.h>
#include <stdlib.h>

#include <chime/syscall.h>
#include <chime/sysinfo.h>

#include <libos/libos.h>
#include <libos/syscall.h>

static inline void *sysinfo_read(int kind, size_t size, size_t *n)
{
    char *recs = NULL;
    size_t have = 0, cap = 0;

    for (;;) {
        if (have + SYSINFO_MAX > cap) {
            char *bigger = realloc(recs, (cap + SYSINFO_MAX) * size);
            if (bigger == NULL) {
                free(recs);
                return NULL;
            }
            recs = bigger;
            cap += SYSINFO_MAX;
        }
        long total =
            syscall4(SYS_SYSINFO, kind, (long)have, (long)(recs + have * size), SYSINFO_MAX);
        if (total < 0) {
            free(recs);
            errno = libos_errno(total);
            return NULL;
        }
        size_t got = (size_t)total > have ? (size_t)total - have : 0;
        have += got < SYSINFO_MAX ? got : SYSINFO_MAX;
        if (got <= SYSINFO_MAX) {
            *n = have;
            return recs;
        }
    }
}

#endif
