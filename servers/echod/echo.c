/* echo: the example server. Copy this file to start a new one.
 *
 * A Chime server is a program that publishes a name and answers requests
 * that arrive in shared rings (docs/ipc.md). libos does the plumbing in
 * ipc_server_run: connections, ring indices, notifications, ordering,
 * IPC_OP_NULL. What is left for a server is in this file:
 *
 *   1. a protocol header in include/chime/proto/ (here echo.h) saying what
 *      each opcode does with each descriptor field;
 *   2. a request handler that validates the fields it uses and does the work;
 *   3. optional connect/disconnect handlers for per-client state;
 *   4. main(): fill a struct ipc_handlers and call ipc_server_run.
 *
 * Usage: echo [name [hart]]  (defaults: ECHO_SERVICE, any hart). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/proto/echo.h>
#include <chime/types.h>

#include "libos/ipc.h"
#include "libos/syscall.h"

/* Per-client state, hung on c->user: a server keeps here what it knows about
 * one client (open files, say). echo only counts. */
struct echo_client {
    uint64_t requests;
};

/* Payloads are copied out of shared memory once, a chunk at a time, before
 * they are looked at: the client can rewrite the shared bytes at any moment,
 * and a checksum of bytes that change under it would be meaningless. */
static uint8_t chunk[16 * 1024];

/* ECHO_OP_ECHO: see include/chime/proto/echo.h. */
static long op_echo(struct ipc_sconn *c, const struct ipc_slot *req, struct ipc_slot *cpl)
{
    uint64_t len = req->length;
    uint64_t sum = ECHO_CHECKSUM_SEED;
    const uint8_t *src;
    uint8_t *dst = NULL;

    /* Validate every field before acting on any. req is libos's private
     * copy of the descriptor, so the checks stay true while we work. */
    if (len > ECHO_MAX)
        return CHIME_ERANGE;
    /* ipc_payload checks (data, len) against the data area, or, for a lend,
     * against this connection's lend table: never touch an address a client
     * names without it. */
    src = ipc_payload(c, req, len, CHIME_PROT_READ);
    if (!src)
        return CHIME_EFAULT;
    if (req->offset != ECHO_NO_COPY) {
        struct ipc_slot out = *req;

        out.data = req->offset;
        dst = ipc_payload(c, &out, len, CHIME_PROT_WRITE);
        if (!dst)
            return CHIME_EFAULT;
    }

    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

        memcpy(chunk, src + done, n);
        sum = echo_checksum_more(sum, chunk, n);
        if (dst)
            memcpy(dst + done, chunk, n);
        done += n;
    }
    /* Results go in the completion libos pushes for us. */
    cpl->arg = sum;
    cpl->aux = req->aux;
    return (long)len;
}

/* ECHO_OP_DELAY: a request that stays in flight. This server is single
 * threaded, so the delay holds up every client: it is a test tool. */
static long op_delay(const struct ipc_slot *req)
{
    if (req->arg > ECHO_DELAY_MAX)
        return CHIME_ERANGE;
    syscall1(SYS_SLEEP, (long)req->arg);
    return 0;
}

/* One request: dispatch on the opcode; anything unknown gets CHIME_ENOSYS
 * (libos has already answered IPC_OP_NULL and its own opcodes). */
static long echo_request(struct ipc_sconn *c, const struct ipc_slot *req, struct ipc_slot *cpl,
                         void *ctx)
{
    struct echo_client *cl = c->user;

    cl->requests++;
    switch (req->opcode) {
    case ECHO_OP_ECHO:
        return op_echo(c, req, cpl);
    case ECHO_OP_DELAY:
        return op_delay(req);
    default:
        return CHIME_ENOSYS;
    }
}

static long echo_connect(struct ipc_sconn *c, void *ctx)
{
    c->user = calloc(1, sizeof(struct echo_client));
    return c->user ? 0 : CHIME_ENOMEM;
}

static void echo_disconnect(struct ipc_sconn *c, void *ctx)
{
    free(c->user);
    c->user = NULL;
}

int main(int argc, char **argv)
{
    struct ipc_handlers h = {
        .name = argc > 1 ? argv[1] : ECHO_SERVICE,
        .vector = IPC_SERVER_VECTOR,
        .request = echo_request,
        .connect = echo_connect,
        .disconnect = echo_disconnect,
    };
    long r;

    /* Optional: pin the server to one hart, and how long to poll its rings
     * before sleeping, in ns (benchmarks, tests). */
    if (argc > 2)
        syscall2(SYS_THREAD_AFFINITY, CHIME_SELF, 1l << atoi(argv[2]));
    if (argc > 3)
        h.poll_ns = (uint32_t)strtoul(argv[3], NULL, 10);

    /* Serves until ipc_server_stop or the process is killed. */
    r = ipc_server_run(&h);
    if (r < 0) {
        fprintf(stderr, "echo: cannot serve %s: error %ld\n", h.name, r);
        return 1;
    }
    return 0;
}
