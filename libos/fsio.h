/* fsio: asynchronous file I/O on the fs server's rings (DESIGN §6), the
 * native API under <aio.h> (libos/aio.c).
 *
 *     long id = fsio_read(fd, buf, n, off, done, ctx);   (many at once)
 *     ...
 *     void done(const struct fsio_cpl *c) { c->result: bytes or -errno }
 *
 * A request is queued straight into the calling thread's fs connection
 * (fs_conn_self) and answered in the order it was queued. Completions are
 * the thread's: they run in its uintr handler (libos registers one while
 * requests are in flight, if the thread has none), or inside fsio_poll /
 * fsio_wait, or in any other libos call that waits on the connection.
 *
 * One record per request, FSIO_MAX per thread, is taken at submit and kept
 * until its completion has been handed over: a callback returned, or, for
 * requests without a callback, fsio_reap took it. So the completion queue
 * can never overflow: past FSIO_MAX unreaped requests a submit fails with
 * -EAGAIN. Each request gets exactly one completion, cancelled or not.
 *
 * Data: transfers of FSIO_LEND_MIN bytes or more are lent to the server
 * (one copy, server cache <-> buf); smaller ones go through a staging
 * buffer the thread shares with the server (copied once more). A zero-copy
 * read (fsio_read_zc) leaves its bytes in that shared buffer and hands out
 * a pointer to them, valid until fsio_release.
 *
 * Callbacks run in the uintr handler: between any two instructions of the
 * thread. They may use the completion, call fsio_cancel and fsio_release
 * (which take no lock) and async-signal-safe code; not submit, nor make
 * file calls, stdio or malloc: the code they interrupted may hold the
 * locks those take (the descriptor table's, the fs connection's).
 *
 * Every function returns >= 0 or a negative errno value; errno is never
 * touched. */
#ifndef LIBOS_FSIO_H
#define LIBOS_FSIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FSIO_MAX      64u                /* requests per thread */
#define FSIO_LEND_MIN (16u * 1024)       /* from here on: lent */
#define FSIO_ZC_MAX   (64u * 1024)       /* largest zero-copy read */
#define FSIO_STAGE    (FSIO_MAX * 4096u) /* the staging buffer */
#define FSIO_IO_MAX   (4u << 20)         /* longer transfers are cut */

/* What a request does. */
#define FSIO_READ      1
#define FSIO_WRITE     2
#define FSIO_FSYNC     3
#define FSIO_FDATASYNC 4

/* One completion, as a callback or fsio_reap sees it. */
struct fsio_cpl {
    long id;          /* what the submit returned */
    int op;           /* FSIO_* */
    int fd;           /* as submitted */
    long result;      /* bytes moved, 0 (fsync), or -errno (-ECANCELED) */
    void *ctx;        /* as submitted */
    const void *data; /* fsio_read_zc: the bytes, until fsio_release(data) */
};

typedef void (*fsio_cb_t)(const struct fsio_cpl *cpl);

/* Queue a read of n bytes at off of fd into buf (or a write of n bytes of
 * buf, which the caller keeps unchanged until the completion). cb NULL:
 * the completion waits for fsio_reap. Returns the request's id (> 0), or
 * -EBADF (not an fs file open for that), -EINVAL (off < 0, off + n
 * overflows, buf NULL with n > 0), -EAGAIN (FSIO_MAX requests unreaped,
 * the staging buffer or the lends full), -ENOENT (no fs server). */
long fsio_read(int fd, void *buf, size_t n, off_t off, fsio_cb_t cb, void *ctx);
long fsio_write(int fd, const void *buf, size_t n, off_t off, fsio_cb_t cb, void *ctx);

/* Queue an fsync (FSIO_FSYNC) or fdatasync (FSIO_FDATASYNC): it completes
 * after every request queued before it on this thread. */
long fsio_sync(int fd, int op, fsio_cb_t cb, void *ctx);

/* A read of at most FSIO_ZC_MAX bytes (-EINVAL beyond) left in the shared
 * staging buffer: the completion's data points at its result bytes. */
long fsio_read_zc(int fd, size_t n, off_t off, fsio_cb_t cb, void *ctx);
/* Give back the buffer of a zero-copy completion (its data pointer). */
int fsio_release(const void *data);

/* Several submits are cheaper when the server is told once: between
 * fsio_batch_begin and fsio_batch_end, submits queue without telling it
 * (so the requests wait until fsio_batch_end, or another call on the
 * connection, tells it). Batches nest. */
void fsio_batch_begin(void);
int fsio_batch_end(void);

/* Cancel request id. 0: cancelled; its one completion (result -ECANCELED)
 * has been handed over already (the callback ran, or fsio_reap gets it),
 * and buf is the caller's again. -EBUSY: it cannot be cancelled any more
 * (a write or sync the server may have begun): its completion comes as
 * usual. -ENOENT: no such request in flight (done, reaped, or another
 * thread's). */
int fsio_cancel(long id);

/* Run the completions that arrived; never blocks. Returns how many. */
int fsio_poll(void);

/* Wait up to timeout_ns (UINT64_MAX: no limit) until a completion arrives
 * (or is waiting to be reaped). Returns how many are waiting to be reaped
 * plus how many callbacks ran, 0 when nothing is in flight, or -ETIMEDOUT. */
int fsio_wait(uint64_t timeout_ns);

/* Take up to max completions of requests without a callback, oldest
 * first; returns how many. */
int fsio_reap(struct fsio_cpl *out, int max);

/* Requests of this thread whose completion has not been handed over. */
unsigned fsio_pending(void);

/* For <aio.h> (libos/aio.c). fsio_kind: 1 if fd is an fs file, 0 if it
 * is another kind of descriptor, -EBADF if it is none. fsio_in_flight: 1
 * if id is a request of this thread still in flight. fsio_cancel_fd:
 * cancel this thread's requests on fd; returns how many were cancelled,
 * *busy how many could not be. fsio_wait_any: fsio_wait without counting
 * completions that wait to be reaped, and -ENOENT when none of this
 * thread's requests is in the ring. */
int fsio_kind(int fd);
int fsio_in_flight(long id);
int fsio_cancel_fd(int fd, unsigned *busy);
int fsio_wait_any(uint64_t timeout_ns);

/* Bumped by every completion of any thread, for waiters on another thread
 * (libos/aio.c): fsio_seq() reads it, fsio_seq_wait sleeps while it is
 * still seq, up to timeout_ns. */
uint32_t fsio_seq(void);
int fsio_seq_wait(uint32_t seq, uint64_t timeout_ns);

#endif
