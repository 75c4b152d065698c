/* bench: the numbers of DESIGN §7, measured from inside the guest.
 *
 *   bench            one hart: instruction counts (boot with
 *                    -icount shift=0,sleep=off, where rdinstret counts guest
 *                    instructions exactly, kernel and other processes
 *                    included); two or more harts: cross-hart figures in ns
 *   bench single | smp    force one set
 *   bench blk        the blk figures (apps/bench/blk.c; needs a disk)
 *   bench fs         the fs figures (apps/bench/fs.c; needs an ext2 disk)
 *   bench fstrace    one of each fs call between bench_fs_mark calls, for
 *                    instruction traces as below
 *   bench trace      a short fixed sequence (5 + 1 null calls, then two
 *                    rounds of 64 queued requests, SYS_NULL between the
 *                    parts as markers) for instruction traces with
 *                    -singlestep -d exec,nochain: how the cost splits
 *                    between client, kernel and server
 *   bench aio        64 asynchronous reads in flight (apps/bench/aio.c;
 *                    needs an ext2 disk)
 *
 * Output: one "BENCH <name> <value> <unit>" line per figure (scripts/bench.sh
 * collects them), then a table with the targets. Helper processes (the echo
 * server, a yield partner: "bench yield-helper") come from the boot archive.
 * Exit status: 0, or 1 when a measurement could not be made. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <chime/proto/echo.h>
#include <chime/types.h>

#include "bench_aio.h"
#include "bench_blk.h"
#include "bench_fs.h"
#include "libos/ipc.h"
#include "libos/libos.h"
#include "libos/spawn.h"
#include "libos/syscall.h"
#include "libos/thread.h"
#include "libos/uintr.h"

#include "bench.h"

struct result {
    const char *name;
    double value;
    const char *unit;
    const char *target;
    const char *note;
};

static struct result results[16];
static int nresults, errors;

void report(const char *name, double value, const char *unit, const char *target, const char *note)
{
    if (value == (double)(unsigned long long)value && value < 1e15)
        printf("BENCH %s %llu %s\n", name, (unsigned long long)value, unit);
    else
        printf("BENCH %s %.3f %s\n", name, value, unit);
    fflush(stdout);
    if (nresults < 16)
        results[nresults++] = (struct result){name, value, unit, target, note};
}

void fail(const char *what, long err)
{
    printf("bench: %s failed: error %ld\n", what, err);
    errors++;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

uint64_t median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_u64);
    return v[n / 2];
}

static uint64_t ticks_to_ns(uint64_t t)
{
    return t * 1000000000ull / libos_info()->timebase_hz;
}

static pid_t spawn(char *const argv[], uint64_t hart_mask)
{
    pid_t pid = -1;
    int err = chime_spawn(&pid, argv, hart_mask);

    if (err) {
        printf("bench: cannot start %s: error %d\n", argv[0], err);
        errors++;
        return -1;
    }
    return pid;
}

static void stop(pid_t pid)
{
    if (pid >= 0) {
        kill(pid, SIGKILL);
        chime_wait(pid, CHIME_FOREVER);
    }
}

/* ---- null syscall ------------------------------------------------------ */

static void bench_null_syscall(void)
{
    uint64_t s[SAMPLES], base[SAMPLES];

    for (int i = 0; i < SAMPLES; i++) {
        uint64_t t0 = rdinstret(), t1 = rdinstret();

        base[i] = t1 - t0;
    }
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t t0 = rdinstret();

        syscall0(SYS_NULL);
        s[i] = rdinstret() - t0;
    }
    report("null_syscall", (double)(median(s, SAMPLES) - median(base, SAMPLES)), "insns", "<= 120",
           "ecall to ecall return, SYS_NULL");
}

/* ---- yield to another address space ------------------------------------ */

static void bench_yield(void)
{
    char *argv[] = {"bench", "yield-helper", NULL};
    uint64_t s[SAMPLES];
    pid_t helper = spawn(argv, 1);

    if (helper < 0)
        return;
    for (int i = 0; i < 20; i++) /* let the helper reach its loop */
        syscall0(SYS_YIELD);
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t t0 = rdinstret();

        syscall0(SYS_YIELD);
        s[i] = rdinstret() - t0;
    }
    stop(helper);
    /* There and back: two yields, each to the other space. */
    report("yield_cross_as", (double)median(s, SAMPLES) / 2, "insns", "-",
           "SYS_YIELD until the other space runs (half a ping-pong)");
}

static __attribute__((noreturn)) int yield_helper(void)
{
    for (;;)
        syscall0(SYS_YIELD);
}

/* ---- IPC round trip on one hart ----------------------------------------- */

