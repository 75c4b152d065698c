/* libos IPC, server side: serving. srv_run_single serves one connection in
 * place (the measured round trip); otherwise a batch stages (copies out once) the
 * oldest request of every connection that has one and room for its
 * completion, serves the staged request with the smallest timestamp, and
 * repeats until none is left; then the clients that got completions are
 * told, unless they poll (client_awake). */
#include "ipc_server.h"

/* stage_request, and give the staged request the timestamp it is ordered by. */
static int stage_in_order(struct ipc_sconn *c, uint64_t now)
{
    uint64_t ts;

    if (c->staged_ok)
        return 1;
    if (!stage_request(c))
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

/* Serve c's staged request and push its completion (space was reserved by
 * stage_request). IPC_OP_NULL is answered in place in the ring; other completions are
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

        fill_null(ring_prod_slot(&c->cpl), w[0], w[1]);
        ring_push_commit(&c->cpl);
        owe(s, c);
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
            owe(s, c);
        else
            s->rejected++;
    }
}

/* Serve requests across connections in timestamp order until none is left.
 * Returns how many were served. */
uint32_t srv_serve_batch(struct ipc_server *s)
{
    uint64_t now = ipc_now();
    uint32_t n = 0;

    if (s->nconns == 1) {
        /* One connection: its ring order is the order. Later stages
         * clamp to now, as if every request served here had said now. */
        struct ipc_sconn *c = s->conns[0];

        while (stage_request(c)) {
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

            if (stage_in_order(c, now) && (!best || c->staged.timestamp < best->staged.timestamp))
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
    return ring_prod_unread(&c->cpl);
}

/* Notify the clients owed a notification, except the last `keep` of them
 * (the caller fuses that one with its wait). A client polling its ring
 * (client_awake), or one that already took every completion, needs no
 * notification. */
void srv_notify_clients(struct ipc_server *s, uint32_t keep)
{
    uint32_t i;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (i = 0; i + keep < s->nowed; i++) {
        struct ipc_sconn *c = s->owed[i];

        c->owed = 0;
        if (!c->hdr->client_awake.value && completions_unread(c)) {
            uipi_send(c->reply_index);
            s->notified++;
        }
    }
    if (keep && s->nowed) {
        s->owed[0] = s->owed[s->nowed - 1];
        s->nowed = 1;
    } else {
        s->nowed = 0;
    }
}

long ipc_reply(struct ipc_sconn *c, const struct ipc_slot *cpl)
{
    struct ipc_server *s = ipc_current_server;
    long r = ring_push(&c->cpl, cpl);

    if (r < 0)
        return r;
    if (s)
        owe(s, c);
    else if (!c->hdr->client_awake.value)
        uipi_send(c->reply_index);
    return 0;
}

/* srv_run_single's way to serve c->staged: serve_one, with the counts added
 * up first (a handler may read them). Returns whether c is owed a
 * notification, which srv_run_single keeps itself instead of in s's list. */
static int serve_staged(struct ipc_server *s, struct ipc_sconn *c, struct loop_counts *n)
{
    counts_flush(s, n);
    serve_one(s, c);
    return owed_claim(s, c);
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
 * register (owed_claim), not in c->owed and s's list. Returns for what the
 * general loop must see: a control event (a second connection, say) or
 * stop. */
__attribute__((noinline, optimize("omit-frame-pointer"))) void srv_run_single(struct ipc_server *s,
                                                                              struct ipc_sconn *c)
{
    struct loop_counts n = {0};
    int owed = owed_claim(s, c);

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
        avail = ring_load_pair(&c->req, &s->ctl->seq.value, &ctl);
        if (ctl != s->ctl_next) /* (only the general loop moves ctl_next) */
            goto out;
        if (__builtin_expect(!ring_some_valid(avail), 0)) { /* none, or corrupt */
            sconn_reject(c, avail != 0);
            goto sleep;
        }
        /* Serve what there is, while there is room to answer. */
        for (; avail; avail--) {
            const volatile struct ipc_slot *in = ring_cons_slot(&c->req);
            const volatile ring_word_t *w = (const volatile ring_word_t *)in;
            uint64_t w0, w1;

            if (!cpl_room(c))
                break;
            w0 = w[0];
            w1 = w[1];
            if (word0_opcode_is(w0, IPC_OP_NULL)) {
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
            owed = owed_claim(s, c);
        }
    }
out:
    /* Later requests of a second connection are ordered after these. */
    c->last_ts = ipc_now();
    ring_forget_tail(&c->req); /* we read the tail ourselves */
    counts_flush(s, &n);
    if (owed) /* into the general list, which is empty */
        owe(s, c);
}
