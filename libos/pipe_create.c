/* pipe() and pipe2(): a kernel pipe, its two ends adopted as descriptors
 * (pipe_file_adopt, pipe.c). */
#define _GNU_SOURCE /* pipe2 */
#include "fd.h"
#include "pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "libos.h"
#include "syscall.h"

int pipe2(int fds[2], int flags)
{
    struct sysret2 r;
    struct libos_file *rf, *wf;
    int err = 0, rfd, wfd;

    if (flags & ~(O_NONBLOCK | O_CLOEXEC)) {
        errno = EINVAL;
        return -1;
    }
    r = syscall3_2(SYS_PIPE_CREATE, 0, 0, 0);
    if (r.a0 < 0) {
        errno = libos_errno(r.a0);
        return -1;
    }
    rf = pipe_file_adopt((int)r.a0, O_RDONLY | (flags & O_NONBLOCK), &err);
    wf = rf ? pipe_file_adopt((int)r.a1, O_WRONLY | (flags & O_NONBLOCK), &err) : NULL;
    if (!wf) {
        if (rf)
            fd_put(rf);
        else
            syscall1(SYS_HANDLE_CLOSE, r.a0);
        syscall1(SYS_HANDLE_CLOSE, r.a1);
        errno = -err;
        return -1;
    }
    rfd = fd_install(rf, 0);
    if (rfd < 0) {
        fd_put(wf);
        errno = -rfd;
        return -1;
    }
    wfd = fd_install(wf, 0);
    if (wfd < 0) {
        close(rfd);
        errno = -wfd;
        return -1;
    }
    if (flags & O_CLOEXEC) {
        fcntl(rfd, F_SETFD, FD_CLOEXEC);
        fcntl(wfd, F_SETFD, FD_CLOEXEC);
    }
    fds[0] = rfd;
    fds[1] = wfd;
    return 0;
}

int pipe(int fds[2])
{
    return pipe2(fds, 0);
}
