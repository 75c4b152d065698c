/* hostile: a client that attacks the echo server through the kernel's IPC
 * calls, while a well-behaved client (W) checks every answer. After each
 * attack W's echoes must be right and the server alive.
 *   - a connection end cannot be granted or duplicated;
 *   - lends revoked, re-lent and unlent under a request in flight, and a
 *     client that exits with its lent request in flight;
 *   - connect with info pointers that are not writable user memory;
 *   - connect with a full handle table, then reuse of the numbers;
 *   - connect/disconnect floods while the server is busy: none fails, none
 *     is left behind;
 *   - IPC_OP_STATS counts descriptors rejected on live connections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/layout.h>
#include <chime/proto/echo.h>
#include <chime/syscall.h>
#include <chime/types.h>

#include "ipctest.h"
#include "libos/spawn.h"
#include "libos/syscall.h"
#include "libos/uintr.h"

#define SVC "t-hostile"

static pid_t srv;
static struct ipc_conn *w;

/* W's health check: n echo calls of changing bytes, each checked. */
int hostile_w_works(struct ipc_conn *c, int n)
{
    char *data = ipc_data(c);

    for (int i = 0; i < n; i++) {
        struct ipc_slot req = {0}, reply;

        memset(data, 'a' + i % 26, 64);
        data[i % 64] = (char)i;
        req.opcode = ECHO_OP_ECHO;
        req.length = 64;
        req.offset = ECHO_NO_COPY;
        if (ipc_call(c, &req, &reply) != 64 || reply.arg != echo_checksum(data, 64))
            return 0;
    }
    return 1;
}

int hostile_alive(pid_t pid)
{
    return syscall2(SYS_SPACE_WAIT, pid, 0) == CHIME_ETIMEDOUT;
}

/* The server's IPC_OP_STATS, asked over c. */
struct ipc_slot hostile_stats(struct ipc_conn *c)
{
    struct ipc_slot req = {.opcode = IPC_OP_STATS}, reply = {0};

    ipc_call(c, &req, &reply);
    return reply;
}

unsigned hostile_wait_conns(struct ipc_conn *c, unsigned want, uint64_t timeout_ns)
{
    uint64_t step = 5000000;
    unsigned n = 0;

    for (uint64_t t = 0; t < timeout_ns; t += step) {
        n = hostile_stats(c).aux;
        if (n == want)
            break;
        sleep_ns(step);
        if (step < 100000000)
            step *= 2;
    }
    return n;
}

static void check_w(const char *after)
{
    tap(hostile_w_works(w, 20) && hostile_alive(srv),
        "hostile: after %s, the server is alive and W's answers right", after);
}

/* ---- grant -------------------------------------------------------------- */

static void grant(void)
{
    char *args[] = {"ipctest", "idle-child", NULL};
    struct ipc_conn *c;
    pid_t d = self_spawn(args, 0);
    long r;

    if (d < 0 || ipc_connect(&c, SVC, 0, 0) < 0) {
        tap(0, "hostile: grant setup");
        return;
    }
    r = syscall3(SYS_SPACE_GRANT, d, c->handle, CHIME_R_ALL);
    tap(r == CHIME_EPERM, "hostile: a connection end cannot be granted (%ld)", r);
    r = syscall3(SYS_SPACE_GRANT, d, c->handle, CHIME_R_READ);
    tap(r == CHIME_EPERM, "hostile: ... not even with fewer rights (%ld)", r);
    r = syscall2(SYS_HANDLE_DUP, c->handle, CHIME_R_ALL);
    tap(r == CHIME_EPERM, "hostile: a connection end cannot be duplicated (%ld)", r);
    tap(ipc_call(c, &(struct ipc_slot){.opcode = IPC_OP_NULL}, &(struct ipc_slot){0}) == 0,
        "hostile: the end still works for its own process");
    ipc_disconnect(c);
    proc_stop(d);
    check_w("grant attempts");
}

