/* free [-k|-m|-h]: the machine's memory as the kernel's frame allocator
 * sees it (SYS_MEM_STATS): total, used and free, in KiB (-k, the default),
 * MiB (-m) or a human-readable unit (-h). Used is what the kernel and every
 * process hold: page tables, kernel objects and user pages alike. */
#include <stdio.h>

#include <chime/syscall.h>

#include <libos/syscall.h>
#include <userland/ulib.h>

#define FRAME_KIB 4ull

static char unit = 'k';

static void show(char *buf, size_t len, unsigned long long kib)
{
    if (unit == 'm') {
        snprintf(buf, len, "%llu", kib / 1024);
    } else if (unit == 'h') {
        if (kib >= 10 * 1024)
            snprintf(buf, len, "%lluM", kib / 1024);
        else
            snprintf(buf, len, "%lluK", kib);
    } else {
        snprintf(buf, len, "%llu", kib);
    }
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c;

    ul_init("free");
    while ((c = ul_getopt(&o, argc, argv, "kmh")) != -1) {
        if (c == 'k' || c == 'm' || c == 'h')
            unit = (char)c;
        else
            ul_usage("[-k|-m|-h]");
    }
    if (o.index < argc)
        ul_usage("[-k|-m|-h]");
    struct sysret2 r = syscall3_2(SYS_MEM_STATS, 0, 0, 0);
    if (r.a0 < 0 || (unsigned long)r.a1 < (unsigned long)r.a0) {
        ul_warn("SYS_MEM_STATS failed (%ld)", r.a0);
        return 1;
    }
    unsigned long long total = (unsigned long long)r.a1 * FRAME_KIB;
    unsigned long long avail = (unsigned long long)r.a0 * FRAME_KIB;
    char t[24], u[24], f[24];
    show(t, sizeof(t), total);
    show(u, sizeof(u), total - avail);
    show(f, sizeof(f), avail);
    printf("%-5s %12s %12s %12s\n", "", "total", "used", "free");
    printf("%-5s %12s %12s %12s\n", "Mem:", t, u, f);
    return 0;
}
