/* tee [-a] [file...]: copies stdin to stdout and to each file (-a: append).
 * Exit 1 if a file could not be opened or written; the others still get
 * the data. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <userland/ulib.h>

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, append = 0, status = 0;

    ul_init("tee");
    while ((c = ul_getopt(&o, argc, argv, "ai")) != -1) {
        if (c == 'a')
            append = 1;
        else if (c == '?')
            ul_usage("[-a] [file...]");
    }
    int n = argc - o.index;
    int *fds = malloc(((size_t)n + 1) * sizeof(int));
    if (fds == NULL) {
        ul_warn_errno("malloc");
        return 1;
    }
    fds[0] = 1;
    for (int i = 0; i < n; i++) {
        const char *name = argv[o.index + i];
        fds[i + 1] = open(name, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
        if (fds[i + 1] < 0) {
            ul_warn_errno(name);
            status = 1;
        }
    }
    char buf[4096];
    for (;;) {
        ssize_t r = read(0, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            ul_warn_errno("stdin");
            status = 1;
        }
        if (r <= 0)
            break;
        for (int i = 0; i <= n; i++) {
            if (fds[i] >= 0 && ul_write_all(fds[i], buf, (size_t)r) < 0) {
                ul_warn_errno(i == 0 ? "stdout" : argv[o.index + i - 1]);
                status = 1;
                if (i > 0)
                    close(fds[i]);
                fds[i] = -1;
            }
        }
    }
    for (int i = 1; i <= n; i++)
        if (fds[i] >= 0 && close(fds[i]) < 0) {
            ul_warn_errno(argv[o.index + i - 1]);
            status = 1;
        }
    free(fds);
    return status;
}
