/* Files of the fs server as descriptors (the "file" kind of fd.h), and the
 * descriptor calls only files have: pread, pwrite, ftruncate, fsync,
 * fdatasync.
 *
 * The offset lives here, in the open file (DESIGN §6), and goes in every
 * READ and WRITE; an O_APPEND write takes the offset the server placed it
 * at. Transfers of FS_LEND_MIN bytes or more are lent to the server, so its
 * cache and the caller's buffer exchange the bytes in one copy; smaller
 * ones go through the data area. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <chime/errno.h>
#include <chime/types.h>

#include "fd.h"
#include "libos.h"
#include "fs_client.h"
#include "fs_stat.h"

#define FS_LEND_MIN (16u * 1024)

struct fs_file {
    int32_t handle; /* the server's */
    uint32_t mode;  /* type and permissions at open */
    char *path;     /* absolute, as opened: a child reopens it (inherit) */
};

static ssize_t file_read(struct libos_file *f, void *buf, size_t n);
static ssize_t file_write(struct libos_file *f, const void *buf, size_t n);
static off_t file_lseek(struct libos_file *f, off_t offset, int whence);
static int file_fstat(struct libos_file *f, struct stat *st);
static int file_close(struct libos_file *f);
static int file_inherit(struct libos_file *f, long space, struct libos_fd_record *rec);

const struct fd_ops fs_file_ops = {
    .kind = "file",
    .read = file_read,
    .write = file_write,
    .lseek = file_lseek,
    .fstat = file_fstat,
    .close = file_close,
    .inherit = file_inherit,
};

static int32_t handle_of(struct libos_file *f)
{
    return ((struct fs_file *)f->priv)->handle;
}

/* One request on an open handle with no path; returns the result or a
 * negative errno. */
static long handle_call(struct ipc_slot *rq, struct ipc_slot *cpl)
{
    uint64_t room;
    long r;

    if (fs_begin(&room) == NULL) {
        fs_end();
        return -EBADF;
    }
    r = fs_call(rq, cpl);
    fs_end();
    return r < 0 ? -fs_errno(r) : r;
}

/* READ or WRITE of n bytes at off: through a lend when large, else through
 * the data area in pieces. Returns bytes moved or a negative errno; *end
 * gets the offset after a write (the append position). */
static ssize_t transfer(int32_t handle, uint16_t op, void *buf, size_t n, uint64_t off,
                        uint64_t *end)
{
    uint64_t room;
    char *data = fs_begin(&room);
    size_t done = 0;
    long r = 0;

    if (data == NULL) {
        fs_end();
        return -EBADF;
    }
    if (n > FS_IO_MAX)
        n = FS_IO_MAX;
    if (n >= FS_LEND_MIN) {
        unsigned prot = op == FS_OP_READ ? CHIME_PROT_WRITE : CHIME_PROT_READ;
        long va = fs_lend(buf, n, prot);

        if (va >= 0) {
            struct ipc_slot rq = {.opcode = op,
                                  .flags = IPC_F_LENT,
                                  .handle = handle,
                                  .offset = off,
                                  .length = n,
                                  .data = (uint64_t)va};
            struct ipc_slot cpl;

            r = fs_call(&rq, &cpl);
            fs_unlend(va);
            if (r >= 0 && end != NULL)
                *end = cpl.offset;
            fs_end();
            return r < 0 ? -fs_errno(r) : r;
        }
        /* No lend (say, the buffer is not ours to lend): fall back. */
    }
    do { /* one request at least: a read of 0 bytes still gets a directory's EISDIR */
        size_t k = n - done < room ? n - done : room;
        struct ipc_slot rq = {
            .opcode = op, .handle = handle, .offset = off + done, .length = k, .data = 0};
        struct ipc_slot cpl;

        if (op == FS_OP_WRITE)
            memcpy(data, (char *)buf + done, k);
        r = fs_call(&rq, &cpl);
        if (r < 0)
            break;
        if (op == FS_OP_READ)
            memcpy((char *)buf + done, data, (size_t)r);
        done += (size_t)r;
        if (end != NULL)
            *end = cpl.offset;
        if ((size_t)r < k)
            break;
    } while (done < n);
    fs_end();
    if (r < 0 && done == 0)
        return -fs_errno(r);
    return (ssize_t)done;
}

static ssize_t file_read(struct libos_file *f, void *buf, size_t n)
{
    ssize_t r = transfer(handle_of(f), FS_OP_READ, buf, n, f->offset, NULL);

    if (r > 0)
        f->offset += (uint64_t)r;
    return r;
}

static ssize_t file_write(struct libos_file *f, const void *buf, size_t n)
{
    uint64_t end = f->offset;
    ssize_t r;

    if (n == 0)
        return 0;
    r = transfer(handle_of(f), FS_OP_WRITE, (void *)buf, n, f->offset, &end);
    if (r > 0)
        f->offset = (f->flags & O_APPEND) ? end : f->offset + (uint64_t)r;
    return r;
}

static int file_fstat(struct libos_file *f, struct stat *st)
{
    uint64_t room;
    char *data = fs_begin(&room);
    struct ipc_slot rq = {.opcode = FS_OP_FSTAT, .handle = handle_of(f), .arg = 0}, cpl;
    struct fs_stat fst;
    long r;

    if (data == NULL) {
        fs_end();
        return -EBADF;
    }
    r = fs_call(&rq, &cpl);
    if (r >= 0)
        memcpy(&fst, data, sizeof(fst));
    fs_end();
    if (r < 0)
        return -fs_errno(r);
    fs_stat_to_posix(&fst, st);
    return 0;
}

