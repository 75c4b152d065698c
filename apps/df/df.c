/* df [-h|-k] [file...]: the size, use and free space of the file system
 * holding each file (default /), from statvfs: 1 KiB blocks (-k, the
 * default) or human-readable sizes (-h), and the inodes it has free.
 * Chime mounts one file system, the disk's ext2, at /. Exit 1 if a file
 * could not be examined ("df: name: reason"). */
#include <stdio.h>
#include <sys/statvfs.h>

#include <userland/ulib.h>

static int human;

static void size(char *buf, size_t len, unsigned long long bytes)
{
    static const char units[] = "KMGT";
    if (!human) {
        snprintf(buf, len, "%llu", (bytes + 1023) / 1024);
        return;
    }
    double v = (double)bytes / 1024;
    int u = 0;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

static int report(const char *path)
{
    struct statvfs st;
    if (statvfs(path, &st) < 0) {
        ul_warn_errno(path);
        return 1;
    }
    unsigned long long bs = st.f_frsize ? st.f_frsize : st.f_bsize;
    unsigned long long total = (unsigned long long)st.f_blocks * bs;
    unsigned long long avail = (unsigned long long)st.f_bavail * bs;
    unsigned long long used = ((unsigned long long)st.f_blocks - st.f_bfree) * bs;
    unsigned long long pct = used + avail ? (used * 100 + used + avail - 1) / (used + avail) : 0;
    char t[24], u[24], a[24];
    size(t, sizeof(t), total);
    size(u, sizeof(u), used);
    size(a, sizeof(a), avail);
    printf("%-10s %10s %10s %10s %4llu%% %9llu  %s\n", "ext2", t, u, a, pct,
           (unsigned long long)st.f_ffree, path);
    return 0;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, status = 0;

    ul_init("df");
    while ((c = ul_getopt(&o, argc, argv, "hk")) != -1) {
        if (c == 'h')
            human = 1;
        else if (c == 'k')
            human = 0;
        else
            ul_usage("[-h|-k] [file...]");
    }
    printf("%-10s %10s %10s %10s %5s %9s  %s\n", "Filesystem", human ? "Size" : "1K-blocks", "Used",
           "Available", "Use%", "IFree", "Path");
    if (o.index == argc)
        return report("/");
    for (int i = o.index; i < argc; i++)
        status |= report(argv[i]);
    return status;
}
