/* libos IPC, client side: connect, synchronous calls, asynchronous requests
 * with completion callbacks, lends.
 *
 * Notification protocol (the server side mirrors it, see ipc_server.c):
 *
 *   client                               server
 *   push request; release req_tail       server_awake = 0 before sleeping
 *   fence                                fence
 *   if !server_awake: uipi_send          re-check every request ring, then wait
 *
 * Either the client sees server_awake == 0 and notifies (pending bits are
 * sticky, so a notification sent just before the server's wait makes that wait
 * return at once), or the server's re-check sees the new tail. No wakeup is
 * lost. Completions use the same pattern with client_awake.
 *
 * Delivery is masked (uintr_disable, one store) while a call checks the
 * completion ring and waits: otherwise the thread's handler could take the
 * notification between the check and the wait, and the wait would sleep on a
 * completion that had already arrived. */
#include "ipc.h"

#include <stdlib.h>
#include <string.h>

#include <chime/layout.h>

#include "libos.h"
#include "syscall.h"
#include "uintr.h"

/* This thread's connections, for ipc_client_dispatch, and how many
 * asynchronous requests it has in flight over all of them. */
static __thread struct ipc_conn *thread_conns;
static __thread unsigned thread_async;

/* Mask delivery while touching state the handler also touches (rings,
 * tags). A thread without a handler has nothing to mask. */
static inline unsigned mask(void)
{
    return uintr_self.handler ? uintr_disable() : 0;
}

static long ipc_syscall1(long n, long a)
{
    uintr_self.syscalls++;
    return syscall1(n, a);
}

/* rdtime ticks in ns nanoseconds (not on any fast path: it divides). */
static uint64_t ticks_of_ns(uint64_t ns)
{
    uint64_t hz = libos_info()->timebase_hz;

    if (ns == CHIME_FOREVER)
        return ~0ull;
    return ns / 1000000000ull * hz + ns % 1000000000ull * hz / 1000000000ull;
}

static uint64_t default_poll_ticks(unsigned flags)
{
    if (flags & IPC_CONNECT_NOPOLL)
        return 0;
    if (!(flags & IPC_CONNECT_POLL) && libos_nharts() <= 1)
        return 0;
    return ticks_of_ns(IPC_POLL_NS_DEFAULT);
}

long ipc_connect(struct ipc_conn **out, const char *name, size_t size, unsigned flags)
{
    unsigned vsel = flags & IPC_CONNECT_VECTOR_MASK;
    unsigned vector = vsel ? vsel - 1 : IPC_CLIENT_VECTOR;
    struct ipc_conn_info info;
    struct ipc_conn *c;
    uint8_t *buf;
    long h;

    if (!size)
        size = CHIME_IPC_BUF_DEFAULT;
    /* Reposting bits (ipc_call) needs our state page: learn it now. */
    if (!uintr_state_page())
        return CHIME_ENOMEM;
    c = calloc(1, sizeof(*c));
    if (!c)
        return CHIME_ENOMEM;
    memset(&info, 0, sizeof(info));
    uintr_self.syscalls++;
    h = syscall5(SYS_IPC_CONNECT, (long)name, (long)strlen(name), (long)size, vector, (long)&info);
    if (h < 0) {
        free(c);
        return h;
    }
    if (!info.buffer || info.size < CHIME_IPC_BUF_MIN || info.size > CHIME_IPC_BUF_MAX) {
        ipc_syscall1(SYS_IPC_DISCONNECT, h);
        free(c);
        return CHIME_EINVAL;
    }
    buf = (uint8_t *)(uintptr_t)info.buffer;
    c->hdr = (struct ipc_header *)buf;
    c->size = info.size;
    c->data = buf + IPC_DATA_OFFSET;
    c->data_size = info.size - IPC_DATA_OFFSET;
    ring_prod_init(&c->req, buf + IPC_REQ_OFFSET, &c->hdr->req_tail, &c->hdr->req_head, 0);
    ring_cons_init(&c->cpl, buf + IPC_CPL_OFFSET, &c->hdr->cpl_tail, &c->hdr->cpl_head, 0);
    ring_tags_init(&c->tags);
    c->send_index = info.send_index;
    c->handle = (int32_t)h;
    c->vector = vector;
    c->others = ~(1ull << vector);
    c->poll_ticks = default_poll_ticks(flags);
    c->next = thread_conns;
    /* c is complete before the handler can find it through the list. */
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    thread_conns = c;
    *out = c;
    return 0;
}

