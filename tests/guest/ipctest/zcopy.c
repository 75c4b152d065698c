/* zcopy: zero-copy synchronous calls (ipc_call_begin / ipc_call_end).
 *   the request is built in the shared request ring and the reply read in
 *   the shared completion ring, and the answers are right;
 *   a thousand calls in a row (the ring wraps many times: each call gives
 *   back the completion the previous one left in place);
 *   a completion left in place does not cost the 64th asynchronous request
 *   its completion slot;
 *   a full ring, a handler to mask, or a slot that is not the ring's: the
 *   call still works, on the copying path;
 *   the server killed: the reply says CHIME_EPIPE, no hang. */
#include <signal.h>
#include <string.h>

#include <chime/proto/echo.h>

#include "ipctest.h"
#include "libos/libos.h"
#include "libos/syscall.h"
#include "libos/uintr.h"

/* Is p inside c's shared buffer? */
static int in_buffer(const struct ipc_conn *c, const void *p)
{
    return (uintptr_t)p - (uintptr_t)c->hdr < c->size;
}

/* One in-place ECHO_OP_ECHO of the len bytes at data offset off (checksum
 * only), tagged with aux. Returns the reply; *rq_out is where the request
 * was built. */
static const struct ipc_slot *echo_in_place(struct ipc_conn *c, uint64_t off, uint64_t len,
                                            uint32_t aux, struct ipc_slot **rq_out)
{
    struct ipc_slot *rq = ipc_call_begin(c);

    *rq = (struct ipc_slot){
        .opcode = ECHO_OP_ECHO, .data = off, .length = len, .offset = ECHO_NO_COPY, .aux = aux};
    if (rq_out)
        *rq_out = rq;
    return ipc_call_end(c, rq);
}

static int echo_ok(const struct ipc_slot *r, uint64_t len, uint64_t sum, uint32_t aux)
{
    return r->result == (int64_t)len && r->arg == sum && r->aux == aux;
}

static volatile unsigned async_done;
static volatile unsigned async_bad;

static void async_cb(struct ipc_conn *c, const struct ipc_slot *cpl, void *ctx)
{
    async_done++;
    async_bad += cpl->result != 0;
}

static void in_place(struct ipc_conn *c)
{
    uint8_t *data = ipc_data(c);
    struct ipc_slot *rq;
    const struct ipc_slot *r;
    uint64_t sum;
    int bad = 0;

    for (unsigned i = 0; i < 512; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    sum = echo_checksum(data, 512);
    r = echo_in_place(c, 0, 512, 77, &rq);
    tap(in_buffer(c, rq), "zcopy: the request is built in the shared buffer");
    tap(in_buffer(c, r), "zcopy: the reply is read in the shared buffer");
    tap(echo_ok(r, 512, sum, 77), "zcopy: the reply is right (result %lld)", (long long)r->result);

    /* Every call gives the previous completion back: 1000 > RING_SLOTS. */
    for (uint32_t i = 0; i < 1000 && !bad; i++) {
        uint64_t len = i % 300;

        r = echo_in_place(c, i % 64, len, i, NULL);
        bad = !echo_ok(r, len, echo_checksum(data + i % 64, len), i) || !in_buffer(c, r);
    }
    tap(!bad, "zcopy: 1000 calls in a row, every reply right and in place");

    /* A completion left in place, then RING_SLOTS asynchronous requests:
     * every one of them needs a completion slot. */
    r = echo_in_place(c, 0, 16, 1, NULL);
    async_done = async_bad = 0;
    for (unsigned i = 0; i < RING_SLOTS; i++)
        if (ipc_queue(c, &(struct ipc_slot){.opcode = IPC_OP_NULL}, async_cb, NULL) < 0)
            async_bad++;
    ipc_flush(c);
    tap(ipc_drain(c, 5000000000ull) >= 0 && async_done == RING_SLOTS && !async_bad,
        "zcopy: after an in-place reply, %u queued requests all complete (%u)", RING_SLOTS,
        async_done);
    r = echo_in_place(c, 0, 16, 2, NULL);
    tap(echo_ok(r, 16, echo_checksum(data, 16), 2), "zcopy: in-place call after the batch");
}

/* Off the fast path: a full ring, a handler, a private request slot. */
static void copying(struct ipc_conn *c)
{
    const uint8_t *data = ipc_data(c);
    struct ipc_slot *rq, mine;
    const struct ipc_slot *r;

    async_done = async_bad = 0;
    for (unsigned i = 0; i < RING_SLOTS; i++)
        ipc_queue(c, &(struct ipc_slot){.opcode = IPC_OP_NULL}, async_cb, NULL);
    ipc_flush(c);
    r = echo_in_place(c, 0, 8, 3, &rq);
    /* On one hart the server cannot run before we block; on more, it polls
     * and may have made room already. */
    if (libos_nharts() == 1)
        tap(!in_buffer(c, rq), "zcopy: a full ring: the request is built in a private slot");
    else
        tap_skip("zcopy: a full ring: a private slot", "the server may have made room");
    tap(echo_ok(r, 8, echo_checksum(data, 8), 3) && async_done == RING_SLOTS && !async_bad,
        "zcopy: ... and the call waits for room and works (%u callbacks)", async_done);

    tap(uintr_register_handler(ipc_client_handler, 0) == 0, "zcopy: register a handler");
    r = echo_in_place(c, 0, 8, 4, NULL);
    tap(echo_ok(r, 8, echo_checksum(data, 8), 4) && !in_buffer(c, r),
        "zcopy: with a handler to mask: a private reply, right");
    uintr_unregister_handler(0);

    mine = (struct ipc_slot){.opcode = ECHO_OP_ECHO, .length = 8, .offset = ECHO_NO_COPY, .aux = 5};
    (void)ipc_call_begin(c);
    r = ipc_call_end(c, &mine);
    tap(echo_ok(r, 8, echo_checksum(data, 8), 5), "zcopy: a slot of the caller's own is sent too");
    r = echo_in_place(c, 0, 8, 6, NULL);
    tap(echo_ok(r, 8, echo_checksum(data, 8), 6) && in_buffer(c, r),
        "zcopy: ... and the next call is in place again");
}

int test_zcopy(int argc, char **argv)
{
    struct ipc_conn *c;
    const struct ipc_slot *r;
    pid_t srv = echo_start("t-zcopy", 0, &c, 0, IPC_CONNECT_NOPOLL);

    if (srv < 0)
        return 1;
    in_place(c);
    copying(c);
    proc_stop(srv);
    r = echo_in_place(c, 0, 8, 7, NULL);
    tap(r->result == CHIME_EPIPE, "zcopy: the server killed: the reply is EPIPE (%lld)",
        (long long)r->result);
    r = echo_in_place(c, 0, 8, 8, NULL);
    tap(r->result == CHIME_EPIPE, "zcopy: ... and stays EPIPE");
    ipc_disconnect(c);
    return 0;
}
