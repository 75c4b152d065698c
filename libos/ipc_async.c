/* libos IPC, client side: asynchronous requests (ipc_queue, ipc_submit) and
 * their completions, which run callbacks wherever they are taken: in the
 * thread's uintr handler (ipc_client_dispatch), in ipc_poll / ipc_wait, or
 * inside a synchronous call that finds them on the way (ipc_call.c). */
#include "ipc_client.h"

#include <string.h>

#include "libos.h"

/* Hand one popped completion that is not the awaited synchronous reply to
 * its asynchronous request; completions with tags we did not hand out (stale,
 * duplicated, invented by the server) are counted and dropped. */
void ipc_complete_async(struct ipc_conn *c, const struct ipc_slot *cpl)
{
    long i = ring_tag_find(&c->tags, cpl->tag);
    struct ipc_pending p;

    if (i < 0) {
        c->dropped++;
        return;
    }
    p = c->pend[i];
    ring_tag_free(&c->tags, (uint32_t)i);
    c->inflight--;
    c->async--;
    c->completed++;
    ipc_thread_async--;
    if (p.cb)
        p.cb(c, cpl, p.ctx);
}

void ipc_fail_async(struct ipc_conn *c)
{
    for (uint32_t i = 0; i < RING_SLOTS && c->async; i++) {
        struct ipc_slot cpl;

        if ((c->tags.free >> i) & 1u)
            continue;
        memset(&cpl, 0, sizeof(cpl));
        cpl.tag = (c->tags.gen[i] << RING_TAG_BITS) | i;
        cpl.result = CHIME_EPIPE;
        ipc_complete_async(c, &cpl);
    }
}

/* Run the completions waiting now; returns how many. */
static long take_ready(struct ipc_conn *c)
{
    struct ipc_slot cpl;
    long n = 0;

    while (ring_pop(&c->cpl, &cpl) == 0) {
        ipc_complete_async(c, &cpl);
        n++;
    }
    return n;
}

long ipc_take_all(struct ipc_conn *c)
{
    long n = take_ready(c);

    if (c->async && ipc_closed(c)) {
        /* Anything the server pushed before it went is in by now (the
         * kernel sets closed after the server's last store). */
        n += take_ready(c);
        n += c->async;
        ipc_fail_async(c);
    }
    return n;
}

long ipc_queue(struct ipc_conn *c, const struct ipc_slot *req, ipc_callback_t cb, void *ctx)
{
    volatile struct ipc_slot *s;
    unsigned was;
    long tag;

    if (ipc_closed(c))
        return CHIME_EPIPE;
    was = ipc_mask();
    /* A completion left in place by ipc_call_end would keep the server
     * from answering the last of RING_SLOTS requests. */
    ring_release(&c->cpl);
    s = ring_push_begin(&c->req);
    if (!s || c->inflight >= RING_SLOTS) {
        uintr_restore(was);
        return s ? CHIME_EAGAIN : ring_space(&c->req) < 0 ? CHIME_ERANGE : CHIME_EAGAIN;
    }
    tag = ring_tag_alloc(&c->tags);
    if (tag < 0) {
        uintr_restore(was);
        return tag;
    }
    c->pend[RING_TAG_INDEX((uint32_t)tag)] = (struct ipc_pending){cb, ctx};
    ring_copy_out(s, req);
    s->tag = (uint32_t)tag;
    s->timestamp = ipc_now();
    ring_push_commit(&c->req);
    c->inflight++;
    c->async++;
    ipc_thread_async++;
    uintr_restore(was);
    return tag;
}

long ipc_flush(struct ipc_conn *c)
{
    long r;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (c->hdr->server_awake.value)
        return 0;
    r = uipi_send(c->send_index);
    return r < 0 ? r : 0;
}

long ipc_submit(struct ipc_conn *c, const struct ipc_slot *req, ipc_callback_t cb, void *ctx)
{
    long tag = ipc_queue(c, req, cb, ctx);
    long r;

    if (tag < 0)
        return tag;
    r = ipc_flush(c);
    return r < 0 ? r : tag;
}

long ipc_poll(struct ipc_conn *c)
{
    unsigned was = ipc_mask();
    long n = ipc_take_all(c);

    uintr_restore(was);
    if (n == 0 && ipc_closed(c))
        return CHIME_EPIPE;
    return n;
}

long ipc_wait(struct ipc_conn *c, uint64_t timeout_ns)
{
    uint64_t start = ipc_now();
    uint64_t limit = ipc_ticks_of_ns(timeout_ns);

    for (;;) {
        unsigned was = ipc_mask();
        uint64_t spent, left_ns, bits;
        long st;

        ipc_take_all(c);
        if (c->completed != c->completed_seen) {
            long n = (long)(c->completed - c->completed_seen);

            c->completed_seen = c->completed;
            uintr_restore(was);
            return n;
        }
        if (ipc_closed(c) || !c->async) {
            uintr_restore(was);
            return c->async ? CHIME_EPIPE : ipc_closed(c) ? CHIME_EPIPE : 0;
        }
        spent = ipc_now() - start;
        if (spent >= limit) {
            uintr_restore(was);
            return CHIME_ETIMEDOUT;
        }
        left_ns = timeout_ns == CHIME_FOREVER
                      ? CHIME_FOREVER
                      : (limit - spent) * 1000000000ull / libos_info()->timebase_hz + 1;
        st = uintr_wait(left_ns, &bits);
        uintr_restore(was);
        if (st >= 0)
            uintr_repost(bits & ~(1ull << c->vector));
        else if (st != CHIME_ETIMEDOUT && st != CHIME_EINTR)
            return st;
    }
}

long ipc_drain(struct ipc_conn *c, uint64_t timeout_ns)
{
    while (c->async) {
        long r = ipc_wait(c, timeout_ns);

        if (r < 0)
            return r;
    }
    return 0;
}

unsigned ipc_inflight(const struct ipc_conn *c)
{
    return c->async;
}

void ipc_client_dispatch(uint64_t bits)
{
    for (struct ipc_conn *c = ipc_thread_conns; c; c = c->next)
        if (c->async && ((bits >> c->vector) & 1u))
            ipc_take_all(c);
}

void ipc_client_handler(uint64_t bits)
{
    ipc_client_dispatch(bits);
}
