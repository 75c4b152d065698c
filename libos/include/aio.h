/* libos <aio.h>: POSIX asynchronous I/O over the rings (DESIGN §6),
 * libos/aio.c over the native API of libos/fsio.h. Notifications: a
 * sigevent with SIGEV_NONE (or all zeros), SIGEV_THREAD (the function is
 * called from the submitting thread's uintr handler, no thread is made)
 * or SIGEV_SIGNAL (the signal is posted, sig.h). docs/posix.md has the
 * rules and limits. */
#ifndef LIBOS_AIO_H
#define LIBOS_AIO_H

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

struct aiocb {
    int aio_fildes;               /* file descriptor */
    off_t aio_offset;             /* file offset */
    volatile void *aio_buf;       /* buffer */
    size_t aio_nbytes;            /* length of the transfer */
    int aio_reqprio;              /* request priority offset (ignored) */
    struct sigevent aio_sigevent; /* how to tell of completion */
    int aio_lio_opcode;           /* LIO_* for lio_listio */
    /* private to libos */
    volatile int __error; /* EINPROGRESS, then the error or 0 */
    ssize_t __result;     /* the return value once done */
    void *__private[2];
};

#define AIO_ALLDONE     0 /* aio_cancel: nothing was in progress */
#define AIO_CANCELED    1 /* aio_cancel: all requests were cancelled */
#define AIO_NOTCANCELED 2 /* aio_cancel: some could not be cancelled */

/* Limits (POSIX puts them in <limits.h>): requests in flight per thread,
 * entries of one lio_listio; aio_reqprio is ignored. */
#define AIO_MAX            64
#define AIO_LISTIO_MAX     64
#define AIO_PRIO_DELTA_MAX 0

#define LIO_NOP   0
#define LIO_READ  1
#define LIO_WRITE 2

#define LIO_WAIT   0 /* lio_listio waits for every request */
#define LIO_NOWAIT 1 /* lio_listio returns at once */

int aio_cancel(int fd, struct aiocb *cb);
int aio_error(const struct aiocb *cb);
int aio_fsync(int op, struct aiocb *cb);
int aio_read(struct aiocb *cb);
ssize_t aio_return(struct aiocb *cb);
int aio_suspend(const struct aiocb *const list[], int n, const struct timespec *timeout);
int aio_write(struct aiocb *cb);
int lio_listio(int mode, struct aiocb *__restrict const list[__restrict], int n,
               struct sigevent *__restrict sig);

#ifdef __cplusplus
}
#endif

#endif
