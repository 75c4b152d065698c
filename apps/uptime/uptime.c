/* uptime: how long the machine has run since the kernel booted
 * (CLOCK_MONOTONIC), the harts online, the processes the kernel lists and
 * how many of them are runnable now (a thread running or ready: Chime keeps
 * no load average). No options. */
#include <stdio.h>
#include <time.h>

#include <userland/sysinfo_read.h>
#include <userland/ulib.h>

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    struct timespec ts;
    size_t n, runnable = 0;

    ul_init("uptime");
    if (ul_getopt(&o, argc, argv, "") != -1 || o.index < argc)
        ul_usage("");
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) {
        ul_warn_errno("clock_gettime");
        return 1;
    }
    struct sysinfo_proc *p = sysinfo_read(SYSINFO_PROCS, sizeof(*p), &n);
    if (p == NULL) {
        ul_warn_errno("SYS_SYSINFO");
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        runnable += p[i].state == SYSINFO_RUNNING || p[i].state == SYSINFO_READY;
    long long s = (long long)ts.tv_sec;
    printf("up ");
    if (s >= 86400)
        printf("%lld day%s, ", s / 86400, s / 86400 == 1 ? "" : "s");
    printf("%lld:%02lld:%02lld, %d hart%s, %zu processes, %zu runnable\n", s % 86400 / 3600,
           s % 3600 / 60, s % 60, libos_nharts(), libos_nharts() == 1 ? "" : "s", n, runnable);
    free(p);
    return 0;
}
