/* ps: every process the kernel knows (SYS_SYSINFO, include/chime/sysinfo.h),
 * one line each in creation order: id, parent id, name, state, the hart
 * its running (or first) thread is on, live threads, and the memory its
 * user pages take. A process that exited stays listed, "dead" with its
 * status, until its parent waits for it. No options; exit 1 if the kernel
 * cannot be asked. */
#include <stdio.h>
#include <string.h>

#include <userland/sysinfo_read.h>
#include <userland/ulib.h>

static const char *state_name(const struct sysinfo_proc *p)
{
    static const char *const names[] = {
        [SYSINFO_RUNNING] = "run",     [SYSINFO_READY] = "ready", [SYSINFO_BLOCKED] = "wait",
        [SYSINFO_EXITING] = "exiting", [SYSINFO_DEAD] = "dead",
    };
    return p->state < sizeof(names) / sizeof(names[0]) ? names[p->state] : "?";
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    size_t n;

    ul_init("ps");
    if (ul_getopt(&o, argc, argv, "") != -1 || o.index < argc)
        ul_usage("");
    struct sysinfo_proc *p = sysinfo_read(SYSINFO_PROCS, sizeof(*p), &n);
    if (p == NULL) {
        ul_warn_errno("SYS_SYSINFO");
        return 1;
    }
    printf("%5s %5s %-16s %-7s %4s %4s %8s\n", "PID", "PPID", "NAME", "STATE", "HART", "THR",
           "MEM");
    for (size_t i = 0; i < n; i++) {
        char hart[12] = "-";
        if (p[i].hart >= 0)
            snprintf(hart, sizeof(hart), "%d", (int)p[i].hart);
        printf("%5llu %5llu %-16.31s %-7s %4s %4u %7lluK", (unsigned long long)p[i].id,
               (unsigned long long)p[i].parent, p[i].name, state_name(&p[i]), hart,
               (unsigned)p[i].threads, (unsigned long long)p[i].pages * 4);
        if (p[i].state == SYSINFO_DEAD || p[i].state == SYSINFO_EXITING)
            printf(" (status %d)", (int)p[i].status);
        printf("\n");
    }
    free(p);
    return 0;
}
