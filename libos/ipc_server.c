/* libos IPC, server side: ipc_server_run and what a request handler uses.
 *
 * The loop, on the server's one receiver thread:
 *
 *   1. control page: for each handle the kernel marked, ask its state
 *      (SYS_IPC_CONN_STATE): a new live connection is added, a gone one
 *      removed (level-triggered: nothing is lost while we are busy)
 *   2. serve a batch: stage (copy out once) the oldest request of every
 *      connection that has one and room for its completion; serve the staged
 *      request with the smallest timestamp; repeat until none is left
 *   3. tell the clients that got completions (unless they poll: client_awake)
 *   4. nothing to do: poll a while (more than one hart), then clear
 *      server_awake, fence, re-check, and sleep in uintr_wait. The last
 *      client notification rides on the same kernel entry
 *      (uintr_send_wait): reply and wait, as seL4's ReplyRecv.
 *
 * Everything read from a connection buffer is untrusted: ring indices are
 * range-checked (libos/ring.h), descriptors are copied once and only the
 * copy is looked at, payload offsets are checked against the data area and
 * lent addresses against this connection's lend table. A connection whose
 * client scribbles on it stalls (its rings are ignored while corrupt); no
 * other connection notices. */
#include "ipc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "libos.h"
#include "syscall.h"
#include "uintr.h"

/* serve_one writes IPC_OP_NULL completions as words (little-endian). */
_Static_assert(offsetof(struct ipc_slot, tag) == 4 && offsetof(struct ipc_slot, handle) == 8 &&
                   offsetof(struct ipc_slot, aux) == 12 && offsetof(struct ipc_slot, result) == 40,
               "ipc_slot word layout");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian slot words");

