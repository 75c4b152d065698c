/* fsio: asynchronous requests to the fs server (fsio.h).
 *
 * Each thread has its records (struct fsio_thread, made at its first
 * request) and a staging buffer lent once to the server on the thread's fs
 * connection: FSIO_MAX pages, handed out in runs by a bitmap. A record
 * lives from the submit until its completion has been handed over and the
 * server has answered, which may be later for a cancelled read.
 *
 * Everything here is touched by the completion callback (on_cpl), which
 * runs in the uintr handler: thread-side code masks delivery around it. */
#include "fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <chime/errno.h>
#include <chime/types.h>

#include "fd.h"
#include "fs_client.h"
#include "fsio_priv.h"
#include "ipc.h"
#include "uintr.h"

__thread struct fsio_thread *fsio_self;

long fsio_id(const struct fsio_thread *t, const struct fsio_rec *r)
{
    return ((long)r->gen << FSIO_INDEX_BITS) | (long)(r - t->rec);
}

/* ---- the uintr handler: ours while requests are in the ring ---------- */

static void handler_on(struct fsio_thread *t)
{
    if (uintr_self.handler == NULL && uintr_register_handler(ipc_client_handler, 0) == 0)
        t->handler = 1;
}

/* Nothing in the ring: give the thread back its handler-less state, so
 * bits of other vectors (pipes) wait for uintr_wait again. */
void fsio_handler_off(struct fsio_thread *t)
{
    if (t->handler && t->inring == 0 && uintr_self.handler == ipc_client_handler) {
        uintr_unregister_handler(0);
        t->handler = 0;
    }
}

/* ---- staging pages ---------------------------------------------------- */

static int stage_take(struct fsio_thread *t, size_t n)
{
    unsigned k = (unsigned)((n + FSIO_PAGE - 1) / FSIO_PAGE);
    uint64_t want;

    if (k == 0 || k > 64)
        return -1;
    /* Bit i of starts: pages i .. i + k - 1 are all free. */
    uint64_t starts = t->stage_free;
    unsigned i;

    for (unsigned j = 1; j < k && starts; j++)
        starts &= t->stage_free >> j;
    if (starts == 0)
        return -1;
    i = (unsigned)__builtin_ctzll(starts);
    want = k == 64 ? ~0ull : (1ull << k) - 1;
    t->stage_free &= ~(want << i);
    t->run[i] = (uint8_t)k;
    return (int)i;
}

void fsio_stage_give(struct fsio_thread *t, unsigned first)
{
    unsigned k = t->run[first];
    uint64_t bits = k == 64 ? ~0ull : ((1ull << k) - 1) << first;

    t->run[first] = 0;
    t->stage_free |= bits;
}

/* The thread's state and its staging buffer lent on its fs connection.
 * Thread context only (connecting takes the fs lock). */
/* A thread's end (its key's destructor): free its buffers unless the
 * server may still write into them (requests in the ring after a second
 * of waiting). The lend of the staging buffer goes with the connection;
 * the server touches it only for a request, and none is left. */
static void thread_gone(void *p)
{
    struct fsio_thread *t = p;

    for (int i = 0; i < 100 && t->inring > 0; i++)
        ipc_wait(t->conn, 10000000ull);
    if (t->inring > 0)
        return;
    fsio_self = NULL;
    free(t->stage);
    free(t);
}

static pthread_key_t gone_key;
static pthread_once_t gone_once = PTHREAD_ONCE_INIT;

static void gone_init(void)
{
    pthread_key_create(&gone_key, thread_gone);
}

struct fsio_thread *fsio_ready(int *err)
{
    struct fsio_thread *t = fsio_self;
    struct ipc_conn *c;

    if (t == NULL) {
        t = calloc(1, sizeof(*t));
        if (t == NULL || (t->stage = aligned_alloc(FSIO_PAGE, FSIO_STAGE)) == NULL) {
            free(t);
            *err = -EAGAIN;
            return NULL;
        }
        t->stage_free = ~0ull;
        t->rec_free = ~0ull;
        t->stage_va = -1;
        fsio_self = t;
        pthread_once(&gone_once, gone_init);
        pthread_setspecific(gone_key, t);
    }
    c = fs_conn_self();
    if (c == NULL) {
        *err = -ENOENT;
        return NULL;
    }
    if (c != t->conn || ipc_closed(c)) {
        t->conn = c;
        t->stage_va = -1;
    }
    if (t->stage_va < 0) {
        t->stage_va = ipc_lend(c, t->stage, FSIO_STAGE, CHIME_PROT_READ | CHIME_PROT_WRITE);
        if (t->stage_va < 0) {
            *err = -EAGAIN;
            return NULL;
        }
    }
    return t;
}