int idle_child(int argc, char **argv)
{
    sleep_ns(60000000000ull);
    return 0;
}

/* ---- lends -------------------------------------------------------------- */

#define BIG (1u << 20)
static uint8_t big[BIG] __attribute__((aligned(4096)));

static volatile int lend_done;

static void lend_cb(struct ipc_conn *c, const struct ipc_slot *cpl, void *ctx)
{
    lend_done++;
}

/* An echo of the whole lend at sva (checksum only) in flight. */
static long submit_big(struct ipc_conn *c, long sva)
{
    struct ipc_slot req = {0};

    req.opcode = ECHO_OP_ECHO;
    req.flags = IPC_F_LENT;
    req.data = (uint64_t)sva;
    req.length = BIG;
    req.offset = ECHO_NO_COPY;
    return ipc_submit(c, &req, lend_cb, NULL);
}

static void lend_races(void)
{
    struct ipc_conn *c;
    int rounds = 24, submitted = 0, relent = 0;

    if (ipc_connect(&c, SVC, 0, 0) < 0) {
        tap(0, "hostile: lend setup");
        return;
    }
    memset(big, 'x', sizeof(big));
    lend_done = 0;
    for (int i = 0; i < rounds; i++) {
        long sva = ipc_lend(c, big, BIG, CHIME_PROT_READ | CHIME_PROT_WRITE), one;

        if (sva < 0)
            break;
        submitted += submit_big(c, sva) >= 0;
        sleep_ns((uint64_t)(i % 6) * 300000);
        if (i % 2 == 0) /* the same rights again: still revokes the lend */
            syscall4(SYS_SPACE_PROTECT, CHIME_SELF, (long)big, BIG,
                     CHIME_PROT_READ | CHIME_PROT_WRITE);
        else
            ipc_unlend(c, (uint64_t)sva);
        /* One page lent again at once, maybe into the slot just freed. */
        one = ipc_lend(c, big, 4096, CHIME_PROT_READ);
        relent += one > 0;
        ipc_drain(c, 10000000000ull);
        if (one > 0)
            ipc_unlend(c, (uint64_t)one);
    }
    tap(submitted == rounds && relent == rounds && lend_done == rounds,
        "hostile: %d lends revoked or unlent under a 1 MiB request, then re-lent: "
        "every request completes (%d)",
        rounds, lend_done);
    ipc_disconnect(c);
    check_w("lends torn down mid-request");
}

/* Helper: lend a buffer, ask for a 1 MiB echo from it, exit at once. */
int lend_exit_child(int argc, char **argv)
{
    struct ipc_conn *c;
    long sva;

    if (ipc_connect_wait(&c, SVC, 0, 0, 5000000000ull) < 0)
        return 1;
    sva = ipc_lend(c, big, BIG, CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (sva < 0 || submit_big(c, sva) < 0)
        return 2;
    if (argc > 2)
        sleep_ns(strtoull(argv[2], NULL, 10));
    return 0;
}

static void lend_exit(void)
{
    char delay[24];
    int ok = 1;

    for (int i = 0; i < 8; i++) {
        char *args[] = {"ipctest", "lend-exit-child", delay, NULL};
        pid_t p;

        snprintf(delay, sizeof(delay), "%d", i * 250000);
        p = self_spawn(args, 0);
        ok &= p >= 0 && chime_wait(p, CHIME_FOREVER) == 0;
    }
    tap(ok, "hostile: 8 clients exit with a lent request in flight");
    check_w("clients exited mid-request");
}

/* ---- connect ------------------------------------------------------------ */

static long raw_connect(long info)
{
    return syscall5(SYS_IPC_CONNECT, (long)SVC, (long)strlen(SVC), 0, IPC_CLIENT_VECTOR, info);
}

static void bad_pointers(void)
{
    const long bad[] = {
        0,
        0x100,
        (long)(uintptr_t)&bad_pointers, /* code: not writable */
        (long)CHIME_INFO_VA,            /* the read-only info page */
        (long)(CHIME_USER_TOP - 8),     /* runs past user space */
        (long)0xffffffc000000000ull,    /* the kernel */
    };
    unsigned before = hostile_stats(w).aux;
    int ok = 1;

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long r = raw_connect(bad[i]);

        if (r != CHIME_EFAULT) {
            tap(0, "hostile: connect with info at %lx: %ld", (unsigned long)bad[i], r);
            ok = 0;
        }
    }
    tap(ok, "hostile: connect with an info pointer not writable: EFAULT");
    tap(hostile_stats(w).aux == before, "hostile: ... and the server never saw those connections");
    check_w("connects with bad pointers");
}