long ipc_connect_wait(struct ipc_conn **out, const char *name, size_t size, unsigned flags,
                      uint64_t timeout_ns)
{
    uint64_t waited = 0;
    const uint64_t step = 1000000; /* 1 ms */

    for (;;) {
        long r = ipc_connect(out, name, size, flags);

        if (r != CHIME_ENOENT || waited >= timeout_ns)
            return r;
        ipc_syscall1(SYS_SLEEP, step);
        waited += step;
    }
}

/* Hand one popped completion that is not the awaited synchronous reply to
 * its asynchronous request; completions with tags we did not hand out (stale,
 * duplicated, invented by the server) are counted and dropped. */
static void complete_async(struct ipc_conn *c, const struct ipc_slot *cpl)
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
    thread_async--;
    if (p.cb)
        p.cb(c, cpl, p.ctx);
}

/* Complete every asynchronous request still in flight with CHIME_EPIPE
 * (the connection is closed: their completions can never come). */
static void fail_async(struct ipc_conn *c)
{
    for (uint32_t i = 0; i < RING_SLOTS && c->async; i++) {
        struct ipc_slot cpl;

        if ((c->tags.free >> i) & 1u)
            continue;
        memset(&cpl, 0, sizeof(cpl));
        cpl.tag = (c->tags.gen[i] << RING_TAG_BITS) | i;
        cpl.result = CHIME_EPIPE;
        complete_async(c, &cpl);
    }
}

/* Pop every completion waiting; returns how many. Delivery is masked. */
static long drain(struct ipc_conn *c)
{
    struct ipc_slot cpl;
    long n = 0;

    while (ring_pop(&c->cpl, &cpl) == 0) {
        complete_async(c, &cpl);
        n++;
    }
    if (c->async && ipc_closed(c)) {
        /* Anything the server pushed before it went is in by now (the
         * kernel sets closed after the server's last store). */
        while (ring_pop(&c->cpl, &cpl) == 0) {
            complete_async(c, &cpl);
            n++;
        }
        n += c->async;
        fail_async(c);
    }
    return n;
}

/* Multi-hart calls poll for a while first: with client_awake set, a polling
 * server pushes the completion without a syscall on either side. Returns 1
 * when the reply arrived (*r = its result), 0 to go on and sleep (with
 * client_awake cleared and fenced, so the caller's re-check is valid). */
