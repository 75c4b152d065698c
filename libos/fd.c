/* The descriptor table and the POSIX calls that go through it (fd.h).
 *
 * The table holds references to open files; every call takes its own
 * reference for as long as it runs (fd_get / fd_put), so a close() on
 * another thread cannot free a file under a read() that is blocked in it.
 * One lock guards the table and the reference counts; ops run
 * without it. fds 0, 1 and 2 start on the console (console.c). */
#include "fd.h"
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* fds 0-2 (console.c): static, never freed, not reference-counted. */
extern struct libos_file console_std_file;

struct fd_slot {
    struct libos_file *file;
    int cloexec;
};

static struct fd_slot table[LIBOS_FD_MAX] = {
    {&console_std_file, 0},
    {&console_std_file, 0},
    {&console_std_file, 0},
};
/* Guards the slots and the reference counts; never held across an op or
 * another lock, so it need not be recursive (libos/lock.h). */
static struct libos_lock table_lock;

static int fail(int err)
{
    errno = -err;
    return -1;
}

void fd_file_init(struct libos_file *f, const struct fd_ops *ops, void *priv, int flags)
{
    *f = (struct libos_file){.ops = ops, .priv = priv, .flags = flags, .refs = 1};
}

struct libos_file *fd_file_new(const struct fd_ops *ops, void *priv, int flags)
{
    struct libos_file *f = malloc(sizeof(*f));

    if (f)
        fd_file_init(f, ops, priv, flags);
    return f;
}

int fd_install(struct libos_file *f, int min)
{
    libos_lock(&table_lock);
    for (int fd = min < 0 ? 0 : min; fd < LIBOS_FD_MAX; fd++) {
        if (!table[fd].file) {
            table[fd] = (struct fd_slot){f, 0};
            libos_unlock(&table_lock);
            return fd;
        }
    }
    libos_unlock(&table_lock);
    fd_put(f);
    return -EMFILE;
}

struct libos_file *fd_get(int fd)
{
    struct libos_file *f = NULL;

    if (fd < 0 || fd >= LIBOS_FD_MAX)
        return NULL;
    /* The console file of fds 0-2 is never freed: no reference needed
     * (one aligned load of the slot; fd_put skips it too). */
    f = __atomic_load_n(&table[fd].file, __ATOMIC_ACQUIRE);
    if (__builtin_expect(f == &console_std_file, 1))
        return f;
    libos_lock(&table_lock);
    f = table[fd].file;
    if (f)
        f->refs++;
    libos_unlock(&table_lock);
    return f;
}

void fd_get_ref(struct libos_file *f)
{
    if (f == &console_std_file)
        return;
    libos_lock(&table_lock);
    f->refs++;
    libos_unlock(&table_lock);
}

int fd_put(struct libos_file *f)
{
    int last;

    if (f == &console_std_file)
        return 0;
    libos_lock(&table_lock);
    last = --f->refs == 0;
    libos_unlock(&table_lock);
    if (!last)
        return 0;
    int r = f->ops->close ? f->ops->close(f) : 0;
    if (f->ops->release)
        f->ops->release(f);
    else
        free(f);
    return r;
}

/* ---- POSIX ------------------------------------------------------------- */

ssize_t read(int fd, void *buf, size_t count)
{
    struct libos_file *f = fd_get(fd);
    ssize_t r;

    if (!f)
        return fail(-EBADF);
    if ((f->flags & O_ACCMODE) == O_WRONLY || !f->ops->read)
        r = -EBADF;
    else
        r = f->ops->read(f, buf, count);
    fd_put(f);
    return r < 0 ? fail((int)r) : r;
}

ssize_t write(int fd, const void *buf, size_t count)
{
    struct libos_file *f = fd_get(fd);
    ssize_t r;

    if (!f)
        return fail(-EBADF);
    if ((f->flags & O_ACCMODE) == O_RDONLY || !f->ops->write)
        r = -EBADF;
    else
        r = f->ops->write(f, buf, count);
    fd_put(f);
    return r < 0 ? fail((int)r) : r;
}

off_t lseek(int fd, off_t offset, int whence)
{
    struct libos_file *f = fd_get(fd);
    off_t r;

    if (!f)
        return fail(-EBADF);
    r = f->ops->lseek ? f->ops->lseek(f, offset, whence) : -ESPIPE;
    fd_put(f);
    return r < 0 ? fail((int)r) : r;
}

int fstat(int fd, struct stat *st)
{
    struct libos_file *f = fd_get(fd);
    int r = 0;

    if (!f)
        return fail(-EBADF);
    if (f->ops->fstat)
        r = f->ops->fstat(f, st);
    else
        *st = (struct stat){.st_mode = S_IFCHR | 0666, .st_blksize = 512};
    fd_put(f);
    return r < 0 ? fail(r) : 0;
}

int ioctl(int fd, unsigned long request, ...)
{
    struct libos_file *f = fd_get(fd);
    va_list ap;
    void *arg;
    int r;

    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (!f)
        return fail(-EBADF);
    r = f->ops->ioctl ? f->ops->ioctl(f, request, arg) : -ENOTTY;
    fd_put(f);
    return r < 0 ? fail(r) : r;
}