struct ipc_server {
    const struct ipc_handlers *h;
    struct ipc_ctl_page *ctl;
    int32_t service;   /* service handle */
    uint32_t ctl_next; /* the control page's seq when we last took its bits */
    uint32_t nconns;
    uint32_t cap;
    uint32_t nnotify;
    uint32_t nhandles; /* entries of by_handle */
    struct ipc_sconn **conns;
    struct ipc_sconn **notify;    /* connections owed a notification */
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

static __thread struct ipc_server *current;

static long srv_syscall1(long n, long a)
{
    uintr_self.syscalls++;
    return syscall1(n, a);
}

void ipc_server_stop(void)
{
    if (current)
        current->stop = 1;
}

/* Payload and lend checks: libos/ipc_payload.c. */

/* ---- connections ------------------------------------------------------ */

static void set_awake(struct ipc_server *s, uint32_t v)
{
    for (uint32_t i = 0; i < s->nconns; i++)
        s->conns[i]->hdr->server_awake.value = v;
    s->awake = (int)v;
}

/* The connection we know on handle h, or NULL. */
static struct ipc_sconn *conn_find(struct ipc_server *s, int32_t h)
{
    return h >= 0 && (uint32_t)h < s->nhandles ? s->by_handle[h] : NULL;
}

/* Room for one more connection, on handle h: 0 or CHIME_ENOMEM. */
static long conn_room(struct ipc_server *s, int32_t h)
{
    if (h < 0 || h >= IPC_CTL_HANDLES)
        return CHIME_EINVAL;
    if (s->nconns == s->cap) {
        uint32_t cap = s->cap ? 2 * s->cap : 8;
        struct ipc_sconn **a = realloc(s->conns, cap * sizeof(*a));
        struct ipc_sconn **b;

        if (!a)
            return CHIME_ENOMEM;
        s->conns = a;
        b = realloc(s->notify, cap * sizeof(*b));
        if (!b)
            return CHIME_ENOMEM;
        s->notify = b;
        s->cap = cap;
    }
    if ((uint32_t)h >= s->nhandles) {
        uint32_t n = ((uint32_t)h / 256 + 1) * 256;
        struct ipc_sconn **t = realloc(s->by_handle, n * sizeof(*t));

        if (!t)
            return CHIME_ENOMEM;
        memset(t + s->nhandles, 0, (n - s->nhandles) * sizeof(*t));
        s->by_handle = t;
        s->nhandles = n;
    }
    return 0;
}

/* A live connection on handle h we did not know: add it, or refuse it
 * (close our end) when we cannot or the connect handler says no. The
 * kernel keeps st's buffer and lend table mapped until we close h. */
static void conn_add(struct ipc_server *s, int32_t h, const struct ipc_conn_state *st)
{
    const struct ipc_handlers *hd = s->h;
    struct ipc_sconn *c;
    uint8_t *buf = (uint8_t *)(uintptr_t)st->buffer;

    if (conn_room(s, h) < 0)
        goto refuse;
    if (!buf || st->size < CHIME_IPC_BUF_MIN || st->size > CHIME_IPC_BUF_MAX)
        goto refuse;
    c = calloc(1, sizeof(*c));
    if (!c)
        goto refuse;
    c->handle = h;
    c->client = st->client;
    c->hdr = (struct ipc_header *)buf;
    c->size = st->size;
    c->data = buf + IPC_DATA_OFFSET;
    c->data_size = st->size - IPC_DATA_OFFSET;
    c->reply_index = st->reply_index;
    c->lends = (const volatile struct ipc_lend_entry *)(uintptr_t)st->lend_table;
    c->lend_base = st->lend_base;
    c->lend_size = st->lend_size;
    ring_cons_init(&c->req, buf + IPC_REQ_OFFSET, &c->hdr->req_tail, &c->hdr->req_head, 0);
    ring_prod_init(&c->cpl, buf + IPC_CPL_OFFSET, &c->hdr->cpl_tail, &c->hdr->cpl_head, 0);
    if (hd->connect && hd->connect(c, hd->ctx) < 0) {
        free(c);
        goto refuse;
    }
    c->hdr->server_awake.value = (uint32_t)s->awake;
    s->conns[s->nconns++] = c;
    s->by_handle[h] = c;
    return;
refuse:
    srv_syscall1(SYS_IPC_DISCONNECT, h);
}

/* Forget the connection on handle h (if we know it), without a syscall. */
static void conn_forget(struct ipc_server *s, int32_t h)
{
    struct ipc_sconn *c = conn_find(s, h);

    if (!c)
        return;
    if (s->h->disconnect)
        s->h->disconnect(c, s->h->ctx);
    for (uint32_t i = 0; i < s->nconns; i++) {
        if (s->conns[i] == c) {
            s->conns[i] = s->conns[--s->nconns];
            break;
        }
    }
    for (uint32_t j = 0; j < s->nnotify; j++) {
        if (s->notify[j] == c) {
            s->notify[j] = s->notify[--s->nnotify];
            break;
        }
    }
    s->by_handle[h] = NULL;
    s->rejected += c->rejected;
    free(c);
}

/* Drop the connection on handle h and close our end. */
static void conn_remove(struct ipc_server *s, int32_t handle)
{
    conn_forget(s, handle);
    srv_syscall1(SYS_IPC_DISCONNECT, handle);
}

/* The kernel marked handle h: see what it is now. */
static void conn_changed(struct ipc_server *s, int32_t h)
{
    struct ipc_conn_state st;
    long r;

    uintr_self.syscalls++;
    r = syscall2(SYS_IPC_CONN_STATE, h, (long)&st);
    if (r == IPC_CONN_LIVE) {
        if (!conn_find(s, h))
            conn_add(s, h, &st);
    } else if (r == IPC_CONN_GONE) {
        conn_remove(s, h);
    } else {
        /* Not a connection we serve (any more): nothing of ours to close. */
        conn_forget(s, h);
    }
}

/* Take every mark on the control page. Returns how many handles changed. */
static uint32_t ctl_events(struct ipc_server *s)
{
    struct ipc_ctl_page *ctl = s->ctl;
    uint32_t n = 0;
    uint64_t sum;

    /* seq first: a mark made after it is read bumps it again. */
    s->ctl_next = __atomic_load_n(&ctl->seq.value, __ATOMIC_ACQUIRE);
    sum = __atomic_exchange_n(&ctl->summary, 0, __ATOMIC_ACQ_REL);
    while (sum) {
        unsigned w = (unsigned)__builtin_ctzll(sum);
        uint64_t bits;

        sum &= sum - 1;
        if (w >= IPC_CTL_HANDLES / 64)
            continue;
        bits = __atomic_exchange_n(&ctl->changed[w], 0, __ATOMIC_ACQ_REL);
        while (bits) {
            unsigned b = (unsigned)__builtin_ctzll(bits);

            bits &= bits - 1;
            conn_changed(s, (int32_t)(w * 64 + b));
            n++;
        }
    }
    return n;
}

/* ---- serving ---------------------------------------------------------- */

/* Is there a completion slot for c's next answer? */
static inline int cpl_room(struct ipc_sconn *c)
{
    long r;

    if (__builtin_expect(c->cpl.next - c->cpl.head_seen < RING_SLOTS, 1))
        return 1;
    r = ring_space(&c->cpl);
    c->rejected += r < 0;
    c->hdr->rejected = (uint32_t)c->rejected; /* for ipcstat (include/chime/ipc.h) */
    return r > 0;
}

/* Copy c's oldest request into c->staged if there is one and its completion
 * will have a slot. Returns 1 when c has a staged request. */
static inline int take(struct ipc_sconn *c)
{
    long r;

    if (c->staged_ok)
        return 1;
    if (!cpl_room(c))
        return 0;
    r = ring_pop(&c->req, &c->staged);
    if (r) {
        if (__builtin_expect(r == CHIME_ERANGE, 0))
            c->hdr->rejected = (uint32_t)++c->rejected;
        return 0;
    }
    c->staged_ok = 1;
    return 1;
}

/* take(), and give the staged request the timestamp it is ordered by. */
static int stage(struct ipc_sconn *c, uint64_t now)
{
    uint64_t ts;

    if (c->staged_ok)
        return 1;
    if (!take(c))
        return 0;
    /* A client cannot jump the queue with an old timestamp, nor go last
     * with one from the future. */
    ts = c->staged.timestamp;
    if (ts < c->last_ts)
        ts = c->last_ts;
    if (ts > now)
        ts = now;
    c->staged.timestamp = ts;
    c->last_ts = ts;
    return 1;
}

static void stats_reply(struct ipc_server *s, struct ipc_slot *cpl)
{
    cpl->result = (int64_t)s->served;
    cpl->offset = uintr_self.syscalls;
    cpl->length = s->notified - s->quiet;
    cpl->data = s->sleeps;
    cpl->arg = s->rejected;
    for (uint32_t i = 0; i < s->nconns; i++)
        cpl->arg += s->conns[i]->rejected;
    cpl->aux = s->nconns;
}

static inline void want_notify(struct ipc_server *s, struct ipc_sconn *c)
{
    if (!c->notify) {
        c->notify = 1;
        s->notify[s->nnotify++] = c;
    }
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
    uint32_t head = c->req.next + 1, tail = c->cpl.next + 1;
    volatile uint32_t *head_p = c->req.head, *tail_p = c->cpl.tail;
    volatile struct ipc_slot *slot = &c->cpl.slot[(tail - 1) & RING_MASK];

    c->req.next = head;
    c->cpl.next = tail;
    fill_null(slot, w0, w1);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(head_p, head, __ATOMIC_RELAXED);
    __atomic_store_n(tail_p, tail, __ATOMIC_RELAXED);
}

/* Serve c's staged request and push its completion (space was reserved by
 * stage). IPC_OP_NULL is answered in place in the ring; other completions are
 * built in private memory first, so a handler never writes shared memory the
 * client could be reading half-done. */
static void serve_one(struct ipc_server *s, struct ipc_sconn *c)
{
    const struct ipc_handlers *h = s->h;
    const struct ipc_slot *req = &c->staged;
    long result;

    c->staged_ok = 0;
    s->served++;
    if (req->opcode == IPC_OP_NULL) {
        const ring_word_t *w = (const ring_word_t *)req;

        fill_null(&c->cpl.slot[c->cpl.next & RING_MASK], w[0], w[1]);
        ring_push_commit(&c->cpl);
        want_notify(s, c);
        return;
    }
    {
        struct ipc_slot cpl = {.opcode = req->opcode, .tag = req->tag, .handle = req->handle};

        if (req->opcode >= IPC_OP_LIBOS_FIRST) {
            if (req->opcode == IPC_OP_STATS) {
                stats_reply(s, &cpl);
                result = cpl.result;
            } else {
                result = CHIME_ENOSYS;
            }
        } else {
            result = h->request(c, req, &cpl, h->ctx);
            if (result == IPC_REPLY_LATER)
                return;
        }
        cpl.result = result;
        if (ring_push(&c->cpl, &cpl) == 0)
            want_notify(s, c);
        else
            s->rejected++;
    }
}

/* Serve requests across connections in timestamp order until none is left.
 * Returns how many were served. */
static uint32_t serve_batch(struct ipc_server *s)
{
    uint64_t now = ipc_now();
    uint32_t n = 0;

    if (s->nconns == 1) {
        /* One connection: its ring order is the order. Later stages
         * clamp to now, as if every request served here had said now. */
        struct ipc_sconn *c = s->conns[0];

        while (take(c)) {
            serve_one(s, c);
            n++;
            if (s->stop)
                break;
        }
        c->last_ts = now;
        return n;
    }
    for (;;) {
        struct ipc_sconn *best = NULL;

        for (uint32_t i = 0; i < s->nconns; i++) {
            struct ipc_sconn *c = s->conns[i];

            if (stage(c, now) && (!best || c->staged.timestamp < best->staged.timestamp))
                best = c;
        }
        if (!best)
            return n;
        serve_one(s, best);
        n++;
        if (s->stop)
            return n;
    }
}

/* True when c has completions it has not taken yet. Its head is untrusted:
 * a client that lies about it only misses its own notification. */
static inline int completions_unread(const struct ipc_sconn *c)
{
    return __atomic_load_n(c->cpl.head, __ATOMIC_ACQUIRE) != c->cpl.next;
}

/* Notify the clients owed a notification, except the last `keep` of them
 * (the caller fuses that one with its wait). A client polling its ring
 * (client_awake), or one that already took every completion, needs no
 * notification. */
static void notify_clients(struct ipc_server *s, uint32_t keep)
{
    uint32_t i;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (i = 0; i + keep < s->nnotify; i++) {
        struct ipc_sconn *c = s->notify[i];

        c->notify = 0;
        if (!c->hdr->client_awake.value && completions_unread(c)) {
            uipi_send(c->reply_index);
            s->notified++;
        }
    }
    if (keep && s->nnotify) {
        s->notify[0] = s->notify[s->nnotify - 1];
        s->nnotify = 1;
    } else {
        s->nnotify = 0;
    }
}

long ipc_reply(struct ipc_sconn *c, const struct ipc_slot *cpl)
{
    struct ipc_server *s = current;
    long r = ring_push(&c->cpl, cpl);

    if (r < 0)
        return r;
    if (s)
        want_notify(s, c);
    else if (!c->hdr->client_awake.value)
        uipi_send(c->reply_index);
    return 0;
}

/* Anything to do? (control events, or requests on any connection.) */
static int any_ready(struct ipc_server *s)
{
    if (__atomic_load_n(&s->ctl->seq.value, __ATOMIC_ACQUIRE) != s->ctl_next)
        return 1;
    for (uint32_t i = 0; i < s->nconns; i++) {
        struct ipc_sconn *c = s->conns[i];

        if (c->staged_ok || ring_avail(&c->req) > 0)
            return 1;
    }
    return 0;
}

/* What a loop counts in registers and adds to s (and uintr_self) whenever
 * anything else could read the totals: IPC_OP_STATS, a handler. */
struct loop_counts {
    uint64_t served;
    uint64_t sleeps; /* waits: syscalls, and notifications unless s->quiet */
};

static void counts_flush(struct ipc_server *s, struct loop_counts *n)
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

/* The general loop's owed client: the one notify_clients(s, 1) kept, taken
 * off the list. */
static inline struct ipc_sconn *owed_take(struct ipc_server *s)
{
    struct ipc_sconn *c = s->nnotify ? s->notify[0] : NULL;

    s->nnotify = 0;
    if (c)
        c->notify = 0;
    return c;
}

/* run_single's way to serve c->staged: serve_one, with the counts added
 * up first (a handler may read them). Returns whether c is owed a
 * notification, which run_single keeps itself instead of in s's list. */
static int serve_staged(struct ipc_server *s, struct ipc_sconn *c, struct loop_counts *n)
{
    int owed;

    counts_flush(s, n);
    serve_one(s, c);
    owed = c->notify;
    c->notify = 0;
    s->nnotify = 0; /* (it listed at most c) */
    return owed;
}

/* The loop for one connection that does not poll: a private server's usual
 * case, and the round trip DESIGN §7 measures. The protocol is the general
 * loop's, with server_awake 0 throughout, so the client notifies every
 * request it publishes: the tail is read once per wake, and a request that
 * lands after that read leaves a pending bit, which ends the next wait at
 * once. The work is done in place: a request's first two words are read
 * straight from its slot and an IPC_OP_NULL is answered from them; anything
 * else is copied out (ring_copy_in) and given to serve_one, which looks only
 * at the copy. Whether c's client is owed a notification lives in a
 * register (owed), not in c->notify and s's list. Returns for what the
 * general loop must see: a control event (a second connection, say) or
 * stop. */
static __attribute__((noinline, optimize("omit-frame-pointer"))) void
run_single(struct ipc_server *s, struct ipc_sconn *c)
{
    struct loop_counts n = {0};
    int owed = c->notify; /* (s's list holds at most c) */

    c->notify = 0;
    s->nnotify = 0;
    for (;;) {
        uint32_t avail, ctl;
        int ran;

        /* A request staged by the general loop, or one that found the
         * completion ring full last time. */
        if (__builtin_expect(c->staged_ok, 0)) {
            if (!cpl_room(c))
                goto sleep;
            owed |= serve_staged(s, c, &n);
            if (s->stop)
                goto out;
        }
        /* One read of the tail per wake (tail_seen is left alone, and reset
         * on the way out), and of the control ring's, under one fence. */
        avail = __atomic_load_n(c->req.tail, __ATOMIC_RELAXED);
        ctl = __atomic_load_n(&s->ctl->seq.value, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (ctl != s->ctl_next) /* (only the general loop moves ctl_next) */
            goto out;
        avail -= c->req.next;
        if (__builtin_expect(avail - 1 >= RING_SLOTS, 0)) { /* none, or corrupt */
            c->rejected += avail != 0;
            c->hdr->rejected = (uint32_t)c->rejected;
            goto sleep;
        }
        /* Serve what there is, while there is room to answer. */
        for (; avail; avail--) {
            const volatile struct ipc_slot *in = &c->req.slot[c->req.next & RING_MASK];
            const volatile ring_word_t *w = (const volatile ring_word_t *)in;
            uint64_t w0, w1;

            if (!cpl_room(c))
                break;
            w0 = w[0];
            w1 = w[1];
            if ((w0 << 48) == 0) { /* opcode IPC_OP_NULL */
                answer_null(c, w0, w1);
                n.served++;
                owed = 1;
                continue;
            }
            ring_copy_in(&c->staged, in);
            ring_pop_commit(&c->req);
            c->staged_ok = 1;
            owed |= serve_staged(s, c, &n);
            if (s->stop)
                goto out;
        }
    sleep:
        ran = server_sleep(s, owed ? c : NULL, &n);
        owed = 0;
        if (__builtin_expect(ran, 0)) {
            if (s->stop)
                goto out;
            /* The event handler may have answered with ipc_reply. */
            owed = c->notify;
            c->notify = 0;
            s->nnotify = 0;
        }
    }
out:
    /* Later requests of a second connection are ordered after these. */
    c->last_ts = ipc_now();
    c->req.tail_seen = c->req.next; /* unknown: the next pop reads the tail */
    counts_flush(s, &n);
    if (owed) /* into the general list, which is empty */
        want_notify(s, c);
}

static long server_start(struct ipc_server *s, const struct ipc_handlers *h)
{
    struct sysret2 r;
    unsigned vector = h->vector;

    if (!h->name || !h->request || vector >= CHIME_UINTR_VECTORS)
        return CHIME_EINVAL;
    memset(s, 0, sizeof(*s));
    s->h = h;
    s->vector_bit = 1ull << vector;
    /* The loop takes its bits with uintr_wait: keep a handler (if the
     * program has one) from stealing them. */
    if (uintr_state_page())
        uintr_disable();
    uintr_self.syscalls++;
    r = syscall3_2(SYS_IPC_SERVE, (long)h->name, (long)strlen(h->name), vector);
    if (r.a0 < 0)
        return r.a0;
    s->service = (int32_t)r.a0;
    s->ctl = (struct ipc_ctl_page *)(uintptr_t)r.a1;
    s->ctl_next = 0; /* the page starts at seq 0: a client may be marked already */
    if (h->poll_ns != IPC_POLL_NEVER && libos_nharts() > 1) {
        uint64_t ns = h->poll_ns ? h->poll_ns : IPC_POLL_NS_DEFAULT;

        s->poll_ticks = ns * libos_info()->timebase_hz / 1000000000ull;
        if (!s->poll_ticks)
            s->poll_ticks = 1;
    }
    return 0;
}

/* After ipc_server_stop: answer what is owed, unpublish the name, drop every
 * connection (their clients see closed and fail with CHIME_EPIPE). */
static void server_stop(struct ipc_server *s)
{
    notify_clients(s, 0);
    srv_syscall1(SYS_HANDLE_CLOSE, s->service);
    while (s->nconns)
        conn_remove(s, s->conns[s->nconns - 1]->handle);
    free(s->conns);
    free(s->notify);
    free(s->by_handle);
}

long ipc_server_run(const struct ipc_handlers *h)
{
    struct ipc_server s;
    struct ipc_server *outer = current;
    struct loop_counts cnt = {0};
    uint64_t idle_since = 0;
    long r = server_start(&s, h);

    if (r < 0)
        return r;
    current = &s;
    while (!s.stop) {
        uint32_t n = 0;

        if (__atomic_load_n(&s.ctl->seq.value, __ATOMIC_ACQUIRE) != s.ctl_next)
            n = ctl_events(&s);
        if (!s.poll_ticks && s.nconns == 1) {
            run_single(&s, s.conns[0]);
            continue;
        }
        n += serve_batch(&s);
        if (!s.poll_ticks) {
            /* One hart: nobody can add work while we run, and a request
             * that comes later is notified (server_awake stays 0), so sleep
             * right away, carrying the last client notification along. */
            if (s.nnotify > 1)
                notify_clients(&s, 1);
            server_sleep(&s, owed_take(&s), &cnt);
            counts_flush(&s, &cnt);
            continue;
        }
        if (s.nnotify)
            notify_clients(&s, 0);
        if (n) {
            idle_since = 0;
            continue;
        }
        {
            uint64_t now = ipc_now();

            if (!idle_since)
                idle_since = now;
            if (now - idle_since < s.poll_ticks) {
                if (!s.awake)
                    set_awake(&s, 1);
                continue;
            }
            idle_since = 0;
        }
        /* Going to sleep: from here clients must notify. Clear the flag,
         * then look once more (the other half of the handshake in
         * ipc_client.c). */
        if (s.awake) {
            set_awake(&s, 0);
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            if (any_ready(&s))
                continue;
        }
        server_sleep(&s, owed_take(&s), &cnt);
        counts_flush(&s, &cnt);
    }
    server_stop(&s);
    current = outer;
    return 0;
}
