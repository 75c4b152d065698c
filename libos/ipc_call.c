/* libos IPC, client side: synchronous calls. ipc_call_end is the fastpath
 * (DESIGN §7); call_masked is every other case, and call_end_missed picks up
 * when the fastpath's wait returned without its reply simply there. */
#include "ipc_client.h"

#include "libos.h"

/* The tag of a synchronous request: its position in the request ring, so
 * a late or repeated reply to an earlier call never matches a later one. */
static inline uint32_t sync_tag(const struct ipc_conn *c)
{
    return RING_TAG_SYNC | (c->req.next & ~RING_TAG_SYNC);
}

static long call_fail(struct ipc_slot *reply, long err)
{
    reply->result = err;
    return err;
}

/* Take completions until the one tagged tag: 1 with it in *reply; 0 when the
 * ring ran empty first, CHIME_ERANGE when its tail is corrupt. Completions of
 * asynchronous requests on the way run their callbacks. */
static int take_until(struct ipc_conn *c, uint32_t tag, struct ipc_slot *reply)
{
    for (;;) {
        long r = ring_pop(&c->cpl, reply);

        if (r)
            return r == CHIME_ERANGE ? (int)r : 0;
        if (reply->tag == tag)
            return 1;
        ipc_complete_async(c, reply);
    }
}

/* Bits a wait took that were not for this call go back to the thread:
 * other vectors, and ours too when asynchronous requests of this thread
 * may have completed (their callbacks run in the handler or a later wait). */
static inline void give_back(const struct ipc_conn *c, uint64_t bits)
{
    bits &= c->others;
    if (__builtin_expect(bits != 0 || ipc_thread_async != 0, 0))
        uintr_repost(bits | (ipc_thread_async ? 1ull << c->vector : 0));
}

/* Multi-hart calls poll for a while first: with client_awake set, a polling
 * server pushes the completion without a syscall on either side. Returns 1
 * when the reply arrived, 0 to go on and sleep (with client_awake cleared
 * and fenced, so the caller's re-check is valid). */
static int call_poll(struct ipc_conn *c, uint32_t tag, struct ipc_slot *reply, int notify)
{
    struct ipc_header *h = c->hdr;
    uint64_t deadline = ipc_now() + c->poll_ticks;

    h->client_awake.value = 1;
    if (notify)
        uipi_send(c->send_index);
    do {
        if (take_until(c, tag, reply) == 1) {
            h->client_awake.value = 0;
            return 1;
        }
        if (h->closed.value)
            break;
    } while (ipc_now() < deadline);
    h->client_awake.value = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return 0;
}

/* Wait for the completion of the synchronous request tagged tag, which is in
 * flight (counted in c->inflight). Notifies the server first when notify is
 * set. Runs other completions' callbacks on the way. Returns the reply's
 * result, or a negative code with reply->result set to it. */
static __attribute__((noinline)) long call_wait(struct ipc_conn *c, uint32_t tag,
                                                struct ipc_slot *reply, int notify)
{
    struct ipc_header *h = c->hdr;
    uint64_t other = 0;
    long r;

    if (c->poll_ticks) {
        if (call_poll(c, tag, reply, notify)) {
            r = reply->result;
            goto done;
        }
        notify = 0;
    }
    for (;;) {
        uint64_t bits;
        long st;
        int got = take_until(c, tag, reply);

        if (got == 1) {
            r = reply->result;
            break;
        }
        if (got < 0 || h->closed.value) {
            r = call_fail(reply, got < 0 ? got : CHIME_EPIPE);
            break;
        }
        if (notify)
            st = uintr_send_wait(c->send_index, CHIME_FOREVER, &bits);
        else
            st = uintr_wait(CHIME_FOREVER, &bits);
        notify = 0;
        if (__builtin_expect(st < 0, 0)) {
            if (st == CHIME_ETIMEDOUT || st == CHIME_EINTR)
                continue;
            /* EPIPE: the server is gone. Anything else: the wait itself
             * failed, and retrying would spin. */
            r = call_fail(reply, st);
            break;
        }
        other |= bits;
    }
done:
    c->inflight--;
    give_back(c, other);
    return r;
}

/* The ring is full or every tag is in use: wait (masked) until a completion
 * frees room. Returns 0 or a negative code. */
static long wait_room(struct ipc_conn *c)
{
    while (c->inflight >= RING_SLOTS || !ring_push_begin(&c->req)) {
        uint64_t bits;
        long st;

        if (ipc_closed(c))
            return CHIME_EPIPE;
        if (c->inflight < RING_SLOTS)
            return CHIME_ERANGE; /* room by our count: the head is corrupt */
        if (ipc_take_all(c))
            continue;
        st = uintr_wait(CHIME_FOREVER, &bits);
        if (st < 0) {
            if (st != CHIME_ETIMEDOUT)
                return st;
        } else {
            uintr_repost(bits & ~(1ull << c->vector));
        }
    }
    return 0;
}

/* A synchronous call in every case the fastpath does not take: masks the
 * handler while it waits, waits for room in a full ring, polls first on
 * several harts. */