/* ---- completions ------------------------------------------------------ */

void fsio_rec_free(struct fsio_thread *t, struct fsio_rec *r)
{
    t->rec_free |= 1ull << (r - t->rec);
    r->used = 0;
    r->gen = (r->gen + 1) & 0xffffffu;
    if (r->gen == 0)
        r->gen = 1;
}

/* Hand r's completion over: to its callback, or to doneq. */
void fsio_hand_over(struct fsio_thread *t, struct fsio_rec *r)
{
    struct fsio_cpl c = {fsio_id(t, r), r->op, r->fd, r->result, r->ctx, r->data};
    fsio_cb_t cb = r->cb;

    if (cb == NULL) {
        r->queued = 1;
        t->doneq[t->dq_tail++ % FSIO_MAX] = (uint8_t)(r - t->rec);
        return;
    }
    t->owed--;
    if (!r->inring)
        fsio_rec_free(t, r);
    cb(&c);
}

void fsio_release_path(struct fsio_thread *t, struct fsio_rec *r)
{
    if (r->path == FSIO_PATH_LEND && r->lend >= 0) {
        ipc_unlend(t->conn, (uint64_t)r->lend);
        t->lends--;
    }
    r->lend = -1;
    if (r->path == FSIO_PATH_STAGE && !r->zc)
        fsio_stage_give(t, r->first);
}

static void on_cpl(struct ipc_conn *c, const struct ipc_slot *cpl, void *ctx)
{
    struct fsio_thread *t = fsio_self;
    struct fsio_rec *r = ctx;
    long res = cpl->result < 0 ? -fs_errno(cpl->result) : cpl->result;

    (void)c;
    if (res > (long)r->len)
        res = (long)r->len; /* never more than was asked for, whatever the server says */
    r->inring = 0;
    t->inring--;
    if (r->cancelled) {
        if (r->zc)
            fsio_stage_give(t, r->first);
        fsio_release_path(t, r);
        if (!r->queued)
            fsio_rec_free(t, r);
    } else {
        if (r->op == FSIO_READ && r->path == FSIO_PATH_STAGE && res > 0) {
            const uint8_t *at = t->stage + (size_t)r->first * FSIO_PAGE;

            if (r->zc) {
                r->data = at;
                t->zc_held |= 1ull << r->first;
            } else
                memcpy(r->buf, at, (size_t)res);
        }
        if (r->zc && r->data == NULL)
            fsio_stage_give(t, r->first);
        fsio_release_path(t, r);
        r->result = res;
        fsio_hand_over(t, r);
    }
    fsio_seq_bump();
    fsio_handler_off(t);
}

/* ---- submitting ------------------------------------------------------- */

static struct fsio_rec *rec_take(struct fsio_thread *t)
{
    struct fsio_rec *r;
    uint32_t gen;

    if (t->rec_free == 0)
        return NULL;
    r = &t->rec[__builtin_ctzll(t->rec_free)];
    t->rec_free &= t->rec_free - 1;
    gen = r->gen ? r->gen : 1;
    memset(r, 0, sizeof(*r));
    r->gen = gen;
    r->used = 1;
    r->lend = -1;
    return r;
}

/* The fs handle of fd if it is a file open for op (FSIO_READ needs read
 * access, FSIO_WRITE write access), or -EBADF. */
static int handle_for(int fd, int op)
{
    struct libos_file *f = fd_get(fd);
    int h, acc;

    if (f == NULL)
        return -EBADF;
    h = fs_file_handle(f);
    acc = f->flags & O_ACCMODE;
    if ((op == FSIO_READ && acc == O_WRONLY) || (op == FSIO_WRITE && acc == O_RDONLY))
        h = -1;
    fd_put(f);
    return h < 0 ? -EBADF : h;
}

/* Route r's n bytes: a lend of buf, or a staging run. Fills rq's data
 * fields; returns 0 or -EAGAIN. Delivery is masked. */
