/* mv src dst / mv src... dir: renames files and directories; into dir when
 * the last operand is a directory. Exit 1 if anything was not moved. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <userland/ulib.h>

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int move(const char *src, const char *dst)
{
    if (rename(src, dst) < 0) {
        ul_warn("cannot move %s to %s: %s", src, dst, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, status = 0;

    ul_init("mv");
    while ((c = ul_getopt(&o, argc, argv, "f")) != -1)
        if (c == '?')
            ul_usage("src dst | src... dir");
    int n = argc - o.index;
    if (n < 2)
        ul_usage("src dst | src... dir");
    const char *dst = argv[argc - 1];
    if (!is_dir(dst)) {
        if (n > 2) {
            ul_warn("%s: not a directory", dst);
            return 1;
        }
        return move(argv[o.index], dst) < 0;
    }
    for (int i = o.index; i < argc - 1; i++) {
        char *base = ul_basename(argv[i]);
        char *target = base ? ul_path_join(dst, base) : NULL;
        if (target == NULL || move(argv[i], target) < 0)
            status = 1;
        free(base);
        free(target);
    }
    return status;
}