int isatty(int fd)
{
    struct termios t;

    return ioctl(fd, TCGETS, &t) == 0;
}

int close(int fd)
{
    struct libos_file *f;

    if (fd < 0 || fd >= LIBOS_FD_MAX)
        return fail(-EBADF);
    libos_lock(&table_lock);
    f = table[fd].file;
    table[fd].file = NULL;
    libos_unlock(&table_lock);
    if (!f)
        return fail(-EBADF);
    int r = fd_put(f);
    return r < 0 ? fail(r) : 0;
}

/* Make newfd (>= 0; or the lowest free >= min when newfd < 0) name oldfd's
 * file. */
static int dup_to(int oldfd, int newfd, int min, int cloexec)
{
    struct libos_file *f = fd_get(oldfd), *old = NULL;

    if (!f)
        return fail(-EBADF);
    if (newfd < 0) {
        int fd = fd_install(f, min);

        if (fd < 0)
            return fail(fd);
        table[fd].cloexec = cloexec;
        return fd;
    }
    if (newfd >= LIBOS_FD_MAX) {
        fd_put(f);
        return fail(-EBADF);
    }
    libos_lock(&table_lock);
    old = table[newfd].file;
    table[newfd] = (struct fd_slot){f, cloexec};
    libos_unlock(&table_lock);
    if (old)
        fd_put(old);
    return newfd;
}

int dup(int oldfd)
{
    return dup_to(oldfd, -1, 0, 0);
}

int dup2(int oldfd, int newfd)
{
    if (oldfd == newfd) {
        struct libos_file *f = fd_get(oldfd);

        if (!f)
            return fail(-EBADF);
        fd_put(f);
        return newfd;
    }
    return dup_to(oldfd, newfd, 0, 0);
}

int fcntl(int fd, int cmd, ...)
{
    struct libos_file *f = fd_get(fd);
    va_list ap;
    int arg, r = 0;

    va_start(ap, cmd);
    arg = va_arg(ap, int);
    va_end(ap);
    if (!f)
        return fail(-EBADF);
    switch (cmd) {
    case F_DUPFD:
        r = dup_to(fd, -1, arg, 0);
        break;
    case F_DUPFD_CLOEXEC:
        r = dup_to(fd, -1, arg, 1);
        break;
    case F_GETFD:
        r = table[fd].cloexec ? FD_CLOEXEC : 0;
        break;
    case F_SETFD:
        table[fd].cloexec = (arg & FD_CLOEXEC) != 0;
        break;
    case F_GETFL:
        r = f->flags;
        break;
    case F_SETFL:
        f->flags = (f->flags & O_ACCMODE) | (arg & (O_APPEND | O_NONBLOCK));
        break;
    default:
        r = -EINVAL;
    }
    fd_put(f);
    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
        return r;
    return r < 0 ? fail(r) : r;
}

/* The kinds that answer open(), tried in order (the fs server's files come
 * last: it owns "/", the libos mount table's root, and every path the
 * others do not claim). */
typedef struct libos_file *(*opener_t)(const char *path, int flags, mode_t mode, int *err);
static const opener_t openers[] = {devfile_open, console_open, fs_file_open};

struct libos_file *fd_open_file(const char *path, int flags, mode_t mode, int *err)
{
    *err = 0;
    if (path == NULL) {
        *err = -EFAULT;
        return NULL;
    }
    for (size_t i = 0; i < sizeof(openers) / sizeof(openers[0]); i++) {
        struct libos_file *f = openers[i](path, flags & ~O_CLOEXEC, mode, err);

        if (f || *err < 0)
            return f;
    }
    *err = -ENOENT;
    return NULL;
}

int open(const char *path, int flags, ...)
{
    int err, fd;
    mode_t mode = 0;
    struct libos_file *f;

    if (flags & O_CREAT) {
        va_list ap;

        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    f = fd_open_file(path, flags, mode, &err);
    if (!f)
        return fail(err);
    fd = fd_install(f, 0);
    if (fd < 0)
        return fail(fd);
    table[fd].cloexec = (flags & O_CLOEXEC) != 0;
    return fd;
}

/* ---- inheritance (fdinherit.c) ---------------------------------------- */

void fd_snapshot(struct libos_file *files[LIBOS_FD_MAX], char cloexec[LIBOS_FD_MAX])
{
    libos_lock(&table_lock);
    for (int fd = 0; fd < LIBOS_FD_MAX; fd++) {
        struct libos_file *f = table[fd].file;

        if (f && f != &console_std_file)
            f->refs++;
        files[fd] = f;
        cloexec[fd] = (char)table[fd].cloexec;
    }
    libos_unlock(&table_lock);
}

void fd_table_clear(void)
{
    for (int fd = 0; fd < LIBOS_FD_MAX; fd++)
        table[fd] = (struct fd_slot){NULL, 0};
}

void fd_place(int fd, struct libos_file *f)
{
    table[fd] = (struct fd_slot){f, 0};
}
