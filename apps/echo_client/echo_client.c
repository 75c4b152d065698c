/* echo_client: the example client. Copy this file to start a new one.
 *
 * It shows the three ways to talk to a server (docs/ipc.md):
 *   1. ipc_call     synchronous: one request, wait for its completion;
 *   2. ipc_submit   asynchronous: queue requests, completions run callbacks
 *                   (here from the thread's uintr handler);
 *   3. ipc_lend     zero copy: the server reads and writes our own pages.
 *
 * Usage: echo_client [count]. Starts the echo server itself when no "echo"
 * service is published yet, and stops it again at the end. Prints one line
 * per step and exits 0 when every reply checked out. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <chime/proto/echo.h>
#include <chime/types.h>

#include "libos/ipc.h"
#include "libos/spawn.h"
#include "libos/uintr.h"

static int failures;

static void check(int ok, const char *what)
{
    printf("echo_client: %s: %s\n", what, ok ? "ok" : "FAILED");
    failures += !ok;
}

/* Step 1: a synchronous echo through the data area. The payload is written
 * in place in the shared buffer (no copy into a message), and the request
 * names it by offset. */
static void sync_echo(struct ipc_conn *c)
{
    const char msg[] = "hello, echo";
    char *data = ipc_data(c);
    struct ipc_slot req = {0}, reply;
    long r;

    memcpy(data, msg, sizeof(msg));
    req.opcode = ECHO_OP_ECHO;
    req.data = 0; /* payload at data-area offset 0 */
    req.length = sizeof(msg);
    req.offset = 1024; /* copy back to offset 1024 */
    req.aux = 42;

    r = ipc_call(c, &req, &reply);
    check(r == (long)sizeof(msg) && reply.arg == echo_checksum(msg, sizeof(msg)) &&
              reply.aux == 42 && memcmp(data + 1024, msg, sizeof(msg)) == 0,
          "sync echo");
}

/* Step 2: asynchronous requests. Each one gets its own payload slot in the
 * data area; the callback checks its reply and counts it. The callbacks run
 * in this thread's uintr handler, in the middle of whatever main() is doing
 * when the server's notification arrives. */
struct async_req {
    uint64_t expect; /* checksum the reply must carry */
    volatile int *done;
};

static volatile int async_done, async_bad;

static void async_cb(struct ipc_conn *c, const struct ipc_slot *cpl, void *ctx)
{
    struct async_req *a = ctx;

    if (cpl->result < 0 || cpl->arg != a->expect)
        async_bad++;
    (*a->done)++;
}

static void async_echo(struct ipc_conn *c, int count)
{
    enum { SLOT = 256 };
    static struct async_req reqs[RING_SLOTS];
    uint8_t *data = ipc_data(c);
    int sent = 0;

    /* Completions of this thread's connections run in its handler. */
    uintr_register_handler(ipc_client_handler, 0);
    while (sent < count) {
        int i = sent % RING_SLOTS;
        struct ipc_slot req = {0};
        long tag;

        /* At most RING_SLOTS requests in flight; wait for room. */
        while (sent - async_done >= (int)RING_SLOTS)
            ipc_wait(c, CHIME_FOREVER);
        snprintf((char *)data + i * SLOT, SLOT, "request %d", sent);
        req.opcode = ECHO_OP_ECHO;
        req.data = (uint64_t)i * SLOT;
        req.length = SLOT;
        req.offset = ECHO_NO_COPY;
        reqs[i].expect = echo_checksum(data + i * SLOT, SLOT);
        reqs[i].done = &async_done;
        tag = ipc_submit(c, &req, async_cb, &reqs[i]);
        if (tag < 0) {
            check(0, "async submit");
            return;
        }
        sent++;
    }
    ipc_drain(c, CHIME_FOREVER);
    uintr_unregister_handler(0);
    check(async_done == count && async_bad == 0, "async echo");
}

/* Step 3: a lend. The server sees our buffer at the address ipc_lend
 * returns, only on this connection, until ipc_unlend. */
static void lend_echo(struct ipc_conn *c)
{
    static char buf[8192] __attribute__((aligned(4096)));
    struct ipc_slot req = {0}, reply;
    long sva, r;

    for (unsigned i = 0; i < sizeof(buf) / 2; i++)
        buf[i] = (char)('a' + i % 26);
    sva = ipc_lend(c, buf, sizeof(buf), CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (sva < 0) {
        check(0, "lend");
        return;
    }
    req.opcode = ECHO_OP_ECHO;
    req.flags = IPC_F_LENT;
    req.data = (uint64_t)sva; /* first half ... */
    req.length = sizeof(buf) / 2;
    req.offset = (uint64_t)sva + sizeof(buf) / 2; /* ... copied to the second */
    r = ipc_call(c, &req, &reply);
    check(r == (long)sizeof(buf) / 2 && memcmp(buf, buf + sizeof(buf) / 2, sizeof(buf) / 2) == 0,
          "lent echo");
    ipc_unlend(c, (uint64_t)sva);
}

int main(int argc, char **argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 1000;
    struct ipc_conn *c;
    pid_t server = -1;
    long r;

    /* 64 KiB: a 52 KiB data area, room for 64 payload slots of 256 bytes. */
    r = ipc_connect(&c, ECHO_SERVICE, 64 * 1024, 0);
    if (r == CHIME_ENOENT) {
        char *args[] = {"echod", NULL};

        if (posix_spawn(&server, "echod", NULL, NULL, args, NULL) != 0) {
            printf("echo_client: cannot start the echo server\n");
            return 1;
        }
        r = ipc_connect_wait(&c, ECHO_SERVICE, 64 * 1024, 0, 2000000000ull);
    }
    if (r < 0) {
        printf("echo_client: connect: error %ld\n", r);
        return 1;
    }

    sync_echo(c);
    async_echo(c, count);
    lend_echo(c);

    ipc_disconnect(c);
    if (server >= 0) {
        kill(server, SIGKILL);
        chime_wait(server, CHIME_FOREVER);
    }
    printf("echo_client: %s\n", failures ? "FAILED" : "all ok");
    return failures ? 1 : 0;
}