/* Start echo on hart serving name (polling poll_ns before it sleeps, NULL:
 * its default) and connect to it. */
static pid_t start_echo(const char *name, int hart, struct ipc_conn **c, unsigned flags,
                        const char *poll_ns)
{
    char hs[8];
    char *argv[] = {"echod", (char *)name, hs, (char *)poll_ns, NULL};
    pid_t pid;
    long r;

    snprintf(hs, sizeof(hs), "%d", hart);
    pid = spawn(argv, 1ull << hart);
    if (pid < 0)
        return -1;
    r = ipc_connect_wait(c, name, 0, flags, 5000000000ull);
    if (r < 0) {
        fail("connect to echo", r);
        stop(pid);
        return -1;
    }
    return pid;
}

/* The round trip through the rings: the request built in place in the
 * request ring, the reply read in place in the completion ring. */
static inline __attribute__((always_inline)) long null_in_place(struct ipc_conn *c)
{
    struct ipc_slot *rq = ipc_call_begin(c);

    rq->opcode = IPC_OP_NULL;
    rq->flags = 0;
    return ipc_call_end(c, rq)->result;
}

static void bench_ipc_same_hart(void)
{
    struct ipc_conn *c;
    struct ipc_slot req = {.opcode = IPC_OP_NULL}, reply;
    uint64_t s[SAMPLES];
    pid_t srv = start_echo("bench-echo", 0, &c, IPC_CONNECT_NOPOLL, NULL);

    if (srv < 0)
        return;
    for (int i = 0; i < 10 + SAMPLES; i++) {
        uint64_t t0 = rdinstret();
        long r = null_in_place(c);

        if (i >= 10)
            s[i - 10] = rdinstret() - t0;
        if (r != 0) {
            fail("ipc_call_end", r);
            break;
        }
    }
    report("ipc_rtt_same_hart", (double)median(s, SAMPLES), "insns", "<= 450",
           "IPC_OP_NULL to the echo server, in place (ipc_call_begin/end)");

    /* The same with ipc_call: a copy of the request in, of the reply out. */
    for (int i = 0; i < 10 + SAMPLES; i++) {
        uint64_t t0 = rdinstret();
        long r = ipc_call(c, &req, &reply);

        if (i >= 10)
            s[i - 10] = rdinstret() - t0;
        if (r != 0) {
            fail("ipc_call", r);
            break;
        }
    }
    report("ipc_call_same_hart", (double)median(s, SAMPLES), "insns", "-",
           "ipc_call(IPC_OP_NULL) to the echo server: copies both ways");

    /* 64 requests in flight: queue, one notification, drain. */
    {
        enum { ROUNDS = 20, BATCH = 64 };
        uint64_t t0 = 0, t1;

        for (int round = 0; round <= ROUNDS; round++) {
            if (round == 1)
                t0 = rdinstret();
            for (int i = 0; i < BATCH; i++) {
                long tag = ipc_queue(c, &req, NULL, NULL);

                if (tag < 0) {
                    fail("ipc_queue", tag);
                    goto out;
                }
            }
            ipc_flush(c);
            ipc_drain(c, CHIME_FOREVER);
        }
        t1 = rdinstret();
        report("ipc_async64_per_req", (double)(t1 - t0) / (ROUNDS * BATCH), "insns", "-",
               "64 IPC_OP_NULL queued, one notify, drained");
    }
out:
    ipc_disconnect(c);
    stop(srv);
}

/* ---- uipi to a blocked receiver, same hart ------------------------------ */

static volatile long wake_vector_h = -1;
static volatile uint64_t woke_at;
static volatile int wake_count;

static void *wake_receiver(void *arg)
{
    wake_vector_h = uintr_vector_create(1);
    for (;;) {
        uint64_t bits;
        long st = uintr_wait(CHIME_FOREVER, &bits);

        woke_at = rdinstret();
        wake_count++;
        if (st < 0 || (bits & 2) == 0 || arg)
            break;
    }
    return NULL;
}

static void bench_blocked_wake(void)
{
    uint64_t s[SAMPLES];
    struct chime_thread *t = chime_thread_create(wake_receiver, NULL, 1);
    long idx;

    if (!t) {
        fail("thread create", -1);
        return;
    }
    /* A higher priority makes the kernel switch to it at the send. */
    syscall2(SYS_THREAD_PRIORITY, chime_thread_handle(t), CHIME_PRIO_DEFAULT + 1);
    while (wake_vector_h == -1)
        syscall0(SYS_YIELD);
    idx = uintr_register_sender((int)wake_vector_h);
    if (idx < 0) {
        fail("register sender", idx);
        return;
    }
    for (int i = 0; i < SAMPLES; i++) {
        int before = wake_count;
        uint64_t t0 = rdinstret();

        uipi_send((int)idx);
        while (wake_count == before)
            syscall0(SYS_YIELD);
        s[i] = woke_at - t0;
    }
    report("uipi_blocked_wake", (double)median(s, SAMPLES), "insns", "<= 300",
           "uipi_send to a blocked receiver running (same space, higher priority)");
    /* The thread stays blocked; the process exits with it. */
}

