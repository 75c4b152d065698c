/* libos IPC, server side: what the server files share (not an API).
 *
 *   ipc_server.c   the general loop: ipc_server_run, start and stop
 *   ipc_serve.c    serving: srv_run_single (one connection, in place),
 *                  batches in timestamp order, completions, notifications
 *   ipc_sconn.c    server-side connections and the control page
 *   ipc_payload.c  checks of the memory a request names
 *
 * Everything read from a connection buffer is untrusted: ring indices are
 * range-checked (libos/ring.h), descriptors are copied once and only the
 * copy is looked at, payload offsets are checked against the data area and
 * lent addresses against this connection's lend table. A connection whose
 * client scribbles on it stalls (its rings are ignored while corrupt); no
 * other connection notices.
 *
 * Owed notifications: a connection that got a completion its client has not
 * been told about is owed one. That is recorded once, as c->owed plus an
 * entry in s->owed[] (owe); srv_run_single, serving one connection, holds the
 * flag in a register instead and hands it back with owe when it returns. */
#ifndef LIBOS_IPC_SERVER_H
#define LIBOS_IPC_SERVER_H

#include <stddef.h>

#include "ipc.h"
#include "syscall.h"
#include "uintr.h"

/* IPC_OP_NULL completions are written completions as words (little-endian). */
_Static_assert(offsetof(struct ipc_slot, opcode) == 0 && offsetof(struct ipc_slot, tag) == 4 &&
                   offsetof(struct ipc_slot, handle) == 8 && offsetof(struct ipc_slot, aux) == 12 &&
                   offsetof(struct ipc_slot, result) == 40,
               "ipc_slot word layout");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian slot words");

struct ipc_server {
    const struct ipc_handlers *h;
    struct ipc_ctl_page *ctl;
    int32_t service;   /* service handle */
    uint32_t ctl_next; /* the control page's seq when we last took its bits */
    uint32_t nconns;
    uint32_t cap;
    uint32_t nowed;    /* entries of owed */
    uint32_t nhandles; /* entries of by_handle */
    struct ipc_sconn **conns;
    struct ipc_sconn **owed;      /* connections owed a notification */
    struct ipc_sconn **by_handle; /* connection of each handle, or NULL */
    uint64_t vector_bit;
    uint64_t poll_ticks; /* 0: never poll */
    int awake;           /* server_awake is set in every connection */
    int stop;
    /* IPC_OP_STATS */
    uint64_t served;
    uint64_t notified; /* notifications, plus the waits counted in quiet */
    uint64_t quiet;    /* waits that notified nobody */
    uint64_t sleeps;
    uint64_t rejected; /* of connections already gone, and completions lost */
};

/* The server this thread runs (ipc_reply and ipc_server_stop find it). */
extern __thread __attribute__((tls_model("local-exec"))) struct ipc_server *ipc_current_server;

static inline long ipc_srv_syscall1(long n, long a)
{
    uintr_self.syscalls++;
    return syscall1(n, a);
}

/* ipc_sconn.c */
void srv_set_awake(struct ipc_server *s, uint32_t v);
uint32_t srv_ctl_events(struct ipc_server *s);
void srv_conn_remove(struct ipc_server *s, int32_t handle);

/* ipc_serve.c */
uint32_t srv_serve_batch(struct ipc_server *s);
void srv_notify_clients(struct ipc_server *s, uint32_t keep);
void srv_run_single(struct ipc_server *s, struct ipc_sconn *c);

/* ---- owed notifications ------------------------------------------------ */

/* c is owed a notification (recorded once). */
static inline void owe(struct ipc_server *s, struct ipc_sconn *c)
{
    if (!c->owed) {
        c->owed = 1;
        s->owed[s->nowed++] = c;
    }
}

/* For srv_run_single, whose list holds at most c: whether c is owed, taken off
 * the books into the caller's register. */
static inline int owed_claim(struct ipc_server *s, struct ipc_sconn *c)
{
    int owed = c->owed;

    c->owed = 0;
    s->nowed = 0;
    return owed;
}

/* For the general loop: the one connection srv_notify_clients(s, 1) kept,
 * taken off the books (NULL: none). */
static inline struct ipc_sconn *owed_take(struct ipc_server *s)
{
    struct ipc_sconn *c = s->nowed ? s->owed[0] : NULL;

    s->nowed = 0;
    if (c)
        c->owed = 0;
    return c;
}

/* Forget c's entry (c is going away). */
static inline void owed_forget(struct ipc_server *s, struct ipc_sconn *c)
{
    for (uint32_t j = 0; j < s->nowed; j++) {
        if (s->owed[j] == c) {
            s->owed[j] = s->owed[--s->nowed];
            break;
        }
    }
}

/* ---- the steps of serving, inline for srv_run_single ----------------------- */

/* Count n descriptors of c's client that were refused (bad indices). The
 * total is also published in the buffer header for ipcstat
 * (include/chime/ipc.h), written only when it changes. */
