/* rm [-rf] file...: removes files; -r also directories with all they hold
 * (symbolic links are removed, never followed); -f: no message and no
 * failure for files that do not exist. Exit 1 if anything was not removed. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <userland/ulib.h>

static int recursive, force;

static int remove_path(const char *path);

static int remove_dir_contents(const char *path)
{
    DIR *d = opendir(path);
    int status = 0;

    if (d == NULL) {
        ul_warn_errno(path);
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = ul_path_join(path, e->d_name);
        if (child == NULL || remove_path(child) < 0)
            status = -1;
        free(child);
    }
    closedir(d);
    return status;
}

static int remove_path(const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        if (force && errno == ENOENT)
            return 0;
        ul_warn_errno(path);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive) {
            ul_warn("%s: is a directory", path);
            return -1;
        }
        if (remove_dir_contents(path) < 0)
            return -1;
        if (rmdir(path) < 0) {
            ul_warn_errno(path);
            return -1;
        }
        return 0;
    }
    if (unlink(path) < 0) {
        ul_warn_errno(path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, status = 0;

    ul_init("rm");
    while ((c = ul_getopt(&o, argc, argv, "rRf")) != -1) {
        if (c == 'r' || c == 'R')
            recursive = 1;
        else if (c == 'f')
            force = 1;
        else
            ul_usage("[-rf] file...");
    }
    if (o.index == argc && !force)
        ul_usage("[-rf] file...");
    for (int i = o.index; i < argc; i++) {
        char *base = ul_basename(argv[i]);
        if (base != NULL && (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)) {
            ul_warn("refusing to remove '.' or '..': %s", argv[i]);
            status = 1;
        } else {
            status |= remove_path(argv[i]) < 0;
        }
        free(base);
    }
    return status;
}
