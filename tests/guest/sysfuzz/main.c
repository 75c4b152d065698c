/* sysfuzz: command line and roles (see sysfuzz.h, docs/sysfuzz.md).
 *
 *   sysfuzz [seed=N] [calls=N] [per=N] [procs=N] [from=R] [avoid=a,b] [trace]
 *   sysfuzz replay=SEED [calls=N] [avoid=a,b] [trace]
 *   sysfuzz child|grand seed=N calls=N [avoid=...] [trace]   (spawned) */
#include "sysfuzz.h"

#include <stdlib.h>
#include <string.h>

#include <chime/syscall.h>
#include <libos/libos.h>

char *const fz_spawn_env[] = {"SYSFUZZ_SPAWNED=1", NULL};

static const struct {
    const char *name;
    uint32_t bit;
} avoid_names[] = {
    {"grant-conn", AVOID_GRANT_CONN},
    {"relend", AVOID_RELEND},
    {"lend-revoke", AVOID_LEND_REVOKE},
    {"connect-ro", AVOID_CONNECT_RO},
    {"ctl-full", AVOID_CTL_FULL},
    {"self-space", AVOID_SELF_SPACE},
    {"space-write-ro", AVOID_SPACE_WRITE_RO},
    {"protect-frames", AVOID_PROTECT_FRAMES},
    {"neg-status", AVOID_NEG_STATUS},
    {"huge-map", AVOID_HUGE_MAP},
    {"prio-raise", AVOID_PRIO_RAISE},
};
#define NAVOID (sizeof(avoid_names) / sizeof(avoid_names[0]))

long fz_avoid_parse(const char *list, const char **bad)
{
    uint32_t mask = 0;

    while (*list) {
        size_t n = strcspn(list, ",");
        unsigned i;

        if (n == 3 && strncmp(list, "all", 3) == 0) {
            for (i = 0; i < NAVOID; i++)
                mask |= avoid_names[i].bit;
        } else if (n > 0) {
            for (i = 0; i < NAVOID; i++)
                if (strlen(avoid_names[i].name) == n && strncmp(list, avoid_names[i].name, n) == 0)
                    break;
            if (i == NAVOID) {
                *bad = list;
                return -1;
            }
            mask |= avoid_names[i].bit;
        }
        list += n;
        if (*list == ',')
            list++;
    }
    return mask;
}

void fz_avoid_format(uint32_t mask, char *buf, unsigned size)
{
    unsigned used = 0;

    buf[0] = 0;
    for (unsigned i = 0; i < NAVOID; i++) {
        size_t n = strlen(avoid_names[i].name);
        if (!(mask & avoid_names[i].bit) || used + n + 2 > size)
            continue;
        if (used)
            buf[used++] = ',';
        memcpy(buf + used, avoid_names[i].name, n + 1);
        used += (unsigned)n;
    }
}

static int usage(const char *arg)
{
    fz_say("sysfuzz: bad argument '%s'; usage: sysfuzz [seed=N] [calls=N] [per=N] [procs=N] "
           "[from=ROUND] [replay=SEED] [avoid=CLASS,...|all] [trace]",
           arg);
    return 2;
}

int main(int argc, char **argv)
{
    struct fz_options o = {
        .seed = 0,
        .calls = 20000,
        .per = 2500,
        .procs = 0,
        .replay = 0,
        .irq_handle = -1,
    };
    int role = 0; /* 0 supervisor, 1 child, 2 grand */
    int seeded = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = strchr(a, '=');
        const char *bad = a;
        long mask;

        v = v ? v + 1 : "";
        if (strcmp(a, "child") == 0)
            role = 1;
        else if (strcmp(a, "grand") == 0)
            role = 2;
        else if (strcmp(a, "trace") == 0)
            o.trace = 1;
        else if (strcmp(a, "stats") == 0)
            o.stats = 1;
        else if (strncmp(a, "seed=", 5) == 0)
            o.seed = strtoull(v, NULL, 0), seeded = 1;
        else if (strncmp(a, "replay=", 7) == 0)
            o.seed = strtoull(v, NULL, 0), o.replay = 1, seeded = 1;
        else if (strncmp(a, "calls=", 6) == 0)
            o.calls = strtoull(v, NULL, 0);
        else if (strncmp(a, "per=", 4) == 0)
            o.per = (uint32_t)strtoul(v, NULL, 0);
        else if (strncmp(a, "procs=", 6) == 0)
            o.procs = (uint32_t)strtoul(v, NULL, 0);
        else if (strncmp(a, "from=", 5) == 0)
            o.from = (uint32_t)strtoul(v, NULL, 0);
        else if (strncmp(a, "avoid=", 6) == 0 && (mask = fz_avoid_parse(v, &bad)) >= 0)
            o.avoid = (uint32_t)mask;
        else
            return usage(bad);
    }
    if (role)
        return fz_run(&o, role == 2);
    if (getenv("SYSFUZZ_SPAWNED"))
        return 0;  /* a child or grandchild whose arguments were overwritten */
    if (!seeded) { /* a fresh seed from the clock, printed so the run can be replayed */
        long args[6] = {0};
        struct fz_ret ret;
        o.seed = fz_mix((uint64_t)fz_syscall(SYS_CLOCK_GET, args, &ret));
    }
    if (o.procs == 0)
        o.procs = (uint32_t)libos_nharts() + 1;
    if (o.per == 0)
        o.per = 1;
    return fz_supervise(&o);
}
