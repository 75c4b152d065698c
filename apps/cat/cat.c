/* cat [-u] [file...]: copies each file ("-" or none: stdin) to stdout.
 * Exit 0, or 1 if any file could not be read (the others are still copied). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <userland/ulib.h>

/* Copies fd to stdout; 0, or -1 after a message naming name. */
static int copy(int fd, const char *name)
{
    char buf[4096];

    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n == 0)
            return 0;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ul_warn_errno(name);
            return -1;
        }
        if (ul_write_all(1, buf, (size_t)n) < 0) {
            ul_warn_errno("write error");
            return -1;
        }
    }
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, status = 0;

    ul_init("cat");
    while ((c = ul_getopt(&o, argc, argv, "u")) != -1)
        if (c == '?')
            ul_usage("[-u] [file...]");
    if (o.index == argc)
        return copy(0, "stdin") < 0;
    for (int i = o.index; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            status |= copy(0, "stdin") < 0;
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            ul_warn_errno(argv[i]);
            status = 1;
            continue;
        }
        status |= copy(fd, argv[i]) < 0;
        close(fd);
    }
    return status;
}
