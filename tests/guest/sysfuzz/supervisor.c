/* The supervisor: rounds of children, each checked to end with status 0,
 * and after each round the free frame count checked against the count
 * before the first (SYS_MEM_STATS). On any failure it prints how to replay
 * the round and the child. */
#include "sysfuzz.h"

#include <stdio.h>

#include <chime/errno.h>
#include <chime/syscall.h>
#include <libos/libos.h>
#include <libos/spawn.h>

#define MAX_PROCS        16
#define ROUND_TIMEOUT_NS 600000000000ull /* a round that takes longer hangs */
#define SETTLE_NS        3000000000ull   /* time for the last exits to finish */

static long sys0(long n)
{
    long args[6] = {0};
    struct fz_ret ret;

    return fz_syscall(n, args, &ret);
}

static long sys2(long n, long a0, long a1)
{
    long args[6] = {a0, a1};
    struct fz_ret ret;

    return fz_syscall(n, args, &ret);
}

static uint64_t now_ns(void)
{
    return (uint64_t)sys0(SYS_CLOCK_GET);
}

static int spawn_child(pid_t *pid, const struct fz_options *o, uint64_t seed, uint64_t calls)
{
    char s_seed[32], s_calls[32], s_avoid[160] = "avoid=";
    char *argv[] = {"sysfuzz", "child", s_seed, s_calls, s_avoid, o->trace ? "trace" : NULL,
                    NULL,      NULL};

    if (o->stats)
        argv[o->trace ? 6 : 5] = "stats";
    snprintf(s_seed, sizeof(s_seed), "seed=%#lx", (unsigned long)seed);
    snprintf(s_calls, sizeof(s_calls), "calls=%lu", (unsigned long)calls);
    fz_avoid_format(o->avoid, s_avoid + 6, sizeof(s_avoid) - 6);
    return posix_spawn(pid, "sysfuzz", NULL, NULL, argv, fz_spawn_env);
}

static void replay_hint(const struct fz_options *o, uint32_t round, uint64_t seed, uint64_t calls)
{
    char avoid[160];

    fz_avoid_format(o->avoid, avoid, sizeof(avoid));
    fz_say("sysfuzz: replay the child:  make run RUN=\"sysfuzz replay=%#lx calls=%lu%s%s trace\"",
           (unsigned long)seed, (unsigned long)calls, avoid[0] ? " avoid=" : "", avoid);
    if (!o->replay)
        fz_say("sysfuzz: replay the round:  make run RUN=\"sysfuzz seed=%#lx calls=%lu per=%u "
               "procs=%u from=%u%s%s\"",
               (unsigned long)o->seed, (unsigned long)o->calls, o->per, o->procs, round,
               avoid[0] ? " avoid=" : "", avoid);
}

/* What each hart runs now (from the info page): which process hogs it. */
static void show_harts(void)
{
    const struct chime_info *info = libos_info();
    char line[200];
    int used = 0;

    for (uint32_t h = 0; h < info->nharts && h < CHIME_MAX_HARTS; h++)
        used +=
            snprintf(line + used, sizeof(line) - (size_t)used, " hart %u: space %lu thread %lu;", h,
                     (unsigned long)info->hart[h].running_space,
                     (unsigned long)info->hart[h].running_thread);
    fz_say("sysfuzz: running now:%s", line);
}

/* Wait until the free count is back to base (exits finish on other harts
 * a little later); the count seen last. */
static long settle(long base)
{
    uint64_t end = now_ns() + SETTLE_NS;
    long free = sys0(SYS_MEM_STATS);

    while (free != base && now_ns() < end) {
        sys2(SYS_SLEEP, 10000000, 0);
        free = sys0(SYS_MEM_STATS);
    }
    return free;
}

