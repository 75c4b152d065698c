/* libos IPC: clients and servers over the shared connection buffers of
 * include/chime/ipc.h, with uintr notifications (libos/uintr.h).
 *
 * Error convention (as in uintr.h): functions return >= 0 on success or a
 * negative CHIME_E* code and never touch errno. ipc_call returns the
 * server's result (which is itself >= 0 or a negative CHIME_E* code); a
 * transport failure such as a dead server also comes back as a negative code
 * (CHIME_EPIPE).
 *
 * Threads: a connection belongs to the thread that opened it. Its
 * completions arrive on that thread's client vector (IPC_CLIENT_VECTOR unless
 * IPC_CONNECT_VECTOR(v) says otherwise); all connections of a thread may
 * share one vector. ipc_server_run takes over the calling thread.
 *
 * The path of one request (docs/ipc.md has the picture):
 *   client  push descriptor into the request ring, then notify the server
 *           (uipi) unless its server_awake flag says it is polling anyway
 *   server  copy the descriptor out once, validate the copy, serve it, push a
 *           completion, notify the client unless client_awake is set
 *   client  pop the completion, match it to its request by tag. */
#ifndef LIBOS_IPC_H
#define LIBOS_IPC_H

#include <stddef.h>
#include <stdint.h>

#include <chime/ipc.h>

#include "ring.h"

/* Default vectors: a server's service vector and a client thread's
 * completion vector. A thread that is both uses both. */
#define IPC_SERVER_VECTOR 0u
#define IPC_CLIENT_VECTOR 63u

/* Opcodes 0xff00.. are reserved for libos; ipc_server_run answers them itself
 * (with IPC_OP_NULL, which every server answers with result 0). */
#define IPC_OP_LIBOS_FIRST 0xff00u
/* IPC_OP_STATS: result = requests served, offset = syscalls made by the
 * server thread, length = client notifications sent, data = times the server
 * slept, arg = descriptors rejected, aux = live connections. */
#define IPC_OP_STATS 0xfff0u

/* How long a side polls its rings before it sleeps, when more than one hart
 * is online (on one hart polling only delays the peer). */
#define IPC_POLL_NS_DEFAULT 50000u

/* ===================================================================== */
/* Client                                                                 */
/* ===================================================================== */

struct ipc_conn;

/* Completion callback of an asynchronous request: cpl is a private copy of
 * the completion (cpl->result is the server's result, CHIME_EPIPE when the
 * connection closed first). Runs in the uintr handler (see
 * ipc_client_handler) or inside ipc_poll / ipc_wait / ipc_call. */
typedef void (*ipc_callback_t)(struct ipc_conn *c, const struct ipc_slot *cpl, void *ctx);

/* One asynchronous request in flight. */
struct ipc_pending {
    ipc_callback_t cb;
    void *ctx;
};

/* A client connection. Fields are libos-private; use the functions. */
struct ipc_conn {
    struct ring_prod req;   /* we produce requests */
    struct ring_cons cpl;   /* we consume completions */
    struct ipc_header *hdr; /* the shared header (peer-writable) */
    int32_t send_index;     /* our sender index for the service vector */
    int32_t handle;         /* connection handle */
    uint32_t vector;        /* our completion vector */
    uint32_t pad;
    uint64_t others;     /* ~(1 << vector): bits a call gives back */
    uint32_t inflight;   /* requests pushed, completion not yet popped */
    uint32_t async;      /* of which asynchronous (tags in use) */
    uint64_t poll_ticks; /* rdtime ticks to poll before sleeping */
    uint8_t *data;       /* the data area */
    uint64_t data_size;
    uint64_t size;           /* whole buffer */
    uint64_t dropped;        /* completions with unknown tags (ignored) */
    uint64_t completed;      /* asynchronous completions handled */
    uint64_t completed_seen; /* value of completed when ipc_wait last returned */
    struct ipc_conn *next;   /* this thread's connections */
    struct ipc_slot scratch; /* ipc_call_begin's slot when the ring has none */
    struct ipc_slot reply;   /* ipc_call_end's reply when it is not in place */
    struct ring_tags tags;   /* asynchronous requests in flight */
    struct ipc_pending pend[RING_SLOTS];
};

/* ipc_connect flags. */
#define IPC_CONNECT_VECTOR(v)   (((unsigned)(v)&63u) + 1u) /* completion vector */
#define IPC_CONNECT_VECTOR_MASK 0x7fu
#define IPC_CONNECT_POLL        0x100u /* poll before sleeping even on one hart */
#define IPC_CONNECT_NOPOLL      0x200u /* never poll: always sleep at once */

/* Connect to the service called name with a buffer of size bytes (0: the
 * default, CHIME_IPC_BUF_DEFAULT). On success *out is the new connection.
 * CHIME_ENOENT: no such service (yet). */
long ipc_connect(struct ipc_conn **out, const char *name, size_t size, unsigned flags);

/* ipc_connect, retrying while the name is not published, for up to
 * timeout_ns: for clients started together with their server. */
