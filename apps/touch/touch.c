/* touch [-c] file...: sets each file's access and modification times to
 * now, creating it (empty) unless it exists or -c is given. Exit 1 if any
 * failed. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <userland/ulib.h>

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, no_create = 0, status = 0;

    ul_init("touch");
    while ((c = ul_getopt(&o, argc, argv, "c")) != -1) {
        if (c == 'c')
            no_create = 1;
        else
            ul_usage("[-c] file...");
    }
    if (o.index == argc)
        ul_usage("[-c] file...");
    for (int i = o.index; i < argc; i++) {
        if (utimensat(AT_FDCWD, argv[i], NULL, 0) == 0)
            continue;
        if (errno != ENOENT) {
            ul_warn_errno(argv[i]);
            status = 1;
            continue;
        }
        if (no_create)
            continue;
        int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
        if (fd < 0) {
            ul_warn_errno(argv[i]);
            status = 1;
            continue;
        }
        close(fd);
    }
    return status;
}
