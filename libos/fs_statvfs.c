/* File-system information and file times over the fs server: statvfs,
 * fstatvfs, futimens, utimensat. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <chime/errno.h>

#include "fs_client.h"
#include "ipc.h"

static int fail(int err)
{
    errno = err;
    return -1;
}

/* Every path names the one fs server today, so path only has to exist. */
int statvfs(const char *path, struct statvfs *buf)
{
    struct stat st;
    struct fs_statfs fsf;
    struct ipc_conn *c;
    long r;

    if (stat(path, &st) < 0)
        return -1;
    c = fs_conn_self();
    if (c == NULL)
        return fail(ENOENT);
    struct ipc_slot rq = {.opcode = FS_OP_STATFS, .arg = 0}, cpl;
    r = fs_call(c, &rq, &cpl);
    if (r < 0)
        return fail(fs_errno(r));
    memcpy(&fsf, ipc_data(c), sizeof(fsf));
    *buf = (struct statvfs){
        .f_bsize = fsf.bsize,
        .f_frsize = fsf.bsize,
        .f_blocks = fsf.blocks,
        .f_bfree = fsf.bfree,
        .f_bavail = fsf.bavail,
        .f_files = fsf.files,
        .f_ffree = fsf.ffree,
        .f_favail = fsf.ffree,
        .f_flag = (fsf.flags & FS_ST_RDONLY) ? ST_RDONLY : 0,
        .f_namemax = fsf.namemax,
    };
    return 0;
}

int fstatvfs(int fd, struct statvfs *buf)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return -1;
    return statvfs("/", buf);
}

/* The fs protocol has no request that sets times yet: "now" (times NULL,
 * or both UTIME_NOW) is done with a truncate to the file's own size, which
 * stamps mtime and ctime; explicit times are ENOSYS (docs/posix.md). */
static int times_now(const struct timespec times[2])
{
    return times == NULL || (times[0].tv_nsec == UTIME_NOW && times[1].tv_nsec == UTIME_NOW);
}

int futimens(int fd, const struct timespec times[2])
{
    struct stat st;

    if (!times_now(times))
        return fail(ENOSYS);
    if (fstat(fd, &st) < 0)
        return -1;
    if (!S_ISREG(st.st_mode))
        return fail(ENOSYS);
    return ftruncate(fd, st.st_size);
}

int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
    struct stat st;

    if (path == NULL)
        return fail(EFAULT);
    if (dirfd != AT_FDCWD && path[0] != '/')
        return fail(ENOSYS);
    if (!times_now(times))
        return fail(ENOSYS);
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISREG(st.st_mode))
        return fail(ENOSYS);
    return truncate(path, st.st_size);
}