long ipc_connect_wait(struct ipc_conn **out, const char *name, size_t size, unsigned flags,
                      uint64_t timeout_ns);

/* Close c: requests still in flight complete with CHIME_EPIPE, the buffer is
 * unmapped and c is freed. */
long ipc_disconnect(struct ipc_conn *c);

/* Send req and wait for its completion, copied into *reply (libos sets the
 * tag and timestamp of the request it sends): ipc_call_begin, a copy of req,
 * ipc_call_end and a copy of the reply. Returns reply->result, or
 * CHIME_EPIPE once the server is gone. Other completions that arrive in the
 * meantime run their callbacks. */
long ipc_call(struct ipc_conn *c, const struct ipc_slot *req, struct ipc_slot *reply);

/* Zero-copy synchronous calls (DESIGN §5: requests are written in place).
 *
 *     struct ipc_slot *rq = ipc_call_begin(c);
 *     rq->opcode = ECHO_OP_ECHO;   (every field the opcode uses: the slot
 *     rq->flags = 0;                holds an older request's bytes)
 *     ...
 *     const struct ipc_slot *cpl = ipc_call_end(c, rq);
 *     use cpl->result, cpl->arg, ...
 *
 * ipc_call_begin returns the slot to build the request in: the next slot of
 * the shared request ring, or a private one when the ring is full. libos
 * sets tag and timestamp. ipc_call_end publishes it, notifies the server,
 * waits, and returns the reply: on the fast path (DESIGN §7: no handler to
 * mask, no polling, nothing else in flight) the completion itself, in the
 * shared completion ring; otherwise a private copy. Either way it stays
 * valid until the next IPC call of this thread (ipc_call_end, ipc_call,
 * ipc_queue, ipc_poll, ...) or until its uintr handler runs, and a failed
 * call (CHIME_EPIPE once the server is gone) is a reply whose result is the
 * error. Between begin and end, make no other call on c.
 *
 * In shared memory the server could still change the reply while it is
 * read: read each field once if that matters (libos reads the tag once). */
struct ipc_slot *ipc_call_begin_slow(struct ipc_conn *c);

static inline __attribute__((always_inline)) struct ipc_slot *ipc_call_begin(struct ipc_conn *c)
{
    /* (The head last read says there is room: there still is.) */
    if (__builtin_expect(ring_room_known(&c->req), 1))
        return (struct ipc_slot *)ring_prod_slot(&c->req);
    return ipc_call_begin_slow(c);
}

const struct ipc_slot *ipc_call_end(struct ipc_conn *c, struct ipc_slot *rq);

/* Queue req without waiting; cb(c, cpl, ctx) runs when it completes.
 * ipc_submit notifies the server; ipc_queue does not (call ipc_flush after a
 * batch). Returns the request's tag, CHIME_EAGAIN when RING_SLOTS requests
 * are in flight already, or CHIME_EPIPE. */
long ipc_submit(struct ipc_conn *c, const struct ipc_slot *req, ipc_callback_t cb, void *ctx);
long ipc_queue(struct ipc_conn *c, const struct ipc_slot *req, ipc_callback_t cb, void *ctx);
long ipc_flush(struct ipc_conn *c);

/* Run callbacks of the completions that arrived; never blocks. Returns how
 * many ran, or CHIME_EPIPE when the connection is closed and nothing is left
 * in flight. */
long ipc_poll(struct ipc_conn *c);

/* Block up to timeout_ns until asynchronous requests of c have completed
 * since the last ipc_wait returned, wherever their callbacks ran (here or in
 * the uintr handler): so a caller that checks a condition its callbacks
 * change, then calls ipc_wait, cannot miss a completion that came in between.
 * Returns how many completed (> 0), 0 when nothing is in flight,
 * CHIME_ETIMEDOUT or CHIME_EPIPE. */
long ipc_wait(struct ipc_conn *c, uint64_t timeout_ns);

/* Wait until no asynchronous request is in flight on c. */
long ipc_drain(struct ipc_conn *c, uint64_t timeout_ns);

/* Asynchronous requests in flight on c. */
unsigned ipc_inflight(const struct ipc_conn *c);

/* For a thread's uintr handler: run the callbacks of every connection of the
 * calling thread that has completions waiting. ipc_client_handler can be
 * registered as the handler itself (uintr_register_handler); a program with
 * its own handler calls ipc_client_dispatch from it. */
void ipc_client_dispatch(uint64_t bits);
void ipc_client_handler(uint64_t bits);

/* The connection's data area: payloads are written here and named by their
 * offset from ipc_data(c) in the data field of a request. */
static inline void *ipc_data(struct ipc_conn *c)
{
    return c->data;
}

static inline uint64_t ipc_data_size(const struct ipc_conn *c)
{
    return c->data_size;
}

/* True once the server side is gone (calls fail with CHIME_EPIPE). */
static inline int ipc_closed(const struct ipc_conn *c)
{
    return c->hdr->closed.value != 0;
}

/* Lend [va, va+len) to the server for zero-copy transfers: returns the
 * address the server sees it at (put that in req.data with IPC_F_LENT), or a
 * negative code. prot: CHIME_PROT_READ and/or CHIME_PROT_WRITE. */