static int32_t dups[4096];

/* With the server busy (so it looks at its connections only afterwards):
 * fill our handle table, connect (ENOMEM), free one number and connect
 * again, which may reuse the server's handle number of the failed one. */
static void handle_exhaustion(void)
{
    struct ipc_slot delay = {.opcode = ECHO_OP_DELAY, .arg = 300000000ull};
    struct ipc_conn *c, *busy;
    int n = 0;
    long r;

    if (ipc_connect(&busy, SVC, 0, 0) < 0) {
        tap(0, "hostile: handles setup");
        return;
    }
    ipc_submit(busy, &delay, NULL, NULL);
    sleep_ns(20000000);
    while (n < 4096) {
        r = syscall2(SYS_HANDLE_DUP, 0, CHIME_R_READ);
        if (r < 0)
            break;
        dups[n++] = (int32_t)r;
    }
    tap(n > 0, "hostile: handle table filled (%d more handles)", n);
    r = ipc_connect(&c, SVC, 0, 0);
    tap(r == CHIME_ENOMEM, "hostile: connect with a full handle table: ENOMEM (%ld)", r);
    if (r == 0)
        ipc_disconnect(c);
    syscall1(SYS_HANDLE_CLOSE, dups[--n]);
    r = ipc_connect(&c, SVC, 0, 0);
    ipc_drain(busy, 5000000000ull);
    tap(r == 0 &&
            ipc_call(c, &(struct ipc_slot){.opcode = IPC_OP_NULL}, &(struct ipc_slot){0}) == 0,
        "hostile: the next connect reuses the numbers and works (%ld)", r);
    if (r == 0)
        ipc_disconnect(c);
    while (n)
        syscall1(SYS_HANDLE_CLOSE, dups[--n]);
    ipc_disconnect(busy);
    check_w("handle-table exhaustion");
}

/* ---- floods ------------------------------------------------------------- */

static struct ipc_conn *flood_conns[IPC_CLIENT_CONNS_MAX];

/* Open up to n connections; returns how many opened. */
static int open_many(int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (ipc_connect(&flood_conns[i], SVC, 0, 0) < 0)
            break;
    return i;
}

static void close_many(int n)
{
    while (n)
        ipc_disconnect(flood_conns[--n]);
}

static void floods(void)
{
    char *args[] = {"ipctest", "hold-client", SVC, "62", "exit", NULL};
    struct ipc_conn *busy;
    struct ipc_slot req = {.opcode = ECHO_OP_DELAY, .arg = 1500000000ull};
    unsigned base;
    int opened, again;
    pid_t p;

    if (ipc_connect(&busy, SVC, 0, 0) < 0) {
        tap(0, "hostile: flood setup");
        return;
    }
    base = hostile_stats(w).aux;
    lend_done = 0;
    ipc_submit(busy, &req, lend_cb, NULL);
    sleep_ns(20000000); /* the server sleeps in the delay from now */
    opened = open_many(100);
    close_many(opened);
    again = open_many(45);
    close_many(again);
    p = self_spawn(args, 0);
    if (p >= 0)
        chime_wait(p, CHIME_FOREVER);
    tap(opened == 100 && again == 45,
        "hostile: 145 connects while the server is busy all succeed (%d, %d)", opened, again);
    ipc_drain(busy, 5000000000ull);
    tap(lend_done == 1, "hostile: the busy request completes");
    {
        unsigned n = hostile_wait_conns(w, base, 5000000000ull);

        tap(n == base, "hostile: after the floods no connection is left behind (%u, want %u)", n,
            base);
    }
    opened = open_many(200);
    tap(opened == 200, "hostile: afterwards a client still gets 200 connections (%d)", opened);
    close_many(opened);
    ipc_disconnect(busy);
    check_w("connect/disconnect floods");
}

