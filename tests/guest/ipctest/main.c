/* ipctest: dispatch to one test group or helper role (see ipctest.h). */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ipctest.h"
#include "libos/libos.h"
#include "libos/spawn.h"
#include "libos/syscall.h"

static int failed;

int tap(int ok, const char *fmt, ...)
{
    va_list ap;

    printf("%s - ", ok ? "ok" : "not ok");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    failed += !ok;
    return ok;
}

void tap_skip(const char *what, const char *why)
{
    printf("ok - %s # SKIP %s\n", what, why);
    fflush(stdout);
}

uint64_t now_ns(void)
{
    return (uint64_t)syscall0(SYS_CLOCK_GET);
}

void sleep_ns(uint64_t ns)
{
    syscall1(SYS_SLEEP, (long)ns);
}

pid_t self_spawn(char *const argv[], uint64_t hart_mask)
{
    pid_t pid = -1;
    int err = chime_spawn(&pid, argv, hart_mask);

    if (err) {
        tap(0, "spawn %s: error %d", argv[0], err);
        return -1;
    }
    return pid;
}

void proc_stop(pid_t pid)
{
    if (pid >= 0) {
        kill(pid, SIGKILL);
        chime_wait(pid, CHIME_FOREVER);
    }
}

pid_t echo_start(const char *name, uint64_t hart_mask, struct ipc_conn **c, size_t size,
                 unsigned flags)
{
    char *argv[] = {"echod", (char *)name, NULL};
    pid_t pid = self_spawn(argv, hart_mask);
    long r;

    if (pid < 0)
        return -1;
    r = ipc_connect_wait(c, name, size, flags, 5000000000ull);
    if (r < 0) {
        tap(0, "connect to %s: error %ld", name, r);
        proc_stop(pid);
        return -1;
    }
    return pid;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} groups[] = {
    {"stress", test_stress},
    {"stress-client", stress_client},
    {"regs", test_regs},
    {"wake", test_wake},
    {"bad", test_bad},
    {"vec-child", vec_child},
    {"kill", test_kill},
    {"busy-client", busy_client},
    {"irq", test_irq},
    {"uipi-child", uipi_child},
    {"zcopy", test_zcopy},
    {"hostile", test_hostile},
    {"idle-child", idle_child},
    {"lend-exit-child", lend_exit_child},
    {"hold-client", hold_client},
    {"many", test_many},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: ipctest stress|regs|wake|bad|kill|irq|zcopy|hostile|many\n");
        return 2;
    }
    for (unsigned i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        if (strcmp(argv[1], groups[i].name) == 0) {
            int r = groups[i].run(argc, argv);

            fflush(stdout);
            return r ? r : failed;
        }
    }
    printf("ipctest: no group %s\n", argv[1]);
    return 2;
}
