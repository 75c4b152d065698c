/* POSIX asynchronous I/O (<aio.h>) over fsio (fsio.h): each aiocb is one
 * fsio request whose callback records the result in the aiocb and sends
 * its notification. Descriptors that are not fs files (the console,
 * pipes, /dev/null) are served synchronously: the call does the I/O and
 * the request is complete when it returns. docs/posix.md has the rules. */
#include <aio.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsio.h"
#include "sig.h"

/* The aiocb's private words: the fsio id, and its lio_listio list. */
#define CB_ID(cb)   ((cb)->__private[0])
#define CB_LIST(cb) ((cb)->__private[1])

/* A list of lio_listio: requests left, and the notification when none is. */
struct lio {
    int left;
    int used;
    struct sigevent ev;
};

#define LIO_LISTS 16 /* LIO_NOWAIT lists with requests in flight, at once */
static struct lio lists[LIO_LISTS];

static int fail(int err)
{
    errno = err;
    return -1;
}

static int sigevent_ok(const struct sigevent *ev)
{
    switch (ev->sigev_notify) {
    case 0: /* a zeroed sigevent: SIGEV_NONE (picolibc numbers it 1) */
    case SIGEV_NONE:
        return 1;
    case SIGEV_SIGNAL:
        return ev->sigev_signo > 0 && ev->sigev_signo < NSIG;
    case SIGEV_THREAD:
        return ev->sigev_notify_function != NULL;
    default:
        return 0;
    }
}

static void notify(const struct sigevent *ev)
{
    if (ev->sigev_notify == SIGEV_THREAD)
        ev->sigev_notify_function(ev->sigev_value);
    else if (ev->sigev_notify == SIGEV_SIGNAL)
        libos_signal_post(ev->sigev_signo);
}

