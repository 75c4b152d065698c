/* many: a server's capacity, with W (a well-behaved client) checking answers.
 *   - thousands of connections over the server's life, one after another:
 *     the kernel reuses the server's addresses and table slots;
 *   - more than a thousand connections at once, from three processes (two
 *     of them at the per-client limit, where one more is refused). */
#include <signal.h>

#include <chime/ipc.h>

#include "ipctest.h"
#include "libos/spawn.h"

#define SVC      "t-many"
#define LIFETIME 2000
#define OWN      16

static struct ipc_conn *own[OWN];

static int call_null(struct ipc_conn *c)
{
    return ipc_call(c, &(struct ipc_slot){.opcode = IPC_OP_NULL}, &(struct ipc_slot){0}) == 0;
}

int test_many(int argc, char **argv)
{
    char *args[] = {"ipctest", "hold-client", SVC, "512", NULL};
    struct ipc_conn *w, *c;
    pid_t srv, hold[2];
    unsigned want, n;
    int ok = 0, opened = 0;

    srv = echo_start(SVC, 0, &w, 0, 0);
    if (srv < 0)
        return 1;
    for (int i = 0; i < LIFETIME; i++) {
        if (ipc_connect(&c, SVC, 0, IPC_CONNECT_NOPOLL) < 0)
            break;
        ok += call_null(c);
        ipc_disconnect(c);
    }
    tap(ok == LIFETIME, "many: %d connections one after another, each works (%d)", LIFETIME, ok);
    tap(hostile_w_works(w, 20) && hostile_alive(srv), "many: ... W unaffected");

    for (int i = 0; i < 2; i++)
        hold[i] = self_spawn(args, 0);
    for (; opened < OWN; opened++)
        if (ipc_connect(&own[opened], SVC, 0, IPC_CONNECT_NOPOLL) < 0)
            break;
    want = 1 + (unsigned)opened + 2 * IPC_CLIENT_CONNS_MAX;
    n = hostile_wait_conns(w, want, 120000000000ull);
    tap(opened == OWN && n == want, "many: the server holds %u connections at once (%u)", want, n);
    ok = 0;
    for (int i = 0; i < opened; i++)
        ok += call_null(own[i]);
    tap(ok == opened && hostile_w_works(w, 20) && hostile_alive(srv),
        "many: ... and answers every one of them, W's right");
    for (int i = 0; i < 2; i++)
        proc_stop(hold[i]);
    while (opened)
        ipc_disconnect(own[--opened]);
    n = hostile_wait_conns(w, 1, 20000000000ull);
    tap(n == 1, "many: once they are gone the server holds W's only (%u)", n);
    ipc_disconnect(w);
    proc_stop(srv);
    return 0;
}