static off_t file_lseek(struct libos_file *f, off_t offset, int whence)
{
    int64_t base;

    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)f->offset;
        break;
    case SEEK_END: {
        struct stat st;
        int r = file_fstat(f, &st);

        if (r < 0)
            return r;
        base = st.st_size;
        break;
    }
    default:
        return -EINVAL;
    }
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
        return -EINVAL;
    f->offset = (uint64_t)(base + offset);
    return (off_t)f->offset;
}

static int file_close(struct libos_file *f)
{
    struct ipc_slot rq = {.opcode = FS_OP_CLOSE, .handle = handle_of(f)}, cpl;
    long r = handle_call(&rq, &cpl);

    free(((struct fs_file *)f->priv)->path);
    free(f->priv);
    return r < 0 ? (int)r : 0;
}

static int fs_flags(int flags, uint32_t *out)
{
    uint32_t o;

    switch (flags & O_ACCMODE) {
    case O_RDONLY:
        o = FS_O_RDONLY;
        break;
    case O_WRONLY:
        o = FS_O_WRONLY;
        break;
    case O_RDWR:
        o = FS_O_RDWR;
        break;
    default:
        return -EINVAL;
    }
    if (flags & O_CREAT)
        o |= FS_O_CREAT;
    if (flags & O_EXCL)
        o |= FS_O_EXCL;
    if (flags & O_TRUNC)
        o |= FS_O_TRUNC;
    if (flags & O_APPEND)
        o |= FS_O_APPEND;
#ifdef O_DIRECTORY
    if (flags & O_DIRECTORY)
        o |= FS_O_DIRECTORY;
#endif
#ifdef O_NOFOLLOW
    if (flags & O_NOFOLLOW)
        o |= FS_O_NOFOLLOW;
#endif
    *out = o;
    return 0;
}

struct libos_file *fs_file_open(const char *path, int flags, mode_t mode, int *err)
{
    char abs[FS_PATH_MAX];
    uint64_t room, len;
    uint32_t fsflags;
    char *data;
    long r;

    *err = fs_flags(flags, &fsflags);
    if (*err < 0)
        return NULL;
    if ((*err = fs_abspath(path, abs)) < 0)
        return NULL;
    data = fs_begin(&room);
    if (data == NULL) {
        fs_end();
        *err = -ENOENT;
        return NULL;
    }
    len = strlen(abs) + 1;
    if (len > room) {
        fs_end();
        *err = -ENAMETOOLONG;
        return NULL;
    }
    memcpy(data, abs, len);
    struct ipc_slot rq = {.opcode = FS_OP_OPEN,
                          .data = 0,
                          .length = len,
                          .aux = fsflags,
                          .arg = (mode & ~fs_umask()) & 07777};
    struct ipc_slot cpl;
    r = fs_call(&rq, &cpl);
    fs_end();
    if (r < 0) {
        *err = -fs_errno(r);
        return NULL;
    }

    struct fs_file *ff = calloc(1, sizeof(*ff));
    struct libos_file *f = ff != NULL ? fd_file_new(&fs_file_ops, ff, flags) : NULL;

    if (f == NULL) {
        struct ipc_slot close_rq = {.opcode = FS_OP_CLOSE, .handle = (int32_t)r}, close_cpl;

        handle_call(&close_rq, &close_cpl);
        free(ff);
        *err = -ENOMEM;
        return NULL;
    }
    ff->handle = (int32_t)r;
    ff->mode = (uint32_t)cpl.arg;
    ff->path = strdup(abs);
    return f;
}

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
        r = transfer(handle_of(f), op, buf, n, (uint64_t)off, NULL);
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
    struct ipc_slot rq = {.opcode = op, .handle = handle_of(f), .offset = offset}, cpl;
    r = handle_call(&rq, &cpl);
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

/* For dirent.c: the server handle of an fs file, or -1. */
int fs_file_handle(struct libos_file *f)
{
    return f->ops == &fs_file_ops ? handle_of(f) : -1;
}

/* ---- inheritance (fdinherit.c) ----------------------------------------
 * A handle belongs to one connection, so a child cannot use its parent's:
 * it opens the same path again (without O_CREAT, O_EXCL or O_TRUNC) and
 * starts at the parent's offset. The offset is then the child's own: not
 * shared after the spawn (docs/posix.md). A file renamed or unlinked in
 * between is not found again, and the descriptor stays closed. */

static int file_inherit(struct libos_file *f, long space, struct libos_fd_record *rec)
{
    if (((struct fs_file *)f->priv)->path == NULL)
        return -ENOMEM;
    rec->kind = LIBOS_FD_FILE;
    return 0;
}

int fs_file_inherit_path(struct libos_file *f, struct libos_fd_record *rec, uint32_t room)
{
    const char *path = ((struct fs_file *)f->priv)->path;
    size_t bytes = 8 + strlen(path) + 1;
    uint32_t need = (uint32_t)((bytes + sizeof(*rec) - 1) / sizeof(*rec));

    if (need > room)
        return -ENAMETOOLONG;
    memset(rec, 0, need * sizeof(*rec));
    memcpy(rec, &f->offset, 8);
    memcpy((char *)rec + 8, path, bytes - 8);
    return (int)need;
}

struct libos_file *fs_file_adopt(const struct libos_fd_record *rec, uint32_t n, int flags, int *err)
{
    const char *path = (const char *)rec + 8;
    size_t room = n * sizeof(*rec);
    uint64_t offset;
    struct libos_file *f;

    if (room <= 8 || memchr(path, '\0', room - 8) == NULL) {
        *err = -EINVAL;
        return NULL;
    }
    memcpy(&offset, rec, 8);
    f = fs_file_open(path, flags & ~(O_CREAT | O_EXCL | O_TRUNC), 0, err);
    if (f != NULL)
        f->offset = offset;
    return f;
}
