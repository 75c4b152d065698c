/* libos <sys/uio.h>: vectored I/O (implemented over the fd layer). */
#ifndef LIBOS_SYS_UIO_H
#define LIBOS_SYS_UIO_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iovec {
    void *iov_base; /* start of the buffer */
    size_t iov_len; /* its length in bytes */
};

ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t writev(int fd, const struct iovec *iov, int iovcnt);

#ifdef __cplusplus
}
#endif

#endif
