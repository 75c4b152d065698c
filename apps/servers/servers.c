/* servers: every published IPC service (SYS_SYSINFO, include/chime/sysinfo.h):
 * its name, the process serving it (id and name), how many clients are
 * connected now, and how many connections it has in all (half-closed ones
 * too). No options; exit 1 if the kernel cannot be asked. */
#include <stdio.h>
#include <string.h>

#include <userland/sysinfo_read.h>
#include <userland/ulib.h>

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    size_t n, np = 0;

    ul_init("servers");
    if (ul_getopt(&o, argc, argv, "") != -1 || o.index < argc)
        ul_usage("");
    struct sysinfo_service *s = sysinfo_read(SYSINFO_SERVICES, sizeof(*s), &n);
    struct sysinfo_proc *p = s ? sysinfo_read(SYSINFO_PROCS, sizeof(*p), &np) : NULL;
    if (p == NULL) {
        ul_warn_errno("SYS_SYSINFO");
        return 1;
    }
    printf("%-16s %5s %-16s %7s %5s\n", "SERVICE", "PID", "SERVER", "CLIENTS", "CONNS");
    for (size_t i = 0; i < n; i++) {
        const char *name = "?";
        for (size_t j = 0; j < np; j++)
            if (p[j].id == s[i].server)
                name = p[j].name;
        printf("%-16.31s %5llu %-16.31s %7u %5u\n", s[i].name, (unsigned long long)s[i].server,
               name, (unsigned)s[i].clients, (unsigned)s[i].conns);
    }
    free(s);
    free(p);
    return 0;
}
