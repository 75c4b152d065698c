/* du [-s] [file...]: the disk space each file uses, directories counted with
 * everything inside them, in KiB (1024-byte units, rounded up), as
 * "size<TAB>name". Without -s every directory found is listed, innermost
 * first; with -s only the operands. Default operand ".". Symbolic links are
 * counted, never followed; a file with several links inside the tree is
 * counted each time. Exit 1 if something could not be examined. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <userland/ulib.h>

static int summary;
static int status;

/* Bytes of disk under path (512-byte blocks * 512). */
static long long usage(const char *path, int top)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        ul_warn_errno(path);
        status = 1;
        return 0;
    }
    long long total = (long long)st.st_blocks * 512;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d == NULL) {
            ul_warn_errno(path);
            status = 1;
        } else {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char *child = ul_path_join(path, e->d_name);
                if (child != NULL)
                    total += usage(child, 0);
                free(child);
            }
            closedir(d);
        }
    }
    if (top || (!summary && S_ISDIR(st.st_mode)))
        printf("%lld\t%s\n", (total + 1023) / 1024, path);
    return total;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c;

    ul_init("du");
    while ((c = ul_getopt(&o, argc, argv, "sk")) != -1) {
        if (c == 's')
            summary = 1;
        else if (c == '?')
            ul_usage("[-s] [file...]");
    }
    if (o.index == argc)
        usage(".", 1);
    for (int i = o.index; i < argc; i++)
        usage(argv[i], 1);
    return status;
}