/* Helper: hold argv[3] connections to argv[2] (checked with a call each);
 * with "exit", exit at once, else try one more (which must fail with
 * CHIME_EAGAIN at IPC_CLIENT_CONNS_MAX) and wait to be killed. */
int hold_client(int argc, char **argv)
{
    int n = argc > 3 ? atoi(argv[3]) : 1, ok = 1;
    struct ipc_conn *c;

    if (n > IPC_CLIENT_CONNS_MAX)
        n = IPC_CLIENT_CONNS_MAX;
    for (int i = 0; i < n; i++) {
        if ((i ? ipc_connect(&flood_conns[i], argv[2], 0, IPC_CONNECT_NOPOLL)
               : ipc_connect_wait(&flood_conns[i], argv[2], 0, IPC_CONNECT_NOPOLL, 5000000000ull)) <
            0) {
            tap(0, "hold: connection %d of %d", i, n);
            return 1;
        }
        ok &= ipc_call(flood_conns[i], &(struct ipc_slot){.opcode = IPC_OP_NULL},
                       &(struct ipc_slot){0}) == 0;
    }
    if (argc > 4 && strcmp(argv[4], "exit") == 0)
        return !ok;
    tap(ok, "hold: a client holds %d connections, each works", n);
    if (n == IPC_CLIENT_CONNS_MAX) {
        long r = ipc_connect(&c, argv[2], 0, 0);

        tap(r == CHIME_EAGAIN, "hold: one more is refused: the per-client limit (%ld)", r);
    }
    sleep_ns(600000000000ull);
    return 0;
}

/* ---- stats -------------------------------------------------------------- */

static void stats_rejected(void)
{
    struct ipc_conn *a;
    uint64_t before = hostile_stats(w).arg, after;

    if (ipc_connect(&a, SVC, 0, 0) < 0) {
        tap(0, "hostile: stats setup");
        return;
    }
    a->hdr->req_tail.value = a->req.next + 1000;
    for (int i = 0; i < 10; i++) {
        uipi_send(a->send_index);
        hostile_w_works(w, 2);
    }
    after = hostile_stats(w).arg;
    tap(after > before, "hostile: IPC_OP_STATS counts rejected descriptors (%llu, was %llu)",
        (unsigned long long)after, (unsigned long long)before);
    a->hdr->req_tail.value = a->req.next;
    ipc_disconnect(a);
}

static const struct {
    const char *name;
    void (*run)(void);
} phases[] = {
    {"grant", grant},          {"pointers", bad_pointers}, {"handles", handle_exhaustion},
    {"stats", stats_rejected}, {"lends", lend_races},      {"lend-exit", lend_exit},
    {"floods", floods},
};

/* ipctest hostile [phase]: every phase in turn, or the one named. */
int test_hostile(int argc, char **argv)
{
    srv = echo_start(SVC, 0, &w, 0, 0);
    if (srv < 0)
        return 1;
    for (unsigned i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
        if (argc < 3 || strcmp(argv[2], phases[i].name) == 0)
            phases[i].run();
    tap(hostile_stats(w).aux == 1, "hostile: the server holds W's connection only");
    ipc_disconnect(w);
    proc_stop(srv);
    return 0;
}
