/* head [-n count] [file...]: the first count lines (default 10) of each
 * file ("-" or none: stdin), under "==> name <==" when there are several.
 * Exit 1 if a file could not be read. */
#include <stdio.h>
#include <stdlib.h>

#include <userland/ulib.h>

static int head(FILE *f, long count)
{
    int c;

    for (long lines = 0; lines < count && (c = getc(f)) != EOF;) {
        putchar(c);
        lines += c == '\n';
    }
    return ferror(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    long count = 10;
    int c, status = 0;

    ul_init("head");
    /* The old form "head -5" still works. */
    if (argc > 1 && argv[1][0] == '-' && ul_parse_long(argv[1] + 1, &count) == 0 && count >= 0)
        o.index = 2;
    while (o.index != 2 && (c = ul_getopt(&o, argc, argv, "n:")) != -1) {
        if (c != 'n' || ul_parse_long(o.arg, &count) < 0 || count < 0) {
            if (c == 'n')
                ul_warn("invalid line count '%s'", o.arg);
            ul_usage("[-n count] [file...]");
        }
    }
    if (o.index == argc)
        return head(stdin, count) < 0;
    int n = argc - o.index;
    for (int i = o.index; i < argc; i++) {
        FILE *f = ul_open_input(argv[i]);
        if (f == NULL) {
            status = 1;
            continue;
        }
        if (n > 1)
            printf("%s==> %s <==\n", i > o.index ? "\n" : "", argv[i]);
        if (head(f, count) < 0) {
            ul_warn_errno(argv[i]);
            status = 1;
        }
        ul_close_input(f);
    }
    return status;
}
