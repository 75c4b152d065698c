/* The OS layer picolibc calls into: file descriptors, process identity,
 * signals. Only the console descriptors exist until the fs server does:
 * fd 0 reads end-of-file, fds 1 and 2 write to the kernel console, and
 * opening any path fails with ENOENT. */
#include "libos.h"
#include "syscall.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <chime/layout.h>

/* Largest single SYS_DEBUG_WRITE: longer writes go out in pieces. */
#define DEBUG_WRITE_CHUNK 4096u

static int is_console(int fd)
{
    return fd >= 0 && fd <= 2;
}

ssize_t write(int fd, const void *buf, size_t count)
{
    const char *p = buf;
    size_t done = 0;

    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    while (done < count) {
        size_t n = count - done < DEBUG_WRITE_CHUNK ? count - done : DEBUG_WRITE_CHUNK;
        long r = syscall2(SYS_DEBUG_WRITE, (long)(p + done), (long)n);
        if (r < 0)
            return done > 0 ? (ssize_t)done : libos_ret(r);
        done += (size_t)r;
    }
    return (ssize_t)done;
}

ssize_t read(int fd, void *buf, size_t count)
{
    if (fd == 0)
        return 0;
    errno = EBADF;
    return -1;
}

int open(const char *path, int flags, ...)
{
    errno = path == NULL ? EFAULT : ENOENT;
    return -1;
}

int close(int fd)
{
    if (is_console(fd))
        return 0;
    errno = EBADF;
    return -1;
}

off_t lseek(int fd, off_t offset, int whence)
{
    errno = is_console(fd) ? ESPIPE : EBADF;
    return -1;
}

int fstat(int fd, struct stat *st)
{
    if (!is_console(fd)) {
        errno = EBADF;
        return -1;
    }
    *st = (struct stat){.st_mode = S_IFCHR | 0620, .st_blksize = 256};
    return 0;
}

int stat(const char *path, struct stat *st)
{
    errno = ENOENT;
    return -1;
}

int unlink(const char *path)
{
    errno = ENOENT;
    return -1;
}

int isatty(int fd)
{
    if (is_console(fd))
        return 1;
    errno = EBADF;
    return 0;
}

/* The kernel's id of this process, as fault reports print it: the info
 * page names the space running on our hart while we run there. Read it
 * between two SYS_HART_SELF calls that agree, so no migration hides in
 * between, and remember it. If the page does not say, the main thread's id
 * stands in. */
pid_t getpid(void)
{
    static pid_t self;

    for (int tries = 0; self == 0 && tries < 4; tries++) {
        long h = syscall0(SYS_HART_SELF);
        uint64_t id;

        if (h < 0 || h >= CHIME_MAX_HARTS)
            break;
        id = libos_info()->hart[h].running_space;
        if (syscall0(SYS_HART_SELF) == h && id != 0)
            self = (pid_t)id;
    }
    if (self == 0)
        self = (pid_t)syscall1(SYS_THREAD_ID, CHIME_SELF);
    return self;
}

/* kill(pid, 0) asks whether pid lives; any signal ends it. */
int kill(pid_t pid, int sig)
{
    long r;

    if (sig == 0) {
        r = syscall2(SYS_SPACE_WAIT, pid, 0);
        return r == CHIME_ETIMEDOUT ? 0 : (int)libos_ret(r < 0 ? r : CHIME_ESRCH);
    }
    if (sig < 0 || sig >= NSIG) {
        errno = EINVAL;
        return -1;
    }
    r = syscall2(SYS_SPACE_KILL, pid, CHIME_STATUS_KILLED);
    if (r == CHIME_EBADH)
        r = CHIME_ESRCH;
    return (int)libos_ret(r);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    if (old != NULL)
        *old = 0;
    return 0;
}

void _exit(int status)
{
    /* POSIX keeps the low 8 bits; larger values are the kernel's own. */
    syscall1(SYS_EXIT, status & 0xff);
    for (;;)
        ;
}
