/* ipcstat [-s service]: every connection to a published IPC service
 * (SYS_SYSINFO, include/chime/sysinfo.h), or only those of one service:
 * the service, client and server (id:name, "-" once gone), requests the
 * client queued, replies the server queued, notifications each way that
 * went through the kernel's general path (IN: to the server, OUT: to the
 * client; the fastpath's direct hand-offs are not counted) and
 * descriptors the server rejected. Exit 1 if the kernel cannot be asked,
 * 2 on a usage error. */
#include <stdio.h>
#include <string.h>

#include <userland/sysinfo_read.h>
#include <userland/ulib.h>

static struct sysinfo_proc *procs;
static size_t nprocs;

/* "id:name", or "-" for a side that has gone. */
static const char *who(uint64_t id, char *buf, size_t len)
{
    if (id == 0)
        return "-";
    const char *name = "?";
    for (size_t j = 0; j < nprocs; j++)
        if (procs[j].id == id)
            name = procs[j].name;
    snprintf(buf, len, "%llu:%.12s", (unsigned long long)id, name);
    return buf;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    const char *only = NULL;
    size_t n;
    int ch;

    ul_init("ipcstat");
    while ((ch = ul_getopt(&o, argc, argv, "s:")) != -1) {
        if (ch == 's')
            only = o.arg;
        else
            ul_usage("[-s service]");
    }
    if (o.index < argc)
        ul_usage("[-s service]");
    struct sysinfo_conn *c = sysinfo_read(SYSINFO_CONNS, sizeof(*c), &n);
    procs = c ? sysinfo_read(SYSINFO_PROCS, sizeof(*procs), &nprocs) : NULL;
    if (procs == NULL) {
        ul_warn_errno("SYS_SYSINFO");
        return 1;
    }
    printf("%-12s %-20s %-14s %8s %8s %6s %6s %8s\n", "SERVICE", "CLIENT", "SERVER", "REQUESTS",
           "REPLIES", "IN", "OUT", "REJECTED");
    int shown = 0;
    for (size_t i = 0; i < n; i++) {
        char cb[48], sb[48];
        if (only != NULL && strcmp(c[i].service, only) != 0)
            continue;
        shown++;
        printf("%-12.31s %-20s %-14s %8u %8u %6u %6u %8u\n", c[i].service,
               who(c[i].client, cb, sizeof(cb)), who(c[i].server, sb, sizeof(sb)),
               (unsigned)c[i].requests, (unsigned)c[i].replies, (unsigned)c[i].notify_in,
               (unsigned)c[i].notify_out, (unsigned)c[i].rejected);
    }
    if (only != NULL && shown == 0) {
        ul_warn("%s: no connections to that service", only);
        return 1;
    }
    free(c);
    free(procs);
    return 0;
}
