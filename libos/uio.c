/* readv and writev (<sys/uio.h>) over read and write.
 *
 * A vector of several buffers is moved in one read or write through a
 * bounce buffer when it fits one (UIO_BOUNCE_MAX), so the call is one
 * request as POSIX expects: a writev to a pipe or an O_APPEND file is not
 * split among other writers' data, and a readv of a pipe or the console
 * takes what one read would. Larger vectors go buffer by buffer, stopping
 * at the first short transfer. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

#define UIO_BOUNCE_MAX (64u * 1024) /* vectors up to this go in one call */

/* The total length of iov, or -1 with errno EINVAL when iovcnt is out of
 * range or the lengths add up past SSIZE_MAX. */
static ssize_t iov_total(const struct iovec *iov, int iovcnt)
{
    size_t total = 0;

    if (iovcnt <= 0 || iovcnt > IOV_MAX || iov == NULL) {
        errno = EINVAL;
        return -1;
    }
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len > (size_t)SSIZE_MAX - total) {
            errno = EINVAL;
            return -1;
        }
        total += iov[i].iov_len;
    }
    return (ssize_t)total;
}

/* One read (out = 0) or write (out = 1) of n bytes at buf. */
static ssize_t transfer(int fd, void *buf, size_t n, int out)
{
    return out ? write(fd, buf, n) : read(fd, buf, n);
}

/* Copy the first n bytes of the vector into b (gather), or b's first n
 * bytes out into the vector (scatter). */
static void iov_copy(const struct iovec *iov, int iovcnt, char *b, size_t n, int gather)
{
    for (int i = 0; i < iovcnt && n > 0; i++) {
        size_t k = iov[i].iov_len < n ? iov[i].iov_len : n;

        if (gather)
            memcpy(b, iov[i].iov_base, k);
        else
            memcpy(iov[i].iov_base, b, k);
        b += k;
        n -= k;
    }
}

static ssize_t vectored(int fd, const struct iovec *iov, int iovcnt, int out)
{
    ssize_t total = iov_total(iov, iovcnt), r, done = 0;
    char *b;

    if (total < 0)
        return -1;
    if (iovcnt == 1)
        return transfer(fd, iov[0].iov_base, iov[0].iov_len, out);
    if ((size_t)total <= UIO_BOUNCE_MAX && (b = malloc(total > 0 ? (size_t)total : 1)) != NULL) {
        if (out)
            iov_copy(iov, iovcnt, b, (size_t)total, 1);
        r = transfer(fd, b, (size_t)total, out);
        if (!out && r > 0)
            iov_copy(iov, iovcnt, b, (size_t)r, 0);
        free(b);
        return r;
    }
    for (int i = 0; i < iovcnt; i++) {
        r = transfer(fd, iov[i].iov_base, iov[i].iov_len, out);
        if (r < 0)
            return done > 0 ? done : -1;
        done += r;
        if ((size_t)r < iov[i].iov_len)
            break;
    }
    return done;
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
    return vectored(fd, iov, iovcnt, 0);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
    return vectored(fd, iov, iovcnt, 1);
}
