/* fsio: cancelling, polling, waiting, reaping and releasing (fsio.h); the records
 * are fsio.c's (fsio_priv.h). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include <chime/errno.h>

#include "fd.h"
#include "fsio_priv.h"
#include "ipc.h"
#include "lock.h"
#include "uintr.h"

/* Bumped by every completion, for waiters on other threads. */
static uint32_t seq_word, seq_waiters;

/* The record of id if it is this thread's and its completion is still
 * owed; NULL otherwise. */
static struct fsio_rec *find(struct fsio_thread *t, long id)
{
    struct fsio_rec *r;

    if (t == NULL || id <= 0)
        return NULL;
    r = &t->rec[id & (FSIO_MAX - 1)];
    if (!r->used || (long)r->gen != id >> FSIO_INDEX_BITS || r->cancelled || r->queued ||
        !r->inring)
        return NULL;
    return r;
}

/* Cancel r (delivery masked): a read the server has not answered is
 * cancelled here, its buffer unlent; the server's late answer is then
 * dropped (on_cpl). Writes and syncs may have begun: -EBUSY. */
static int cancel(struct fsio_thread *t, struct fsio_rec *r)
{
    if (r->op != FSIO_READ)
        return -EBUSY;
    r->cancelled = 1;
    if (r->path == FSIO_PATH_LEND)
        fsio_release_path(t, r);
    r->result = -ECANCELED;
    r->data = NULL;
    fsio_hand_over(t, r);
    return 0;
}

int fsio_cancel(long id)
{
    struct fsio_thread *t = fsio_self;
    unsigned was = uintr_disable();
    struct fsio_rec *r = find(t, id);
    int err = r != NULL ? cancel(t, r) : -ENOENT;

    uintr_restore(was);
    return err;
}

int fsio_cancel_fd(int fd, unsigned *busy)
{
    struct fsio_thread *t = fsio_self;
    unsigned was;
    int n = 0;

    *busy = 0;
    if (t == NULL)
        return 0;
    was = uintr_disable();
    for (unsigned i = 0; i < FSIO_MAX; i++) {
        struct fsio_rec *r = &t->rec[i];

        if (r->fd != fd || find(t, fsio_id(t, r)) != r)
            continue;
        if (cancel(t, r) == 0)
            n++;
        else
            (*busy)++;
    }
    uintr_restore(was);
    return n;
}

int fsio_in_flight(long id)
{
    unsigned was = uintr_disable();
    int r = find(fsio_self, id) != NULL;

    uintr_restore(was);
    return r;
}

int fsio_poll(void)
{
    struct fsio_thread *t = fsio_self;
    long n;

    if (t == NULL || t->conn == NULL || t->inring == 0)
        return 0;
    n = ipc_poll(t->conn);
    return n < 0 ? 0 : (int)n;
}

int fsio_wait_any(uint64_t timeout_ns)
{
    struct fsio_thread *t = fsio_self;
    long r;

    if (t == NULL || t->conn == NULL || t->inring == 0)
        return -ENOENT;
    r = ipc_wait(t->conn, timeout_ns == UINT64_MAX ? CHIME_FOREVER : timeout_ns);
    if (r == CHIME_ETIMEDOUT)
        return -ETIMEDOUT;
    return r < 0 ? 0 : (int)r;
}

int fsio_wait(uint64_t timeout_ns)
{
    struct fsio_thread *t = fsio_self;
    int r;

    if (t == NULL)
        return 0;
    if (t->dq_tail != t->dq_head)
        return (int)(t->dq_tail - t->dq_head);
    r = fsio_wait_any(timeout_ns);
    if (r == -ENOENT)
        return 0;
    return r < 0 ? r : r + (int)(t->dq_tail - t->dq_head);
}

int fsio_reap(struct fsio_cpl *out, int max)
{
    struct fsio_thread *t = fsio_self;
    unsigned was;
    int n = 0;

    if (t == NULL)
        return 0;
    was = uintr_disable();
    while (n < max && t->dq_head != t->dq_tail) {
        struct fsio_rec *r = &t->rec[t->doneq[t->dq_head++ % FSIO_MAX]];

        out[n++] = (struct fsio_cpl){fsio_id(t, r), r->op, r->fd, r->result, r->ctx, r->data};
        r->queued = 0;
        t->owed--;
        if (!r->inring)
            fsio_rec_free(t, r);
    }
    uintr_restore(was);
    return n;
}

void fsio_batch_begin(void)
{
    int err;
    struct fsio_thread *t = fsio_ready(&err);

    if (t != NULL)
        t->batch++;
}

int fsio_batch_end(void)
{
    struct fsio_thread *t = fsio_self;

    if (t == NULL || t->batch == 0)
        return t == NULL ? -EINVAL : 0;
    if (--t->batch == 0 && t->conn != NULL && t->inring > 0) {
        long r = ipc_flush(t->conn);

        return r < 0 ? -EIO : 0;
    }
    return 0;
}

unsigned fsio_pending(void)
{
    return fsio_self != NULL ? fsio_self->owed : 0;
}

int fsio_kind(int fd)
{
    struct libos_file *f = fd_get(fd);
    int h;

    if (f == NULL)
        return -EBADF;
    h = fs_file_handle(f);
    fd_put(f);
    return h >= 0;
}

int fsio_release(const void *data)
{
    struct fsio_thread *t = fsio_self;
    uintptr_t at = (uintptr_t)data;
    unsigned was, first;

    if (t == NULL || at < (uintptr_t)t->stage || at >= (uintptr_t)t->stage + FSIO_STAGE ||
        (at - (uintptr_t)t->stage) % FSIO_PAGE != 0)
        return -EINVAL;
    first = (unsigned)((at - (uintptr_t)t->stage) / FSIO_PAGE);
    was = uintr_disable();
    if (!((t->zc_held >> first) & 1u)) {
        uintr_restore(was);
        return -EINVAL;
    }
    t->zc_held &= ~(1ull << first);
    fsio_stage_give(t, first);
    uintr_restore(was);
    return 0;
}

uint32_t fsio_seq(void)
{
    return __atomic_load_n(&seq_word, __ATOMIC_SEQ_CST);
}

int fsio_seq_wait(uint32_t seq, uint64_t timeout_ns)
{
    long r;

    __atomic_add_fetch(&seq_waiters, 1, __ATOMIC_SEQ_CST);
    r = libos_futex_wait(&seq_word, seq, timeout_ns);
    __atomic_sub_fetch(&seq_waiters, 1, __ATOMIC_SEQ_CST);
    return r == CHIME_ETIMEDOUT ? -ETIMEDOUT : 0;
}

void fsio_seq_bump(void)
{
    __atomic_add_fetch(&seq_word, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&seq_waiters, __ATOMIC_SEQ_CST))
        libos_futex_wake(&seq_word, INT_MAX);
}