/* ---- handler on the same hart ------------------------------------------- */

static volatile uint64_t handler_at;
static volatile int handler_count;

static void stamp_handler(uint64_t bits)
{
    handler_at = rdinstret();
    handler_count++;
}

static void bench_handler_same_hart(void)
{
    uint64_t s[SAMPLES], full[SAMPLES];
    long vh, idx;

    if (uintr_register_handler(stamp_handler, 0) < 0) {
        fail("register handler", -1);
        return;
    }
    vh = uintr_vector_create(2);
    idx = vh < 0 ? vh : uintr_register_sender((int)vh);
    if (idx < 0) {
        fail("self sender", idx);
        return;
    }
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t t0 = rdinstret(), t2;

        uipi_send((int)idx); /* delivered on this very return to user mode */
        t2 = rdinstret();
        s[i] = handler_at - t0;
        full[i] = t2 - t0;
    }
    report("uintr_handler_same_hart", (double)median(s, SAMPLES), "insns", "-",
           "uipi_send to self until the handler runs");
    report("uintr_handler_roundtrip", (double)median(full, SAMPLES), "insns", "-",
           "the same, through the handler and SYS_URET back");
    uintr_unregister_handler(0);
}

/* ---- two harts: uintr latency ------------------------------------------- */

static volatile uint64_t spin_handler_at;
static volatile int spin_handler_count;
static volatile int spin_stop;
static volatile long spin_vector_h = -1;

static void spin_handler(uint64_t bits)
{
    spin_handler_at = ipc_now();
    spin_handler_count++;
}

/* The receiver on hart 1: arg NULL spins with a handler, else blocks. */
static void *remote_receiver(void *arg)
{
    if (!arg)
        uintr_register_handler(spin_handler, 0);
    spin_vector_h = uintr_vector_create(3);
    while (!spin_stop) {
        if (arg) {
            uint64_t bits;

            if (uintr_wait(200000000ull, &bits) == 0) {
                spin_handler_at = ipc_now();
                spin_handler_count++;
            }
        }
    }
    return NULL;
}

static void cross_hart(const char *name, void *mode, const char *note)
{
    uint64_t s[SAMPLES];
    struct chime_thread *t;
    int n = 0;
    long idx;

    spin_stop = 0;
    spin_vector_h = -1;
    t = chime_thread_create(remote_receiver, mode, 2);
    if (!t) {
        fail("thread on hart 1", -1);
        return;
    }
    while (spin_vector_h == -1)
        syscall1(SYS_SLEEP, 100000);
    idx = spin_vector_h < 0 ? spin_vector_h : uintr_register_sender((int)spin_vector_h);
    if (idx < 0) {
        fail("register sender", idx);
        return;
    }
    syscall1(SYS_SLEEP, 1000000);
    for (int i = 0; i < SAMPLES; i++) {
        int before = spin_handler_count;
        uint64_t t0 = ipc_now(), limit = t0 + libos_info()->timebase_hz;

        uipi_send((int)idx);
        while (spin_handler_count == before && ipc_now() < limit)
            ;
        if (spin_handler_count != before)
            s[n++] = ticks_to_ns(spin_handler_at - t0);
        syscall1(SYS_SLEEP, 200000); /* let it settle back into its loop/wait */
    }
    spin_stop = 1;
    uipi_send((int)idx);
    chime_thread_join(t, NULL);
    uintr_unregister_sender((int)idx);
    if (n < SAMPLES / 2) {
        fail(name, n);
        return;
    }
    report(name, (double)median(s, n), "ns", "-", note);
}

/* ---- two harts: polling IPC --------------------------------------------- */