long ipc_lend(struct ipc_conn *c, const void *va, size_t len, unsigned prot);
long ipc_unlend(struct ipc_conn *c, uint64_t server_va);

/* ===================================================================== */
/* Server                                                                 */
/* ===================================================================== */

/* One client connection, as the server sees it. `user` is for the server's
 * own per-connection state; the rest is libos-private. */
struct ipc_sconn {
    void *user;           /* the server's, set by its connect handler */
    int32_t handle;       /* connection handle in the server */
    uint32_t client;      /* kernel id of the client process (logs) */
    struct ring_cons req; /* we consume requests */
    struct ring_prod cpl; /* we produce completions */
    struct ipc_header *hdr;
    uint8_t *data; /* data area, data_size bytes */
    uint64_t data_size;
    uint64_t size;
    int32_t reply_index; /* our sender index to the client's vector */
    uint8_t staged_ok;   /* staged holds a request not yet served */
    uint8_t owed;        /* a completion was pushed, client not told */
    uint16_t pad;
    const volatile struct ipc_lend_entry *lends; /* kernel-written, read-only */
    uint64_t lend_base;
    uint64_t lend_size;
    uint64_t last_ts;       /* timestamp of the last request served */
    uint64_t rejected;      /* bad indices seen on this connection */
    struct ipc_slot staged; /* private copy of the oldest request */
};

/* What a request handler returns when it will answer later with ipc_reply. */
#define IPC_REPLY_LATER ((long)0x7fffffffffffffffll)

/* A server's callbacks. Only name and request are required. */
struct ipc_handlers {
    const char *name; /* service name to publish */
    unsigned vector;  /* service vector (default IPC_SERVER_VECTOR = 0) */
    unsigned poll_ns; /* poll this long before sleeping; 0: default */
    void *ctx;        /* passed to every callback */

    /* Serve *req, a validated private copy: check every field the protocol
     * uses. May fill cpl->offset/length/data/aux/arg; returns the result
     * (>= 0 or CHIME_E*) or IPC_REPLY_LATER. */
    long (*request)(struct ipc_sconn *c, const struct ipc_slot *req, struct ipc_slot *cpl,
                    void *ctx);
    /* A client connected: return 0 to accept, a negative code to refuse. */
    long (*connect)(struct ipc_sconn *c, void *ctx);
    /* The client went away: free c->user. */
    void (*disconnect)(struct ipc_sconn *c, void *ctx);
    /* Bits of other vectors of the server thread (device IRQs, timers). */
    void (*event)(uint64_t bits, void *ctx);
};

#define IPC_POLL_NEVER 0xffffffffu /* poll_ns: never poll */

/* Publish h->name and serve until a handler calls ipc_server_stop. Serves
 * requests in timestamp order across connections, answers IPC_OP_NULL and
 * IPC_OP_STATS itself and keeps going whatever a client writes. Returns 0
 * after ipc_server_stop, or a negative code when it cannot start. */
long ipc_server_run(const struct ipc_handlers *h);

/* Make ipc_server_run return after the current request. */
void ipc_server_stop(void);

/* Answer a request a handler returned IPC_REPLY_LATER for: cpl->tag must be
 * that request's tag (fill the rest as a handler would). */
long ipc_reply(struct ipc_sconn *c, const struct ipc_slot *cpl);

/* The data-area bytes [off, off+len) of c, or NULL when out of range. */
void *ipc_sconn_data(struct ipc_sconn *c, uint64_t off, uint64_t len);

/* 0 if [va, va+len) lies inside one lend this connection received with at
 * least prot; CHIME_EFAULT otherwise (CHIME_EPERM: lent, but not with prot).
 * Check every lent address a client names before touching it. */
long ipc_lend_check(struct ipc_sconn *c, uint64_t va, uint64_t len, unsigned prot);

/* ipc_lend_check, for a server that must notice a revocation while it works
 * on lent memory: returns the index of the lend covering [va, va+len) with
 * prot and its generation in *gen (may be NULL), or CHIME_EFAULT /
 * CHIME_EPERM. ipc_lend_unchanged(c, index, gen) is 1 while that lend has
 * been neither revoked nor replaced since: check it after the last access,
 * and treat the bytes moved as lost when it is 0 (a revoked lend reads as
 * zeros and swallows writes; it never faults). */
long ipc_lend_find(struct ipc_sconn *c, uint64_t va, uint64_t len, unsigned prot, uint32_t *gen);
int ipc_lend_unchanged(struct ipc_sconn *c, long index, uint32_t gen);

/* The payload a request names: the data area (data = offset) or a lend
 * (IPC_F_LENT, data = server va), checked for len bytes and prot.
 * NULL when the request names memory it may not. */
void *ipc_payload(struct ipc_sconn *c, const struct ipc_slot *req, uint64_t len, unsigned prot);

/* rdtime: the clock of request timestamps. */
static inline uint64_t ipc_now(void)
{
    uint64_t t;

    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

#endif
