/* <sys/statvfs.h> for Chime (POSIX.1-2008): file-system totals from the fs
 * server's STATFS (libos/fs_path.c). picolibc has no such header. */
#ifndef LIBOS_SYS_STATVFS_H
#define LIBOS_SYS_STATVFS_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct statvfs {
    unsigned long f_bsize;   /* block size */
    unsigned long f_frsize;  /* fundamental block size (the same) */
    fsblkcnt_t f_blocks;     /* blocks, of f_frsize bytes */
    fsblkcnt_t f_bfree;      /* free blocks */
    fsblkcnt_t f_bavail;     /* free blocks for unprivileged users */
    fsfilcnt_t f_files;      /* inodes */
    fsfilcnt_t f_ffree;      /* free inodes */
    fsfilcnt_t f_favail;     /* free inodes for unprivileged users */
    unsigned long f_fsid;    /* file-system id */
    unsigned long f_flag;    /* ST_RDONLY, ST_NOSUID */
    unsigned long f_namemax; /* longest name */
};

#define ST_RDONLY 1ul
#define ST_NOSUID 2ul

int statvfs(const char *path, struct statvfs *buf);
int fstatvfs(int fd, struct statvfs *buf);

#ifdef __cplusplus
}
#endif

#endif
