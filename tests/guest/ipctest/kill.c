/* kill: the death of either side of a connection.
 *   server killed mid-request: the client's blocked call, its asynchronous
 *   request and its later calls all fail with CHIME_EPIPE, the blocked call
 *   within one second of the kill (guest time);
 *   client killed: the server keeps serving its other clients. */
#include <signal.h>
#include <string.h>

#include <chime/layout.h>
#include <chime/proto/echo.h>

#include "ipctest.h"
#include "libos/spawn.h"
#include "libos/syscall.h"
#include "libos/thread.h"

struct killer {
    pid_t victim;
    uint64_t delay_ns;
    volatile uint64_t killed_at;
};

static void *killer(void *arg)
{
    struct killer *k = arg;

    sleep_ns(k->delay_ns);
    k->killed_at = now_ns();
    kill(k->victim, SIGKILL);
    return NULL;
}

static volatile int async_done;
static volatile long async_result;

static void async_cb(struct ipc_conn *c, const struct ipc_slot *cpl, void *ctx)
{
    async_result = cpl->result;
    async_done++;
}

static void server_killed(void)
{
    struct ipc_conn *c, *c2;
    struct ipc_slot req = {0}, reply;
    struct killer k = {0};
    struct chime_thread *t;
    uint64_t done_at;
    pid_t srv;
    long r;

    srv = echo_start("t-kill", 0, &c, 0, 0);
    if (srv < 0)
        return;
    if (ipc_connect(&c2, "t-kill", 0, 0) < 0) {
        tap(0, "kill: second connection");
        return;
    }
    /* c2's request keeps the server busy for 10 s; c's call waits behind
     * it. The server is killed 200 ms in. */
    req.opcode = ECHO_OP_DELAY;
    req.arg = 10000000000ull;
    tap(ipc_submit(c2, &req, async_cb, NULL) >= 0, "kill: queue a 10 s request");
    sleep_ns(20000000);
    k.victim = srv;
    k.delay_ns = 200000000ull;
    t = chime_thread_create(killer, &k, 0);
    memset(&req, 0, sizeof(req));
    r = ipc_call(c, &req, &reply);
    done_at = now_ns();
    chime_thread_join(t, NULL);
    tap(r == CHIME_EPIPE, "kill: a call waiting on a dying server fails with EPIPE (%ld)", r);
    tap(k.killed_at && done_at - k.killed_at < 1000000000ull,
        "kill: ... within a second of the kill (%llu ms)",
        (unsigned long long)((done_at - k.killed_at) / 1000000));
    tap(ipc_call(c, &(struct ipc_slot){.opcode = IPC_OP_NULL}, &reply) == CHIME_EPIPE,
        "kill: a later call fails with EPIPE at once");
    tap(ipc_submit(c, &(struct ipc_slot){.opcode = IPC_OP_NULL}, NULL, NULL) == CHIME_EPIPE,
        "kill: a later submit fails with EPIPE");
    r = ipc_wait(c2, 2000000000ull);
    tap(async_done == 1 && async_result == CHIME_EPIPE,
        "kill: the asynchronous request in progress fails with EPIPE (%ld)", async_result);
    tap(ipc_wait(c2, 100000000ull) == CHIME_EPIPE, "kill: waiting on a dead connection: EPIPE");
    ipc_disconnect(c2);
    ipc_disconnect(c);
    chime_wait(srv, CHIME_FOREVER);
}

/* Helper process: connect to argv[2] and call in a loop until killed. */
int busy_client(int argc, char **argv)
{
    struct ipc_slot req = {.opcode = IPC_OP_NULL}, reply;
    struct ipc_conn *c;

    if (argc < 3 || ipc_connect_wait(&c, argv[2], 0, 0, 5000000000ull) < 0)
        return 1;
    for (;;)
        if (ipc_call(c, &req, &reply) < 0)
            return 2;
}

static void client_killed(void)
{
    char *args[] = {"ipctest", "busy-client", "t-kc", NULL};
    struct ipc_slot stats = {.opcode = IPC_OP_STATS}, reply;
    struct ipc_conn *c;
    pid_t srv, cl;
    long st;
    int ok = 1;

    srv = echo_start("t-kc", 0, &c, 0, 0);
    if (srv < 0)
        return;
    cl = self_spawn(args, 0);
    /* Wait until the busy client is connected and being served. */
    for (int i = 0; i < 2000; i++) {
        ipc_call(c, &stats, &reply);
        if (reply.aux == 2 && reply.result > 100)
            break;
        sleep_ns(1000000);
    }
    tap(reply.aux == 2, "kill: busy client connected");
    kill(cl, SIGKILL);
    st = chime_wait(cl, CHIME_FOREVER);
    tap(st == CHIME_STATUS_KILLED, "kill: busy client killed (%ld)", st);
    for (int i = 0; i < 1000 && ok; i++)
        ok = ipc_call(c, &(struct ipc_slot){.opcode = IPC_OP_NULL}, &reply) == 0;
    tap(ok, "kill: the server keeps serving after a client was killed mid-call");
    for (int i = 0; i < 1000; i++) {
        ipc_call(c, &stats, &reply);
        if (reply.aux == 1)
            break;
        sleep_ns(1000000);
    }
    tap(reply.aux == 1, "kill: the server dropped the dead client's connection");
    ipc_disconnect(c);
    proc_stop(srv);
}

int test_kill(int argc, char **argv)
{
    server_killed();
    client_killed();
    return 0;
}
