/* tail [-n [+]count] [file]: the last count lines (default 10) of a file
 * (or stdin); with +count, everything from line count on. Exit 1 if the
 * file could not be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <userland/ulib.h>

/* Reads all of f; NULL on error. */
static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 4096;
    char *buf = malloc(cap);

    *len = 0;
    while (buf != NULL) {
        size_t n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
        if (*len == cap) {
            char *p = realloc(buf, cap *= 2);
            if (p == NULL)
                free(buf);
            buf = p;
        }
    }
    if (buf != NULL && ferror(f)) {
        free(buf);
        return NULL;
    }
    return buf;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    long count = 10;
    int c, from_start = 0;

    ul_init("tail");
    while ((c = ul_getopt(&o, argc, argv, "n:")) != -1) {
        const char *a = o.arg;
        if (c == 'n' && a[0] == '+') {
            from_start = 1;
            a++;
        }
        if (c != 'n' || ul_parse_long(a, &count) < 0 || count < 0) {
            if (c == 'n')
                ul_warn("invalid line count '%s'", o.arg);
            ul_usage("[-n [+]count] [file]");
        }
    }
    if (argc - o.index > 1)
        ul_usage("[-n [+]count] [file]");
    const char *name = o.index < argc ? argv[o.index] : "-";
    FILE *f = ul_open_input(name);
    if (f == NULL)
        return 1;
    size_t len;
    char *text = slurp(f, &len);
    if (text == NULL) {
        ul_warn_errno(name);
        return 1;
    }
    size_t start = 0;
    if (from_start) {
        for (long line = 1; line < count && start < len; start++)
            line += text[start] == '\n';
    } else {
        /* Walk back over count newlines; a final newline ends the last line. */
        size_t i = len;
        long seen = 0;
        if (i > 0 && text[i - 1] == '\n')
            i--;
        while (i > 0 && !(text[i - 1] == '\n' && ++seen == count))
            i--;
        start = count == 0 ? len : i;
    }
    fwrite(text + start, 1, len - start, stdout);
    free(text);
    ul_close_input(f);
    return 0;
}