static inline void sconn_reject(struct ipc_sconn *c, uint64_t n)
{
    if (__builtin_expect(n != 0, 0)) {
        c->rejected += n;
        c->hdr->rejected = (uint32_t)c->rejected;
    }
}

/* Is there a completion slot for c's next answer? */
static inline int cpl_room(struct ipc_sconn *c)
{
    long r;

    if (__builtin_expect(ring_room_known(&c->cpl), 1))
        return 1;
    r = ring_space(&c->cpl);
    sconn_reject(c, r < 0);
    return r > 0;
}

/* Copy c's oldest request into c->staged if there is one and its completion
 * will have a slot. Returns 1 when c has a staged request. */
static inline int stage_request(struct ipc_sconn *c)
{
    long r;

    if (c->staged_ok)
        return 1;
    if (!cpl_room(c))
        return 0;
    r = ring_pop(&c->req, &c->staged);
    if (r) {
        if (__builtin_expect(r == CHIME_ERANGE, 0))
            sconn_reject(c, 1);
        return 0;
    }
    c->staged_ok = 1;
    return 1;
}

/* Does the first word of a slot (opcode, flags, tag) hold opcode op? The
 * opcode is its low 16 bits: shifted to the top, one compare tests them. */
static inline int word0_opcode_is(uint64_t w0, uint16_t op)
{
    return ((w0 ^ op) << 48) == 0;
}

/* Write the completion of an IPC_OP_NULL request whose first two words
 * were w0 (opcode, flags, tag) and w1 (handle, aux) into slot, a completion
 * slot cpl_room found: eight stores. opcode, flags, result and the rest are
 * 0; tag and handle come from the request. The caller publishes it. */
static inline void fill_null(volatile struct ipc_slot *slot, uint64_t w0, uint64_t w1)
{
    volatile ring_word_t *w = (volatile ring_word_t *)slot;

    w[0] = w0 >> 32 << 32;
    w[1] = (uint32_t)w1;
    w[2] = 0;
    w[3] = 0;
    w[4] = 0;
    w[5] = 0;
    w[6] = 0;
    w[7] = 0;
}

/* Answer c's oldest request, an IPC_OP_NULL whose first two words were w0
 * and w1, in place: pop it, fill its completion and push that, with one
 * fence ordering the request's reads and the completion's writes before both
 * index stores. (Everything is read before fill_null's stores, which may
 * alias anything.) */
static inline void answer_null(struct ipc_sconn *c, uint64_t w0, uint64_t w1)
{
    volatile struct ipc_slot *slot = ring_prod_slot(&c->cpl);
    struct ring_pair pub;

    ring_take(&c->req);
    ring_prod_advance(&c->cpl);
    pub = ring_pair_of(&c->req, &c->cpl);
    fill_null(slot, w0, w1);
    ring_publish_pair(pub);
}

/* ---- counting and sleeping (both loops) -------------------------------- */

/* What a loop counts in registers and adds to s (and uintr_self) whenever
 * anything else could read the totals: IPC_OP_STATS, a handler. */
struct loop_counts {
    uint64_t served;
    uint64_t sleeps; /* waits: syscalls, and notifications unless s->quiet */
};

static inline void counts_flush(struct ipc_server *s, struct loop_counts *n)
{
    s->served += n->served;
    s->sleeps += n->sleeps;
    s->notified += n->sleeps;
    uintr_self.syscalls += n->sleeps;
    *n = (struct loop_counts){0};
}

/* Sleep until notified, telling owed (if not NULL), the one client still
 * owed a notification, on the way: one kernel entry for both, unless that
 * client polls. Bits of other vectors go to the event handler. Returns 1
 * when that handler ran (it may have stopped the server). */
static inline __attribute__((always_inline)) int
server_sleep(struct ipc_server *s, struct ipc_sconn *owed, struct loop_counts *n)
{
    uint64_t bits;
    long st;

    n->sleeps++;
    if (owed) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (owed->hdr->client_awake.value)
            owed = NULL;
    }
    if (owed) {
        st = uintr_send_wait_uncounted(owed->reply_index, CHIME_FOREVER, &bits);
    } else {
        s->quiet++; /* (rare: counted in memory) */
        st = uintr_wait_uncounted(CHIME_FOREVER, &bits);
    }
    if (__builtin_expect(st < 0, 0)) {
        if (st != CHIME_EPIPE)
            return 0;
        uintr_self.syscalls++; /* that client is gone: still wait */
        st = uintr_wait_uncounted(CHIME_FOREVER, &bits);
        if (st < 0)
            return 0;
    }
    if (__builtin_expect(bits != s->vector_bit, 0)) {
        bits &= ~s->vector_bit;
        if (bits && s->h->event) {
            counts_flush(s, n);
            s->h->event(bits, s->h->ctx);
            return 1;
        }
    }
    return 0;
}

#endif
