/* The descriptor calls only files of the fs server have: pread, pwrite,
 * ftruncate, fsync, fdatasync. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fd.h"
#include "fs_file.h"

/* The open file of fd if it is an fs file (with a reference), else NULL
 * and *err: -EBADF (no such fd) or bad_kind. */
static struct libos_file *file_get(int fd, int bad_kind, int *err)
{
    struct libos_file *f = fd_get(fd);

    if (f == NULL) {
        *err = -EBADF;
        return NULL;
    }
    if (f->ops != &fs_file_ops) {
        fd_put(f);
        *err = bad_kind;
        return NULL;
    }
    return f;
}

static ssize_t positioned(int fd, uint16_t op, void *buf, size_t n, off_t off)
{
    int err;
    struct libos_file *f = file_get(fd, -ESPIPE, &err);
    ssize_t r;

    if (f == NULL) {
        errno = -err;
        return -1;
    }
    if (off < 0)
        r = -EINVAL;
    else if ((f->flags & O_ACCMODE) == (op == FS_OP_READ ? O_WRONLY : O_RDONLY))
        r = -EBADF;
    else
        r = fs_transfer(fs_handle_of(f), op, buf, n, (uint64_t)off, NULL);
    fd_put(f);
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    return positioned(fd, FS_OP_READ, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    return positioned(fd, FS_OP_WRITE, (void *)buf, n, off);
}

static int handle_op(int fd, uint16_t op, uint64_t offset)
{
    int err;
    struct libos_file *f = file_get(fd, -EINVAL, &err);
    long r;

    if (f == NULL) {
        errno = -err;
        return -1;
    }
    r = fs_handle_call(op, fs_handle_of(f), offset);
    fd_put(f);
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return 0;
}

int ftruncate(int fd, off_t size)
{
    if (size < 0) {
        errno = EINVAL;
        return -1;
    }
    return handle_op(fd, FS_OP_FTRUNCATE, (uint64_t)size);
}

int fsync(int fd)
{
    return handle_op(fd, FS_OP_FSYNC, 0);
}

int fdatasync(int fd)
{
    return handle_op(fd, FS_OP_FDATASYNC, 0);
}