static int route(struct fsio_thread *t, struct fsio_rec *r, void *buf, size_t n,
                 struct ipc_slot *rq)
{
    rq->flags = IPC_F_LENT;
    if (n >= FSIO_LEND_MIN && !r->zc && t->lends < FSIO_LENDS_MAX) {
        unsigned prot = r->op == FSIO_READ ? CHIME_PROT_WRITE : CHIME_PROT_READ;
        long va = ipc_lend(t->conn, buf, n, prot);

        if (va >= 0) {
            r->path = FSIO_PATH_LEND;
            r->lend = va;
            t->lends++;
            rq->data = (uint64_t)va;
            return 0;
        }
    }
    int first = stage_take(t, n);

    if (first < 0)
        return -EAGAIN;
    r->path = FSIO_PATH_STAGE;
    r->first = (uint8_t)first;
    if (r->op == FSIO_WRITE)
        memcpy(t->stage + (size_t)first * FSIO_PAGE, buf, n);
    rq->data = (uint64_t)t->stage_va + (uint64_t)first * FSIO_PAGE;
    return 0;
}

static long submit(int fd, int op, void *buf, size_t n, off_t off, fsio_cb_t cb, void *ctx, int zc)
{
    static const uint16_t opcode[] = {0, FS_OP_READ, FS_OP_WRITE, FS_OP_FSYNC, FS_OP_FDATASYNC};
    struct ipc_slot rq;
    struct fsio_thread *t;
    struct fsio_rec *r;
    int h, err = 0;
    unsigned was;
    long tag;

    if (op < FSIO_READ || op > FSIO_FDATASYNC)
        return -EINVAL;
    if (op <= FSIO_WRITE) {
        if (n > FSIO_IO_MAX)
            n = FSIO_IO_MAX;
        if (off < 0 || (uint64_t)off > (uint64_t)INT64_MAX - n || (buf == NULL && n > 0 && !zc))
            return -EINVAL;
    }
    h = handle_for(fd, op);
    if (h < 0)
        return h;
    t = fsio_ready(&err);
    if (t == NULL)
        return err;
    handler_on(t);
    was = uintr_disable();
    r = rec_take(t);
    if (r == NULL) {
        err = -EAGAIN;
        goto out;
    }
    r->op = op, r->fd = fd, r->buf = buf, r->cb = cb, r->ctx = ctx, r->zc = (uint8_t)zc;
    memset(&rq, 0, sizeof(rq));
    rq.opcode = opcode[op];
    rq.handle = h;
    if (op <= FSIO_WRITE) {
        rq.offset = (uint64_t)off;
        rq.length = n;
        r->len = (uint32_t)n;
        if (n > 0 && (err = route(t, r, buf, n, &rq)) < 0)
            goto undo;
    }
    r->inring = 1;
    tag = t->batch ? ipc_queue(t->conn, &rq, on_cpl, r) : ipc_submit(t->conn, &rq, on_cpl, r);
    if (tag < 0) {
        r->inring = 0;
        err = tag == CHIME_EPIPE ? -EIO : -EAGAIN;
        if (r->zc && r->path == FSIO_PATH_STAGE)
            fsio_stage_give(t, r->first);
        fsio_release_path(t, r);
        goto undo;
    }
    t->inring++;
    t->owed++;
    uintr_restore(was);
    return fsio_id(t, r);
undo:
    fsio_rec_free(t, r);
out:
    uintr_restore(was);
    fsio_handler_off(t);
    return err;
}

long fsio_read(int fd, void *buf, size_t n, off_t off, fsio_cb_t cb, void *ctx)
{
    return submit(fd, FSIO_READ, buf, n, off, cb, ctx, 0);
}

long fsio_write(int fd, const void *buf, size_t n, off_t off, fsio_cb_t cb, void *ctx)
{
    return submit(fd, FSIO_WRITE, (void *)buf, n, off, cb, ctx, 0);
}

long fsio_sync(int fd, int op, fsio_cb_t cb, void *ctx)
{
    if (op != FSIO_FSYNC && op != FSIO_FDATASYNC)
        return -EINVAL;
    return submit(fd, op, NULL, 0, 0, cb, ctx, 0);
}

long fsio_read_zc(int fd, size_t n, off_t off, fsio_cb_t cb, void *ctx)
{
    if (n == 0 || n > FSIO_ZC_MAX)
        return -EINVAL;
    return submit(fd, FSIO_READ, NULL, n, off, cb, ctx, 1);
}