static void list_done(struct lio *l)
{
    if (__atomic_sub_fetch(&l->left, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    if (l >= lists && l < lists + LIO_LISTS) {
        struct sigevent ev = l->ev;

        __atomic_store_n(&l->used, 0, __ATOMIC_RELEASE);
        notify(&ev);
    }
}

/* The end of one request: the result, then the error (which aio_error
 * reads, so the result is there when it says done), then the
 * notification. The caller may reuse cb once the error is stored: copy
 * what is needed first. */
static void finish(struct aiocb *cb, long result)
{
    struct sigevent ev = cb->aio_sigevent;
    struct lio *l = CB_LIST(cb);

    cb->__result = result < 0 ? -1 : result;
    CB_ID(cb) = NULL;
    __atomic_store_n(&cb->__error, result < 0 ? (int)-result : 0, __ATOMIC_RELEASE);
    notify(&ev);
    if (l != NULL)
        list_done(l);
}

static void on_done(const struct fsio_cpl *c)
{
    finish(c->ctx, c->result);
}

/* A descriptor that is not an fs file: do the I/O now. */
static long now(struct aiocb *cb, int op)
{
    ssize_t r;

    if (op == LIO_READ)
        r = read(cb->aio_fildes, (void *)cb->aio_buf, cb->aio_nbytes);
    else
        r = write(cb->aio_fildes, (const void *)cb->aio_buf, cb->aio_nbytes);
    return r < 0 ? -errno : r;
}

/* Queue cb as op (LIO_READ, LIO_WRITE, or LIO_NOP + 1 + FSIO_FSYNC for a
 * sync) in list l; 0 or -1 with errno. */
static int submit(struct aiocb *cb, int op, struct lio *l)
{
    int io = op == LIO_READ || op == LIO_WRITE;
    long id;

    if (cb == NULL || !sigevent_ok(&cb->aio_sigevent))
        return fail(EINVAL);
    if (io && (cb->aio_offset < 0 || (ssize_t)cb->aio_nbytes < 0))
        return fail(EINVAL);
    CB_LIST(cb) = l;
    CB_ID(cb) = NULL;
    cb->__result = -1;
    __atomic_store_n(&cb->__error, EINPROGRESS, __ATOMIC_RELEASE);
    if (op == LIO_READ)
        id = fsio_read(cb->aio_fildes, (void *)cb->aio_buf, cb->aio_nbytes, cb->aio_offset, on_done,
                       cb);
    else if (op == LIO_WRITE)
        id = fsio_write(cb->aio_fildes, (const void *)cb->aio_buf, cb->aio_nbytes, cb->aio_offset,
                        on_done, cb);
    else
        id = fsio_sync(cb->aio_fildes, op - LIO_NOP - 1, on_done, cb);
    /* Not an fs file: a terminal, a pipe, /dev/null is done now; there is
     * no synchronised I/O on them. */
    if (id == -EBADF && fsio_kind(cb->aio_fildes) == 0) {
        long r = io ? now(cb, op) : -EINVAL;

        if (r != -EBADF && r != -EINVAL) {
            finish(cb, r);
            return 0;
        }
        id = r;
    }
    if (id < 0) {
        __atomic_store_n(&cb->__error, (int)-id, __ATOMIC_RELEASE);
        return fail(id == -ENOENT ? EBADF : (int)-id);
    }
    /* (If it completed already, finish cleared the id: keep it clear.) */
    if (fsio_in_flight(id))
        CB_ID(cb) = (void *)id;
    return 0;
}

int aio_read(struct aiocb *cb)
{
    return submit(cb, LIO_READ, NULL);
}

int aio_write(struct aiocb *cb)
{
    return submit(cb, LIO_WRITE, NULL);
}

int aio_fsync(int op, struct aiocb *cb)
{
    /* O_DSYNC, where picolibc shows it, is O_SYNC: both are an fsync. */
    if (op != O_SYNC)
        return fail(EINVAL);
    return submit(cb, LIO_NOP + 1 + FSIO_FSYNC, NULL);
}

int aio_error(const struct aiocb *cb)
{
    int e = __atomic_load_n(&cb->__error, __ATOMIC_ACQUIRE);

    if (e == EINPROGRESS) {
        fsio_poll();
        e = __atomic_load_n(&cb->__error, __ATOMIC_ACQUIRE);
    }
    return e;
}

ssize_t aio_return(struct aiocb *cb)
{
    if (aio_error(cb) == EINPROGRESS)
        return fail(EINVAL);
    return cb->__result;
}

int aio_cancel(int fd, struct aiocb *cb)
{
    unsigned busy = 0;
    int n;

    if (fsio_kind(fd) < 0)
        return fail(EBADF);
    if (cb != NULL) {
        long id = (long)CB_ID(cb);

        if (cb->aio_fildes != fd)
            return fail(EINVAL);
        if (aio_error(cb) != EINPROGRESS)
            return AIO_ALLDONE;
        if (id > 0 && fsio_cancel(id) == 0)
            return AIO_CANCELED;
        return aio_error(cb) == EINPROGRESS ? AIO_NOTCANCELED : AIO_ALLDONE;
    }
    n = fsio_cancel_fd(fd, &busy);
    if (busy > 0)
        return AIO_NOTCANCELED;
    return n > 0 ? AIO_CANCELED : AIO_ALLDONE;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Sleep until a completion may have come, at most timeout_ns: on this
 * thread's connection when it has requests in flight (in slices, since
 * another thread's may be awaited too), else on the completion counter. */
static void wait_some(uint32_t seq, uint64_t timeout_ns)
{
    const uint64_t slice = 10000000; /* 10 ms */

    if (fsio_wait_any(timeout_ns < slice ? timeout_ns : slice) == -ENOENT)
        fsio_seq_wait(seq, timeout_ns);
}

int aio_suspend(const struct aiocb *const list[], int n, const struct timespec *timeout)
{
    uint64_t limit = UINT64_MAX, start = now_ns();

    if (n < 0 || n > AIO_LISTIO_MAX || (n > 0 && list == NULL))
        return fail(EINVAL);
    if (timeout != NULL) {
        if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000)
            return fail(EINVAL);
        limit = (uint64_t)timeout->tv_sec * 1000000000ull + (uint64_t)timeout->tv_nsec;
    }
    for (;;) {
        uint32_t seq = fsio_seq();
        int signalled;
        uint64_t spent;

        fsio_poll();
        signalled = libos_signals();
        for (int i = 0; i < n; i++)
            if (list[i] != NULL && aio_error(list[i]) != EINPROGRESS)
                return 0;
        if (signalled)
            return fail(EINTR);
        spent = now_ns() - start;
        if (spent >= limit)
            return fail(EAGAIN);
        wait_some(seq, limit == UINT64_MAX ? UINT64_MAX : limit - spent);
    }
}

static struct lio *list_take(void)
{
    for (int i = 0; i < LIO_LISTS; i++) {
        int free = 0;

        if (__atomic_compare_exchange_n(&lists[i].used, &free, 1, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
            return &lists[i];
    }
    return NULL;
}

int lio_listio(int mode, struct aiocb *__restrict const list[__restrict], int n,
               struct sigevent *__restrict sig)
{
    struct lio waiting = {0}, *l = &waiting;
    int count = 0, failed = 0;

    if ((mode != LIO_WAIT && mode != LIO_NOWAIT) || n < 0 || n > AIO_LISTIO_MAX ||
        (n > 0 && list == NULL))
        return fail(EINVAL);
    if (mode == LIO_NOWAIT && sig != NULL && !sigevent_ok(sig))
        return fail(EINVAL);
    for (int i = 0; i < n; i++)
        if (list[i] != NULL && list[i]->aio_lio_opcode != LIO_NOP)
            count++;
    if ((unsigned)count > FSIO_MAX - fsio_pending())
        return fail(EAGAIN);
    if (mode == LIO_NOWAIT) {
        l = list_take();
        if (l == NULL)
            return fail(EAGAIN);
        l->ev = sig != NULL ? *sig : (struct sigevent){.sigev_notify = SIGEV_NONE};
    }
    /* One extra count while submitting: the list cannot end early. */
    __atomic_store_n(&l->left, 1, __ATOMIC_RELEASE);
    fsio_batch_begin();
    for (int i = 0; i < n; i++) {
        struct aiocb *cb = list[i];
        int op = cb != NULL ? cb->aio_lio_opcode : LIO_NOP;

        if (op == LIO_NOP)
            continue;
        __atomic_add_fetch(&l->left, 1, __ATOMIC_ACQ_REL);
        if ((op != LIO_READ && op != LIO_WRITE) || submit(cb, op, l) < 0) {
            int err = op != LIO_READ && op != LIO_WRITE ? EINVAL : errno;

            cb->__result = -1;
            __atomic_store_n(&cb->__error, err, __ATOMIC_RELEASE);
            __atomic_sub_fetch(&l->left, 1, __ATOMIC_ACQ_REL);
            failed = 1;
        }
    }
    fsio_batch_end();
    list_done(l);
    if (mode == LIO_NOWAIT)
        return failed ? fail(EIO) : 0;
    /* LIO_WAIT: every request ends before the list on this stack does, so
     * signals are delivered but do not interrupt the wait. */
    while (__atomic_load_n(&l->left, __ATOMIC_ACQUIRE) != 0) {
        uint32_t seq = fsio_seq();

        fsio_poll();
        libos_signals();
        if (__atomic_load_n(&l->left, __ATOMIC_ACQUIRE) == 0)
            break;
        wait_some(seq, UINT64_MAX);
    }
    for (int i = 0; i < n && !failed; i++)
        if (list[i] != NULL && list[i]->aio_lio_opcode != LIO_NOP && aio_error(list[i]) != 0)
            failed = 1;
    return failed ? fail(EIO) : 0;
}
