/* CHIME_E* -> POSIX errno. */
#include "libos.h"

#include <errno.h>

#include <chime/errno.h>

/* Indexed by -CHIME_E*. */
static const int errno_of[CHIME_ERRNO_MAX + 1] = {
    [0] = 0,
    [-CHIME_EINVAL] = EINVAL,
    [-CHIME_EFAULT] = EFAULT,
    [-CHIME_ENOMEM] = ENOMEM,
    [-CHIME_EBADH] = EBADF,
    [-CHIME_EPERM] = EPERM,
    [-CHIME_ENOENT] = ENOENT,
    [-CHIME_EEXIST] = EEXIST,
    [-CHIME_EBUSY] = EBUSY,
    [-CHIME_ETIMEDOUT] = ETIMEDOUT,
    [-CHIME_EAGAIN] = EAGAIN,
    [-CHIME_ENOSYS] = ENOSYS,
    [-CHIME_EPIPE] = EPIPE,
    [-CHIME_ESRCH] = ESRCH,
    [-CHIME_ERANGE] = ERANGE,
    [-CHIME_EINTR] = EINTR,
    [-CHIME_ENOTSUP] = ENOTSUP,
    [-CHIME_EIO] = EIO,
    [-CHIME_EROFS] = EROFS,
};

int libos_errno(long chime_err)
{
    if (chime_err >= 0 || chime_err < -CHIME_ERRNO_MAX)
        return EIO;
    return errno_of[-chime_err];
}

long libos_ret(long r)
{
    if (r >= 0)
        return r;
    errno = libos_errno(r);
    return -1;
}