static __attribute__((noinline)) long call_masked(struct ipc_conn *c, const struct ipc_slot *req,
                                                  struct ipc_slot *reply)
{
    volatile struct ipc_slot *s;
    unsigned was;
    uint32_t tag;
    long r;

    if (ipc_closed(c))
        return call_fail(reply, CHIME_EPIPE);
    was = ipc_mask();
    s = ring_push_begin(&c->req);
    if (!s || c->inflight >= RING_SLOTS) {
        r = wait_room(c);
        if (r < 0) {
            uintr_restore(was);
            return call_fail(reply, r);
        }
        s = ring_push_begin(&c->req);
    }
    tag = sync_tag(c);
    ring_copy_out(s, req);
    s->tag = tag;
    s->timestamp = ipc_now();
    /* A client about to poll says so before the request is visible: a
     * server fast enough to answer at once must not think it sleeps. */
    if (c->poll_ticks)
        c->hdr->client_awake.value = 1;
    ring_push_commit(&c->req);
    c->inflight++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    r = call_wait(c, tag, reply, c->hdr->server_awake.value == 0);
    uintr_restore(was);
    return r;
}

/* ipc_call_begin when the head it last read says the ring is full:
 * ring_push_begin reads it again. */
struct ipc_slot *ipc_call_begin_slow(struct ipc_conn *c)
{
    volatile struct ipc_slot *s = ring_push_begin(&c->req);

    return s ? (struct ipc_slot *)s : &c->scratch;
}

/* ipc_call_end off the fastpath: call_masked on the request in rq (the
 * ring slot itself, or c->scratch), the reply copied into c->reply. */
static __attribute__((noinline)) const struct ipc_slot *call_end_masked(struct ipc_conn *c,
                                                                        const struct ipc_slot *rq)
{
    call_masked(c, rq, &c->reply);
    return &c->reply;
}

/* ipc_call_end after its wait when the reply was not simply there: the
 * wait failed, took bits of other vectors, or found another completion or
 * none. Returns the reply, copied into c->reply. */
static __attribute__((noinline)) const struct ipc_slot *
call_end_missed(long st, uint64_t bits, struct ipc_conn *c, uint32_t tag)
{
    if (st >= 0) {
        give_back(c, bits);
        /* (Anything else is a stale or invented tag: nothing else is in
         * flight.) */
        if (take_until(c, tag, &c->reply) == 1)
            return &c->reply;
    }
    c->inflight++;
    call_wait(c, tag, &c->reply, 0);
    return &c->reply;
}

/* The fastpath (DESIGN §7): one kernel entry each way. Taken when the
 * thread has no handler to mask and does not poll, nothing else is in
 * flight, and rq is the ring's next slot (which ipc_call_begin returns only
 * when the ring has room for it): it publishes the request,
 * notifies the server and waits in the same uintr_send_wait, and finds the
 * reply first in the completion ring, where it leaves it (the next call
 * releases it). Anything else goes to call_end_masked or call_end_missed,
 * both tail calls, so the fast path keeps only c in a saved register. A
 * closed connection needs no test here: the wait fails or finds nothing,
 * and call_wait sees closed. */
__attribute__((optimize("omit-frame-pointer"))) const struct ipc_slot *
ipc_call_end(struct ipc_conn *c, struct ipc_slot *rq)
{
    struct ipc_header *h = c->hdr;
    volatile struct ipc_slot *s = ring_prod_slot(&c->req);
    const volatile struct ipc_slot *cpl;
    uint32_t tag;
    uint64_t bits;
    long st;

    /* (rq == s: ipc_call_begin found room for it, and only a push, which
     * moves next, takes room away.) */
    if (__builtin_expect((volatile struct ipc_slot *)rq != s ||
                             (c->poll_ticks | c->inflight) != 0 || uintr_self.handler != NULL,
                         0)) {
        ring_release(&c->cpl);
        return call_end_masked(c, rq);
    }
    tag = sync_tag(c);
    s->tag = tag;
    s->timestamp = ipc_now();
    /* Publish the request and give back the completion the last call left
     * in place, under one fence. */
    ring_prod_advance(&c->req);
    ring_publish_pair(ring_pair_of(&c->cpl, &c->req));

    /* No completion can be in the ring yet, and the server notifies us for
     * it (client_awake is 0): wait first, look afterwards. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__builtin_expect(h->server_awake.value == 0, 1)) /* (polling servers: other harts) */
        st = uintr_send_wait(c->send_index, CHIME_FOREVER, &bits);
    else
        st = uintr_wait(CHIME_FOREVER, &bits);

    if (__builtin_expect(st >= 0 && ((bits & c->others) | ipc_thread_async) == 0, 1)) {
        if (__builtin_expect(ring_peek(&c->cpl, &cpl) && cpl->tag == tag, 1)) {
            ring_take(&c->cpl); /* in place until the next call releases it */
            return (const struct ipc_slot *)cpl;
        }
    }
    return call_end_missed(st, bits, c, tag);
}

long ipc_call(struct ipc_conn *c, const struct ipc_slot *req, struct ipc_slot *reply)
{
    struct ipc_slot *rq = ipc_call_begin(c);

    ring_copy_out(rq, req);
    ring_copy_in(reply, ipc_call_end(c, rq));
    return reply->result;
}