static int call_poll(struct ipc_conn *c, uint32_t tag, struct ipc_slot *reply, int notify, long *r)
{
    struct ipc_header *h = c->hdr;
    uint64_t deadline = ipc_now() + c->poll_ticks;

    h->client_awake.value = 1;
    if (notify)
        uipi_send(c->send_index);
    do {
        if (ring_pop(&c->cpl, reply) == 0) {
            if (reply->tag == tag) {
                h->client_awake.value = 0;
                *r = reply->result;
                return 1;
            }
            complete_async(c, reply);
            continue;
        }
        if (h->closed.value)
            break;
    } while (ipc_now() < deadline);
    h->client_awake.value = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return 0;
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
        if (drain(c))
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

static long call_fail(struct ipc_slot *reply, long err)
{
    reply->result = err;
    return err;
}

/* Give back what a wait took beyond this call's own bit (see give_back). */
static inline void give_back(const struct ipc_conn *c, uint64_t bits);

/* The tag of a synchronous request: its position in the request ring, so
 * a late or repeated reply to an earlier call never matches a later one. */
static inline uint32_t sync_tag(const struct ipc_conn *c)
{
    return RING_TAG_SYNC | (c->req.next & ~RING_TAG_SYNC);
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
        if (call_poll(c, tag, reply, notify, &r))
            goto done;
        notify = 0;
    }
    for (;;) {
        uint64_t bits;
        long st;

        r = ring_pop(&c->cpl, reply);
        if (r == 0) {
            if (reply->tag == tag) {
                r = reply->result;
                break;
            }
            complete_async(c, reply);
            continue;
        }
        if (r == CHIME_ERANGE || h->closed.value) {
            r = call_fail(reply, r == CHIME_ERANGE ? r : CHIME_EPIPE);
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

/* The general synchronous call: masks the handler while it waits, waits for
 * room in a full ring, polls first on several harts. */
static __attribute__((noinline)) long call_general(struct ipc_conn *c, const struct ipc_slot *req,
                                                   struct ipc_slot *reply)
{
    volatile struct ipc_slot *s;
    unsigned was;
    uint32_t tag;
    long r;

    if (ipc_closed(c))
        return call_fail(reply, CHIME_EPIPE);
    was = mask();
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

/* Bits a wait took that were not for this call go back to the thread:
 * other vectors, and ours too when asynchronous requests of this thread
 * may have completed (their callbacks run in the handler or a later wait). */
static inline void give_back(const struct ipc_conn *c, uint64_t bits)
{
    bits &= c->others;
    if (__builtin_expect(bits != 0 || thread_async != 0, 0))
        uintr_repost(bits | (thread_async ? 1ull << c->vector : 0));
}

/* ipc_call_begin when the head it last read says the ring is full:
 * ring_push_begin reads it again. */
struct ipc_slot *ipc_call_begin_slow(struct ipc_conn *c)
{
    volatile struct ipc_slot *s = ring_push_begin(&c->req);

    return s ? (struct ipc_slot *)s : &c->scratch;
}

/* ipc_call_end off the fast path: call_general on the request in rq (the
 * ring slot itself, or c->scratch), the reply copied into c->reply. */
static __attribute__((noinline)) const struct ipc_slot *call_end_general(struct ipc_conn *c,
                                                                         const struct ipc_slot *rq)
{
    call_general(c, rq, &c->reply);
    return &c->reply;
}

/* ipc_call_end after its wait when the reply was not simply there: the
 * wait failed, took bits of other vectors, or found another completion or
 * none. Returns the reply, copied into c->reply. */
static __attribute__((noinline)) const struct ipc_slot *
call_end_slow(long st, uint64_t bits, struct ipc_conn *c, uint32_t tag)
{
    if (st >= 0) {
        give_back(c, bits);
        if (ring_pop(&c->cpl, &c->reply) == 0) {
            if (c->reply.tag == tag)
                return &c->reply;
            /* A stale or invented tag (nothing else is in flight). */
            complete_async(c, &c->reply);
        }
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
 * releases it). Anything else goes to call_general or call_end_slow, both
 * tail calls, so the fast path keeps only c in a saved register. A closed
 * connection needs no test here: the wait fails or finds nothing, and
 * call_wait sees closed. */
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
        return call_end_general(c, rq);
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

    if (__builtin_expect(st >= 0 && ((bits & c->others) | thread_async) == 0, 1)) {
        if (__builtin_expect(ring_peek(&c->cpl, &cpl) && cpl->tag == tag, 1)) {
            ring_take(&c->cpl); /* in place until the next call releases it */
            return (const struct ipc_slot *)cpl;
        }
    }
    return call_end_slow(st, bits, c, tag);
}

long ipc_call(struct ipc_conn *c, const struct ipc_slot *req, struct ipc_slot *reply)
{
    struct ipc_slot *rq = ipc_call_begin(c);

    ring_copy_out(rq, req);
    ring_copy_in(reply, ipc_call_end(c, rq));
    return reply->result;
}

long ipc_queue(struct ipc_conn *c, const struct ipc_slot *req, ipc_callback_t cb, void *ctx)
{
    volatile struct ipc_slot *s;
    unsigned was;
    long tag;

    if (ipc_closed(c))
        return CHIME_EPIPE;
    was = mask();
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
    thread_async++;
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
    unsigned was = mask();
    long n = drain(c);

    uintr_restore(was);
    if (n == 0 && ipc_closed(c))
        return CHIME_EPIPE;
    return n;
}

long ipc_wait(struct ipc_conn *c, uint64_t timeout_ns)
{
    uint64_t start = ipc_now();
    uint64_t limit = ticks_of_ns(timeout_ns);

    for (;;) {
        unsigned was = mask();
        uint64_t spent, left_ns, bits;
        long st;

        drain(c);
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
    for (struct ipc_conn *c = thread_conns; c; c = c->next)
        if (c->async && ((bits >> c->vector) & 1u))
            drain(c);
}

void ipc_client_handler(uint64_t bits)
{
    ipc_client_dispatch(bits);
}

long ipc_disconnect(struct ipc_conn *c)
{
    unsigned was = mask();
    struct ipc_conn **pp;
    long r;

    for (pp = &thread_conns; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    /* Whatever arrived is still theirs; the rest can never complete. */
    drain(c);
    r = ipc_syscall1(SYS_IPC_DISCONNECT, c->handle);
    fail_async(c);
    uintr_restore(was);
    free(c);
    return r;
}

long ipc_lend(struct ipc_conn *c, const void *va, size_t len, unsigned prot)
{
    uintr_self.syscalls++;
    return syscall4(SYS_IPC_LEND, c->handle, (long)va, (long)len, prot);
}

long ipc_unlend(struct ipc_conn *c, uint64_t server_va)
{
    uintr_self.syscalls++;
    return syscall2(SYS_IPC_UNLEND, c->handle, (long)server_va);
}
