/* stat [-L] file...: prints what the system records about each file (its
 * lstat, or with -L what a link points to):
 *
 *     File: name [-> target]
 *     Type: regular file  Size: 12  Blocks: 8  Links: 1
 *     Mode: 0644 (-rw-r--r--)  Uid: 0  Gid: 0
 *     Device: 2049  Inode: 1234
 *   Access: 2026-12-01 22:08:51
 *   Modify: ...
 *   Change: ...
 *
 * Exit 1 if any file could not be examined. */
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <userland/ulib.h>

static const char *type_name(mode_t m)
{
    if (S_ISREG(m))
        return "regular file";
    if (S_ISDIR(m))
        return "directory";
    if (S_ISLNK(m))
        return "symbolic link";
    if (S_ISCHR(m))
        return "character device";
    if (S_ISBLK(m))
        return "block device";
    if (S_ISFIFO(m))
        return "fifo";
    if (S_ISSOCK(m))
        return "socket";
    return "unknown";
}

static void print_time(const char *label, time_t t)
{
    char buf[64];
    struct tm *tm = localtime(&t);

    if (tm == NULL || strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", tm) == 0)
        snprintf(buf, sizeof(buf), "%lld", (long long)t);
    printf("%8s: %s\n", label, buf);
}

static int show(const char *path, int follow)
{
    struct stat st;
    char perms[10];

    if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) {
        ul_warn_errno(path);
        return -1;
    }
    printf("    File: %s", path);
    if (S_ISLNK(st.st_mode)) {
        char target[1024];
        ssize_t n = readlink(path, target, sizeof(target) - 1);
        if (n >= 0) {
            target[n] = '\0';
            printf(" -> %s", target);
        }
    }
    printf("\n    Type: %s  Size: %lld  Blocks: %lld  Links: %lu\n", type_name(st.st_mode),
           (long long)st.st_size, (long long)st.st_blocks, (unsigned long)st.st_nlink);
    for (int i = 0; i < 9; i++)
        perms[i] = (st.st_mode & (0400 >> i)) ? "rwxrwxrwx"[i] : '-';
    perms[9] = '\0';
    printf("    Mode: %04o (%s)  Uid: %lu  Gid: %lu\n", (unsigned)(st.st_mode & 07777), perms,
           (unsigned long)st.st_uid, (unsigned long)st.st_gid);
    printf("  Device: %lu  Inode: %lu\n", (unsigned long)st.st_dev, (unsigned long)st.st_ino);
    print_time("Access", st.st_atime);
    print_time("Modify", st.st_mtime);
    print_time("Change", st.st_ctime);
    return 0;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, follow = 0, status = 0;

    ul_init("stat");
    while ((c = ul_getopt(&o, argc, argv, "L")) != -1) {
        if (c == 'L')
            follow = 1;
        else
            ul_usage("[-L] file...");
    }
    if (o.index == argc)
        ul_usage("[-L] file...");
    for (int i = o.index; i < argc; i++)
        status |= show(argv[i], follow) < 0;
    return status;
}