int fz_supervise(const struct fz_options *o)
{
    uint32_t procs = o->replay ? 1 : (o->procs > MAX_PROCS ? MAX_PROCS : o->procs);
    uint64_t per_round = (uint64_t)o->per * procs;
    uint32_t rounds = o->replay ? 1 : (uint32_t)((o->calls + per_round - 1) / per_round);
    uint64_t done = 0, children = 0, start;
    long before, base, leaked = 0, free;
    int failures = 0;
    char avoid[160];
    pid_t pid;

    fz_avoid_format(o->avoid, avoid, sizeof(avoid));
    fz_say("sysfuzz: seed=%#lx calls=%lu per=%u procs=%u rounds=%u harts=%d avoid=%s",
           (unsigned long)o->seed, (unsigned long)o->calls, o->per, procs, rounds, libos_nharts(),
           avoid[0] ? avoid : "none");
    /* A child with no calls first: libos maps the archive and grows the heap
     * here once, so that the count taken after it stays this process's. */
    if (spawn_child(&pid, o, 0, 0) != 0 || chime_wait(pid, CHIME_FOREVER) != 0) {
        fz_say("not ok - sysfuzz: cannot run a child");
        return 1;
    }
    sys2(SYS_SLEEP, 20000000, 0);
    before = base = sys0(SYS_MEM_STATS);
    start = now_ns();
    for (uint32_t r = o->from; r < rounds; r++) {
        pid_t pids[MAX_PROCS];
        uint64_t seeds[MAX_PROCS], calls[MAX_PROCS];
        uint64_t deadline = now_ns() + ROUND_TIMEOUT_NS;
        char line[200];
        int n = 0, used = 0;

        for (uint32_t i = 0; i < procs; i++) {
            uint64_t left = o->calls > (uint64_t)r * per_round + (uint64_t)i * o->per
                                ? o->calls - (uint64_t)r * per_round - (uint64_t)i * o->per
                                : 0;
            seeds[i] = o->replay ? o->seed : fz_mix(o->seed ^ ((uint64_t)r << 16 | i));
            calls[i] = o->replay ? o->calls : (left < o->per ? left : o->per);
            used += snprintf(line + used, sizeof(line) - (size_t)used, " %#lx",
                             (unsigned long)seeds[i]);
        }
        fz_say("sysfuzz: round %u: seeds%s", r, line);
        for (uint32_t i = 0; i < procs; i++) {
            if (calls[i] == 0)
                break;
            int err = spawn_child(&pids[i], o, seeds[i], calls[i]);
            if (err != 0) {
                fz_say(
                    "not ok - sysfuzz: round %u: cannot spawn child %u (errno %d, %ld frames free)",
                    r, i, err, sys0(SYS_MEM_STATS));
                failures++;
                break;
            }
            n++;
        }
        for (int i = 0; i < n; i++) {
            uint64_t t = now_ns();
            long st = chime_wait(pids[i], t < deadline ? deadline - t : 0);
            if (st == CHIME_ETIMEDOUT) {
                show_harts();
                sys2(SYS_SPACE_KILL, pids[i], CHIME_STATUS_KILLED);
                chime_wait(pids[i], CHIME_FOREVER);
                fz_say("not ok - sysfuzz: round %u: child %#lx still ran after %llu s", r,
                       (unsigned long)seeds[i], ROUND_TIMEOUT_NS / 1000000000ull);
            } else if (st != 0) {
                fz_say("not ok - sysfuzz: round %u: child %#lx ended with status %ld", r,
                       (unsigned long)seeds[i], st);
            } else {
                done += calls[i];
                children++;
                continue;
            }
            failures++;
            replay_hint(o, r, seeds[i], calls[i]);
        }
        free = settle(base);
        if (free != base) {
            fz_say("not ok - sysfuzz: round %u: %ld frames not free after every child ended "
                   "(free %ld, before %ld)",
                   r, base - free, free, base);
            for (int i = 0; i < n; i++)
                replay_hint(o, r, seeds[i], calls[i]);
            leaked += base - free;
            base = free; /* judge the next rounds on their own */
            failures++;
        }
    }
    free = sys0(SYS_MEM_STATS);
    fz_say("%s - sysfuzz: %lu calls by %lu children, every one ended with status 0",
           done == (o->replay ? o->calls : o->calls - (uint64_t)o->from * per_round) &&
                   failures == 0
               ? "ok"
               : "not ok",
           (unsigned long)done, (unsigned long)children);
    fz_say("%s - sysfuzz: free frames back to %ld after every round", leaked ? "not ok" : "ok",
           before);
    fz_say("sysfuzz: done: seed=%#lx calls=%lu time=%lu ms frames before=%ld after=%ld "
           "leaked=%ld failures=%d",
           (unsigned long)o->seed, (unsigned long)done,
           (unsigned long)((now_ns() - start) / 1000000), before, free, leaked, failures);
    return failures > 255 ? 255 : failures;
}