static void bench_ipc_poll(void)
{
    enum { N = 20000 };
    struct ipc_conn *c;
    struct ipc_slot req = {.opcode = IPC_OP_NULL}, reply, stats = {.opcode = IPC_OP_STATS};
    uint64_t sys0, sys1, srv0, srv1, t0, t1;
    /* "Both sides polling": a 10 ms window, so that a vCPU the host
     * deschedules for a while does not turn into a sleep. */
    pid_t srv = start_echo("bench-poll", 1, &c, IPC_CONNECT_POLL, "10000000");

    if (srv < 0)
        return;
    c->poll_ticks = libos_info()->timebase_hz / 100;
    for (int i = 0; i < 1000; i++)
        ipc_call(c, &req, &reply);
    ipc_call(c, &stats, &reply);
    srv0 = reply.offset;
    sys0 = uintr_self.syscalls;
    t0 = ipc_now();
    for (int i = 0; i < N; i++)
        ipc_call(c, &req, &reply);
    t1 = ipc_now();
    sys1 = uintr_self.syscalls;
    ipc_call(c, &stats, &reply);
    srv1 = reply.offset;
    printf("# polling round trips: %llu client and %llu server syscalls in %d requests\n",
           (unsigned long long)(sys1 - sys0), (unsigned long long)(srv1 - srv0), N);
    report("ipc_poll_syscalls_per_req", (double)(sys1 - sys0 + srv1 - srv0) / N, "syscalls", "0",
           "client on hart 0, echo on hart 1, both polling");
    report("ipc_rtt_two_harts", (double)ticks_to_ns(t1 - t0) / N, "ns", "-",
           "the same round trips, wall time each");
    ipc_disconnect(c);
    stop(srv);
}

/* ---- table --------------------------------------------------------------- */

static void table(const char *title)
{
    printf("\n%s\n", title);
    printf("  %-28s %12s  %-9s %-8s %s\n", "figure", "value", "unit", "target", "what");
    for (int i = 0; i < nresults; i++) {
        const struct result *r = &results[i];

        /* Small fractions (syscalls per request) need more digits. */
        int prec = r->value < 10 && r->value != (double)(unsigned long long)r->value ? 3 : 1;

        printf("  %-28s %12.*f  %-9s %-8s %s\n", r->name, prec, r->value, r->unit, r->target,
               r->note);
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : (libos_nharts() > 1 ? "smp" : "single");

    if (strcmp(mode, "yield-helper") == 0)
        return yield_helper();
    if (strcmp(mode, "pipe-helper") == 0)
        return bench_pipe_helper();
    if (strcmp(mode, "trace") == 0) {
        struct ipc_conn *c;
        struct ipc_slot req = {.opcode = IPC_OP_NULL}, reply;
        pid_t srv = start_echo("trace-echo", 0, &c, IPC_CONNECT_NOPOLL, NULL);

        for (int i = 0; i < 5; i++)
            null_in_place(c);
        syscall0(SYS_NULL);
        null_in_place(c);
        syscall0(SYS_NULL);
        ipc_call(c, &req, &reply);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 64; i++)
                ipc_queue(c, &req, NULL, NULL);
            ipc_flush(c);
            ipc_drain(c, CHIME_FOREVER);
            syscall0(SYS_NULL);
        }
        stop(srv);
        return 0;
    }
    /* Measure from hart 0; helpers are placed explicitly. */
    syscall2(SYS_THREAD_AFFINITY, CHIME_SELF, 1);
    syscall0(SYS_YIELD);

    if (strcmp(mode, "single") == 0) {
        bench_null_syscall();
        bench_yield();
        bench_ipc_same_hart();
        bench_handler_same_hart();
        bench_blocked_wake();
        bench_console_write_line();
        bench_pipe_4k();
        table("Chime bench, one hart (guest instructions, exact under -icount shift=0)");
    } else if (strcmp(mode, "spawn") == 0) {
        bench_spawn_exit_wait();
        table("Chime bench, spawn from the disk (guest instructions, -icount shift=0,sleep=on)");
    } else if (strcmp(mode, "aio") == 0) {
        bench_aio();
        table("Chime bench, aio (guest instructions, -icount shift=0,sleep=on)");
    } else if (strcmp(mode, "blk") == 0) {
        bench_blk(report);
        table("Chime bench, blk (guest instructions, -icount shift=0,sleep=on)");
    } else if (strcmp(mode, "fstrace") == 0) {
        bench_fs_trace();
    } else if (strcmp(mode, "fs") == 0) {
        bench_fs();
        table("Chime bench, fs (guest instructions, -icount shift=0,sleep=on)");
    } else if (strcmp(mode, "smp") == 0) {
        if (libos_nharts() < 2) {
            printf("bench: smp needs two harts\n");
            return 1;
        }
        cross_hart("uintr_cross_hart", NULL, "uipi_send to a running receiver's handler on hart 1");
        cross_hart("uipi_blocked_cross_hart", (void *)1,
                   "uipi_send to a receiver blocked on hart 1 running");
        bench_ipc_poll();
        table("Chime bench, two harts (wall time, median)");
    } else {
        printf("usage: bench [single|smp]\n");
        return 2;
    }
    printf("bench: %s\n", errors ? "some measurements failed" : "done");
    return errors ? 1 : 0;
}
