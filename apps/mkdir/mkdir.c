/* mkdir [-p] dir...: creates directories; -p also creates missing parents
 * and is quiet when a directory already exists. Exit 1 if any failed. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <userland/ulib.h>

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* mkdir -p: each prefix of path in turn. */
static int make_parents(char *path)
{
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0777) < 0 && !(errno == EEXIST && is_dir(path))) {
            if (errno == EEXIST)
                errno = ENOTDIR;
            ul_warn_errno(path);
            *p = saved;
            return -1;
        }
        *p = saved;
        while (*p == '/')
            p++;
        if (*p == '\0')
            return 0;
    }
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, parents = 0, status = 0;

    ul_init("mkdir");
    while ((c = ul_getopt(&o, argc, argv, "p")) != -1) {
        if (c == 'p')
            parents = 1;
        else
            ul_usage("[-p] dir...");
    }
    if (o.index == argc)
        ul_usage("[-p] dir...");
    for (int i = o.index; i < argc; i++) {
        if (parents) {
            status |= make_parents(argv[i]) < 0;
        } else if (mkdir(argv[i], 0777) < 0) {
            ul_warn_errno(argv[i]);
            status = 1;
        }
    }
    return status;
}
