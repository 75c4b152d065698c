/* ln [-sf] target name / ln [-sf] target... dir: makes hard links (-s:
 * symbolic links) to target; -f replaces an existing name. Exit 1 if any
 * link was not made. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <userland/ulib.h>

static int symbolic, force;

static int make_link(const char *target, const char *name)
{
    if (force)
        unlink(name);
    if ((symbolic ? symlink(target, name) : link(target, name)) < 0) {
        ul_warn_errno(name);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    struct stat st;
    int c, status = 0;

    ul_init("ln");
    while ((c = ul_getopt(&o, argc, argv, "sf")) != -1) {
        if (c == 's')
            symbolic = 1;
        else if (c == 'f')
            force = 1;
        else
            ul_usage("[-sf] target name | [-sf] target... dir");
    }
    int n = argc - o.index;
    if (n < 1)
        ul_usage("[-sf] target name | [-sf] target... dir");
    const char *last = argv[argc - 1];
    if (n == 1 || (n >= 2 && stat(last, &st) == 0 && S_ISDIR(st.st_mode))) {
        const char *dir = n == 1 ? "." : last;
        int end = n == 1 ? argc : argc - 1;
        for (int i = o.index; i < end; i++) {
            char *base = ul_basename(argv[i]);
            char *name = base ? ul_path_join(dir, base) : NULL;
            if (name == NULL || make_link(argv[i], name) < 0)
                status = 1;
            free(base);
            free(name);
        }
        return status;
    }
    if (n > 2) {
        ul_warn("%s: not a directory", last);
        return 1;
    }
    return make_link(argv[o.index], last) < 0;
}
