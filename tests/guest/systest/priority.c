/* Priority ceilings: a process's threads never run above the ceiling its
 * parent set (by default the lower of the parent's and
 * CHIME_PRIO_DEFAULT), so a child spinning as high as it may cannot
 * starve a parent that runs above that. */
#include "systest.h"

#include <libos/libos.h>
#include <libos/spawn.h>
#include <libos/syscall.h>

#define MS 1000000ull

static long run_with_ceiling(char *const args[], int ceiling)
{
    char *argv[] = {"systest_child", args[0], args[1], NULL};
    posix_spawnattr_t attr;
    pid_t pid;
    int err;

    if (posix_spawnattr_init(&attr) != 0)
        return -1;
    if (ceiling >= 0)
        chime_spawnattr_setprioceiling(&attr, ceiling);
    err = posix_spawn(&pid, "systest_child", NULL, &attr, argv, NULL);
    posix_spawnattr_destroy(&attr);
    return err != 0 ? -err : chime_wait(pid, CHIME_FOREVER);
}

static void ceilings(void)
{
    char *dflt[] = {"prio", "10", NULL};
    char *five[] = {"prio", "5", NULL};
    char *thirty[] = {"prio", "30", NULL};
    long r;

    r = run_with_ceiling(dflt, -1);
    check(r == 0, "priority: by default a child's ceiling is CHIME_PRIO_DEFAULT (check %ld)", r);
    r = run_with_ceiling(five, 5);
    check(r == 0, "priority: a child spawned with ceiling 5 has 5, not 6 or 31 (check %ld)", r);
    r = run_with_ceiling(thirty, 30);
    check(r == 0, "priority: a parent may give a child up to its own ceiling (check %ld)", r);
    r = syscall2(SYS_SPACE_PRIO_CEILING, CHIME_SELF, CHIME_PRIO_MAX + 1);
    check(r == CHIME_EINVAL, "priority: a ceiling above CHIME_PRIO_MAX = CHIME_EINVAL (got %ld)",
          r);
}

/* The parent, one above the child's ceiling, sleeps 10 ms six times on
 * the hart where the child spins (for 3 s, from its start): every sleep
 * ends on time. */
static void no_starvation(void)
{
    char *args[] = {"spinhigh", "10", NULL};
    int hart = libos_hart_self();
    uint64_t worst = 0;
    pid_t pid;

    if (!check(syscall2(SYS_THREAD_AFFINITY, CHIME_SELF, 1l << hart) == 0 &&
                   syscall2(SYS_THREAD_PRIORITY, CHIME_SELF, CHIME_PRIO_DEFAULT + 1) == 0,
               "priority: systest runs at %d on hart %d", CHIME_PRIO_DEFAULT + 1, hart))
        return;
    if (child_start(&pid, args, 1ull << hart) == 0) {
        for (int i = 0; i < 6; i++) {
            uint64_t t0 = now_ns();
            syscall1(SYS_SLEEP, 10 * MS);
            uint64_t t = now_ns() - t0;
            worst = t > worst ? t : worst;
        }
        check(worst < 100 * MS,
              "priority: beside a child spinning at its ceiling, 10 ms sleeps took at most %llu us",
              (unsigned long long)(worst / 1000));
        syscall2(SYS_SPACE_KILL, pid, CHIME_STATUS_KILLED);
        chime_wait(pid, CHIME_FOREVER);
    } else {
        check(0, "priority: spawn a spinning child");
    }
    syscall2(SYS_THREAD_PRIORITY, CHIME_SELF, CHIME_PRIO_DEFAULT);
    syscall2(SYS_THREAD_AFFINITY, CHIME_SELF, 0);
}

void test_priority(void)
{
    ceilings();
    no_starvation();
}
