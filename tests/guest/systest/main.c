/* systest: see systest.h. Run it as init's program: `make run RUN=systest`. */
#include "systest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <libos/libos.h>
#include <libos/spawn.h>
#include <libos/syscall.h>

static int passed, failed;

int check(int cond, const char *fmt, ...)
{
    char what[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    printf("%s - %s\n", cond ? "ok" : "not ok", what);
    if (cond)
        passed++;
    else
        failed++;
    return cond;
}

int child_start(pid_t *pid, char *const args[], uint64_t hart_mask)
{
    char *argv[16] = {"systest_child"};
    int n;

    for (n = 0; n < 14 && args[n] != NULL; n++)
        argv[n + 1] = args[n];
    argv[n + 1] = NULL;
    return chime_spawn(pid, argv, hart_mask);
}

long child_run(char *const args[], uint64_t hart_mask)
{
    pid_t pid;
    int err = child_start(&pid, args, hart_mask);

    if (err != 0)
        return -err;
    return chime_wait(pid, CHIME_FOREVER);
}

uint64_t now_ns(void)
{
    return (uint64_t)syscall0(SYS_CLOCK_GET);
}

long free_frames(void)
{
    return syscall0(SYS_MEM_STATS);
}

int main(int argc, char **argv)
{
    printf("systest: %d hart%s, starting on hart %d\n", libos_nharts(),
           libos_nharts() == 1 ? "" : "s", libos_hart_self());
    test_abi();
    test_faults();
    test_pointers();
    test_handles();
    test_process();
    test_time();
    test_memory();
    test_protect();
    test_lifetime();
    test_priority();
    test_threads();
    printf("1..%d\n", passed + failed);
    printf("systest: %d passed, %d failed\n", passed, failed);
    return failed > 255 ? 255 : failed;
}
