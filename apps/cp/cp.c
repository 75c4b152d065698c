/* cp [-r] src dst / cp [-r] src... dir: copies files, keeping their
 * permission bits. -r copies directories with what they hold (symbolic
 * links inside are copied as links). Exit 1 if anything was not copied. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <userland/ulib.h>

static int recursive;

static int copy_file(const char *src, const char *dst, mode_t mode)
{
    int in = open(src, O_RDONLY);
    if (in < 0) {
        ul_warn_errno(src);
        return -1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777);
    if (out < 0) {
        ul_warn_errno(dst);
        close(in);
        return -1;
    }
    char buf[8192];
    int status = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ul_warn_errno(src);
            status = -1;
        }
        if (n <= 0)
            break;
        if (ul_write_all(out, buf, (size_t)n) < 0) {
            ul_warn_errno(dst);
            status = -1;
            break;
        }
    }
    close(in);
    if (close(out) < 0) {
        ul_warn_errno(dst);
        status = -1;
    }
    return status;
}

static int copy_path(const char *src, const char *dst, int top);

static int copy_dir(const char *src, const char *dst, mode_t mode)
{
    if (mkdir(dst, (mode & 07777) | 0700) < 0) {
        struct stat st;
        if (errno != EEXIST || stat(dst, &st) < 0 || !S_ISDIR(st.st_mode)) {
            if (errno == EEXIST)
                errno = ENOTDIR;
            ul_warn_errno(dst);
            return -1;
        }
    }
    DIR *d = opendir(src);
    if (d == NULL) {
        ul_warn_errno(src);
        return -1;
    }
    int status = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *s = ul_path_join(src, e->d_name), *t = ul_path_join(dst, e->d_name);
        if (s == NULL || t == NULL || copy_path(s, t, 0) < 0)
            status = -1;
        free(s);
        free(t);
    }
    closedir(d);
    if (chmod(dst, mode & 07777) < 0) {
        ul_warn_errno(dst);
        status = -1;
    }
    return status;
}

/* Copies src to dst; top: src is an operand (links followed), else an
 * entry found by -r (links copied as links). */
static int copy_path(const char *src, const char *dst, int top)
{
    struct stat st, dst_st;

    if ((top ? stat(src, &st) : lstat(src, &st)) < 0) {
        ul_warn_errno(src);
        return -1;
    }
    if (stat(dst, &dst_st) == 0 && dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino) {
        ul_warn("%s and %s are the same file", src, dst);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive) {
            ul_warn("%s: is a directory (not copied; use -r)", src);
            return -1;
        }
        return copy_dir(src, dst, st.st_mode);
    }
    if (S_ISLNK(st.st_mode)) {
        char target[1024];
        ssize_t n = readlink(src, target, sizeof(target) - 1);
        if (n < 0) {
            ul_warn_errno(src);
            return -1;
        }
        target[n] = '\0';
        unlink(dst);
        if (symlink(target, dst) < 0) {
            ul_warn_errno(dst);
            return -1;
        }
        return 0;
    }
    return copy_file(src, dst, st.st_mode);
}

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, status = 0;

    ul_init("cp");
    while ((c = ul_getopt(&o, argc, argv, "rRp")) != -1) {
        if (c == 'r' || c == 'R')
            recursive = 1;
        else if (c == '?')
            ul_usage("[-r] src dst | [-r] src... dir");
    }
    int n = argc - o.index;
    if (n < 2)
        ul_usage("[-r] src dst | [-r] src... dir");
    const char *dst = argv[argc - 1];
    if (!is_dir(dst)) {
        if (n > 2) {
            ul_warn("%s: not a directory", dst);
            return 1;
        }
        return copy_path(argv[o.index], dst, 1) < 0;
    }
    for (int i = o.index; i < argc - 1; i++) {
        char *base = ul_basename(argv[i]);
        char *target = base ? ul_path_join(dst, base) : NULL;
        if (target == NULL || copy_path(argv[i], target, 1) < 0)
            status = 1;
        free(base);
        free(target);
    }
    return status;
}
