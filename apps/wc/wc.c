/* wc [-clw] [file...]: counts lines (newlines), words (runs of non-blanks)
 * and bytes of each file ("-" or none: stdin), printed in that order as
 * "%d %d %d name"; only the counts asked for with options, all three
 * without. A "total" line follows when there are several files. Exit 1 if
 * a file could not be read. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <userland/ulib.h>

static int want_lines, want_words, want_bytes;

struct counts {
    long long lines, words, bytes;
};

static int count(int fd, const char *name, struct counts *c)
{
    char buf[4096];
    int in_word = 0;

    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ul_warn_errno(name);
            return -1;
        }
        if (n == 0)
            return 0;
        c->bytes += n;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)buf[i];
            c->lines += ch == '\n';
            if (isspace(ch)) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                c->words++;
            }
        }
    }
}

static void report(const struct counts *c, const char *name)
{
    const char *sep = "";

    if (want_lines) {
        printf("%lld", c->lines);
        sep = " ";
    }
    if (want_words) {
        printf("%s%lld", sep, c->words);
        sep = " ";
    }
    if (want_bytes)
        printf("%s%lld", sep, c->bytes);
    if (name != NULL)
        printf(" %s", name);
    putchar('\n');
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    struct counts total = {0};
    int c, status = 0;

    ul_init("wc");
    while ((c = ul_getopt(&o, argc, argv, "clwm")) != -1) {
        if (c == 'l')
            want_lines = 1;
        else if (c == 'w')
            want_words = 1;
        else if (c == 'c' || c == 'm')
            want_bytes = 1;
        else
            ul_usage("[-clw] [file...]");
    }
    if (!want_lines && !want_words && !want_bytes)
        want_lines = want_words = want_bytes = 1;
    if (o.index == argc) {
        struct counts one = {0};
        status = count(0, "stdin", &one) < 0;
        report(&one, NULL);
        return status;
    }
    for (int i = o.index; i < argc; i++) {
        struct counts one = {0};
        int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
        if (fd < 0) {
            ul_warn_errno(argv[i]);
            status = 1;
            continue;
        }
        if (count(fd, argv[i], &one) < 0)
            status = 1;
        if (fd != 0)
            close(fd);
        report(&one, argv[i]);
        total.lines += one.lines;
        total.words += one.words;
        total.bytes += one.bytes;
    }
    if (argc - o.index > 1)
        report(&total, "total");
    return status;
}
