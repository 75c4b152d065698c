/* How a process's lifetime ends with reference cycles: a handle a space
 * holds to itself keeps nothing alive, two spaces that have not started
 * cannot be made to hold each other, and a cycle through a running
 * process ends when it exits. Each time every frame comes back. */
#include "systest.h"

#include <libos/libos.h>
#include <libos/spawn.h>
#include <libos/syscall.h>

#define ROUNDS 50

static long space_new(void)
{
    static const char name[] = "systest_cycle";
    return syscall2(SYS_SPACE_CREATE, (long)name, sizeof(name) - 1);
}

/* SPACE_CREATE, grant the space a handle to itself (and a dup of it), close. */
static void self_handles(void)
{
    long before = free_frames(), r = 0;

    for (int i = 0; i < ROUNDS && r >= 0; i++) {
        long s = space_new();
        r = s;
        if (s >= 0) {
            r = syscall3(SYS_SPACE_GRANT, s, s, CHIME_R_ALL);
            syscall1(SYS_HANDLE_CLOSE, s);
        }
    }
    check(r >= 0 && free_frames() == before,
          "lifetime: %d spaces granted a handle to themselves, then closed: free frames %ld -> "
          "%ld (r %ld)",
          ROUNDS, before, free_frames(), r);
}

/* Two spaces that have not started may not hold each other. */
static void unstarted_pair(void)
{
    long before = free_frames(), a = space_new(), b = space_new(), ab, ba;

    if (!check(a >= 0 && b >= 0, "lifetime: two spaces for a cycle (%ld, %ld)", a, b))
        return;
    ab = syscall3(SYS_SPACE_GRANT, a, b, CHIME_R_ALL);
    ba = syscall3(SYS_SPACE_GRANT, b, a, CHIME_R_ALL);
    check(ab == CHIME_EPERM && ba == CHIME_EPERM,
          "lifetime: granting an unstarted space a handle to another = CHIME_EPERM (%ld, %ld)", ab,
          ba);
    syscall1(SYS_HANDLE_CLOSE, a);
    syscall1(SYS_HANDLE_CLOSE, b);
    check(free_frames() == before, "lifetime: closing both returns every frame (%ld -> %ld)",
          before, free_frames());
}

/* A running child and an unstarted space that hold each other: when the
 * child exits, its handles go, and with them the other space. */
static void cycle_through_running(void)
{
    char *args[] = {"sleep", "50", NULL};
    long before = free_frames(), e = space_new(), ce, ec, status;
    pid_t pid;

    if (!check(e >= 0 && child_start(&pid, args, 0) == 0,
               "lifetime: an unstarted space and a running child"))
        return;
    ce = syscall3(SYS_SPACE_GRANT, pid, e, CHIME_R_ALL);
    ec = syscall3(SYS_SPACE_GRANT, e, pid, CHIME_R_ALL);
    check(ce >= 0 && ec >= 0, "lifetime: each is granted a handle to the other (%ld, %ld)", ce, ec);
    syscall1(SYS_HANDLE_CLOSE, e);
    status = chime_wait(pid, CHIME_FOREVER);
    check(status == 7 && free_frames() == before,
          "lifetime: once the child exits both are gone: status %ld, free frames %ld -> %ld",
          status, before, free_frames());
}

void test_lifetime(void)
{
    self_handles();
    unstarted_pair();
    cycle_through_running();
}
