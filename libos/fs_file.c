/* Files of the fs server as descriptors (the "file" kind of fd.h): open,
 * and the ops read, write, lseek, fstat and close.
 *
 * The offset lives here, in the open file (DESIGN §6), and goes in every
 * READ and WRITE (fs_io.c); an O_APPEND write takes the offset the server
 * placed it at. The server's handle is the process's, not the thread's:
 * any thread may use it on its own connection (fs_client.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <chime/errno.h>
#include <chime/types.h>

#include "fd.h"
#include "fs_client.h"
#include "fs_file.h"
#include "fs_stat.h"
#include "ipc.h"
#include "libos.h"

static ssize_t file_read(struct libos_file *f, void *buf, size_t n);
static ssize_t file_write(struct libos_file *f, const void *buf, size_t n);
static off_t file_lseek(struct libos_file *f, off_t offset, int whence);
static int file_fstat(struct libos_file *f, struct stat *st);
static int file_close(struct libos_file *f);
static void file_release(struct libos_file *f);

const struct fd_ops fs_file_ops = {
    .kind = "file",
    .read = file_read,
    .write = file_write,
    .lseek = file_lseek,
    .fstat = file_fstat,
    .close = file_close,
    .inherit = fs_file_inherit,
    .release = file_release,
};

static ssize_t file_read(struct libos_file *f, void *buf, size_t n)
{
    ssize_t r = fs_transfer(fs_handle_of(f), FS_OP_READ, buf, n, f->offset, NULL);

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
    r = fs_transfer(fs_handle_of(f), FS_OP_WRITE, (void *)buf, n, f->offset, &end);
    if (r > 0)
        f->offset = (f->flags & O_APPEND) ? end : f->offset + (uint64_t)r;
    return r;
}

static int file_fstat(struct libos_file *f, struct stat *st)
{
    struct ipc_conn *c = fs_conn_self();
    struct ipc_slot *rq;
    long r;

    if (c == NULL)
        return -EBADF;
    rq = ipc_call_begin(c);
    rq->opcode = FS_OP_FSTAT;
    rq->flags = 0;
    rq->handle = fs_handle_of(f);
    rq->arg = 0;
    r = ipc_call_end(c, rq)->result;
    if (r < 0)
        return -fs_errno(r);
    fs_stat_to_posix(ipc_data(c), st);
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

/* fs_file structs are recycled through a short free list of the thread
 * (no lock, cheaper than malloc's); a path too long for one has its own
 * allocation. The list is freed when the thread exits. */
#define FS_SPARES 8
static __thread struct fs_file *spare;
static __thread unsigned nspare;

static struct fs_file *ff_new(size_t path_bytes)
{
    struct fs_file *ff = spare;

    if (ff != NULL) {
        spare = ff->next;
        nspare--;
    } else if ((ff = malloc(sizeof(*ff))) == NULL) {
        return NULL;
    }
    ff->path = ff->inline_path;
    if (path_bytes > sizeof(ff->inline_path) && (ff->path = malloc(path_bytes)) == NULL) {
        free(ff);
        return NULL;
    }
    return ff;
}

static void ff_free(struct fs_file *ff)
{
    if (ff->path != ff->inline_path)
        free(ff->path);
    if (nspare >= FS_SPARES) {
        free(ff);
        return;
    }
    ff->next = spare;
    spare = ff;
    nspare++;
}

void fs_file_spares_free(void)
{
    while (spare != NULL) {
        struct fs_file *ff = spare;

        spare = ff->next;
        free(ff);
    }
    nspare = 0;
}

static int file_close(struct libos_file *f)
{
    long r = fs_handle_call(FS_OP_CLOSE, fs_handle_of(f), 0);

    return r < 0 ? (int)r : 0;
}

static void file_release(struct libos_file *f)
{
    ff_free(f->priv);
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
    struct ipc_conn *c;
    struct ipc_slot *rq;
    const struct ipc_slot *cpl;
    uint32_t fsflags, st_mode;
    char *data;
    long r;
    int len;

    *err = fs_flags(flags, &fsflags);
    if (*err < 0)
        return NULL;
    c = fs_conn_self();
    if (c == NULL) {
        *err = -ENOENT;
        return NULL;
    }
    /* The absolute path is made in the data area itself (52 KiB: room). */
    data = ipc_data(c);
    len = fs_abspath(path, data);
    if (len < 0) {
        *err = len;
        return NULL;
    }
    rq = ipc_call_begin(c);
    rq->opcode = FS_OP_OPEN;
    rq->flags = 0;
    rq->data = 0;
    rq->length = (uint64_t)len + 1;
    rq->aux = fsflags;
    rq->arg = (mode & ~fs_umask()) & 07777;
    cpl = ipc_call_end(c, rq);
    r = cpl->result;
    st_mode = (uint32_t)cpl->arg;
    if (r < 0) {
        *err = -fs_errno(r);
        return NULL;
    }

    /* The path is still in the data area: the server only reads it. */
    struct fs_file *ff = ff_new((size_t)len + 1);

    if (ff == NULL) {
        fs_handle_call(FS_OP_CLOSE, (int32_t)r, 0);
        *err = -ENOMEM;
        return NULL;
    }
    fd_file_init(&ff->file, &fs_file_ops, ff, flags);
    ff->handle = (int32_t)r;
    ff->mode = st_mode;
    if (ff->path == ff->inline_path) {
        /* Words: the data area and inline_path are aligned, and the
         * rounded-up length still fits inline_path. */
        typedef uint64_t __attribute__((may_alias)) word_t;
        const word_t *src = (const word_t *)(const void *)data;
        word_t *dst = (word_t *)(void *)ff->inline_path;

        for (size_t i = 0; i < ((size_t)len + 8) / 8; i++)
            dst[i] = src[i];
    } else {
        memcpy(ff->path, data, (size_t)len + 1);
    }
    return &ff->file;
}

/* For dirent.c: the server handle of an fs file, or -1. */
int fs_file_handle(struct libos_file *f)
{
    return f->ops == &fs_file_ops ? fs_handle_of(f) : -1;
}
