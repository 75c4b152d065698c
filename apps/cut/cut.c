/* cut -c list [file...] / cut -f list [-d delim] [-s] [file...]: writes the
 * selected characters (bytes) or fields (separated by delim, a tab by
 * default) of each line. A list is comma-separated numbers and ranges:
 * "1,3", "2-4", "3-" and "-2"; counting starts at 1. With -f, a line
 * without delim is written whole, or dropped with -s. Exit 1 if a file could
 * not be read, 2 for a bad list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <userland/ulib.h>

#define MAX_POS 4096

static unsigned char selected[MAX_POS + 2]; /* selected[i]: position i chosen */
static int open_end;                        /* "N-": everything from N on */

static int is_selected(long pos)
{
    if (pos > MAX_POS)
        return open_end != 0 && pos >= open_end;
    return selected[pos];
}

/* Parses a list into selected[]; 0, or -1 if it is malformed. */
static int parse_list(const char *list)
{
    const char *p = list;

    while (*p) {
        long lo = 1, hi;
        char *end;
        if (*p != '-') {
            lo = strtol(p, &end, 10);
            if (end == p || lo < 1)
                return -1;
            p = end;
        }
        hi = lo;
        if (*p == '-') {
            p++;
            if (*p == ',' || *p == '\0') {
                hi = MAX_POS;
                if (open_end == 0 || lo < open_end)
                    open_end = (int)(lo > MAX_POS ? MAX_POS : lo);
            } else {
                hi = strtol(p, &end, 10);
                if (end == p || hi < lo)
                    return -1;
                p = end;
            }
        }
        for (long i = lo; i <= hi && i <= MAX_POS; i++)
            selected[i] = 1;
        if (*p == ',')
            p++;
        else if (*p != '\0')
            return -1;
    }
    return 0;
}

static void cut_chars(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (is_selected((long)i + 1))
            putchar(line[i]);
    putchar('\n');
}

static void cut_fields(const char *line, size_t len, char delim, int only_delimited)
{
    if (memchr(line, delim, len) == NULL) {
        if (!only_delimited) {
            fwrite(line, 1, len, stdout);
            putchar('\n');
        }
        return;
    }
    long field = 1;
    int first = 1;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != delim)
            continue;
        if (is_selected(field)) {
            if (!first)
                putchar(delim);
            fwrite(line + start, 1, i - start, stdout);
            first = 0;
        }
        field++;
        start = i + 1;
    }
    putchar('\n');
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    const char *list = NULL;
    char delim = '\t';
    int c, by_fields = 0, only_delimited = 0, status = 0;

    ul_init("cut");
    while ((c = ul_getopt(&o, argc, argv, "b:c:f:d:s")) != -1) {
        switch (c) {
        case 'b':
        case 'c':
        case 'f':
            list = o.arg;
            by_fields = c == 'f';
            break;
        case 'd':
            if (strlen(o.arg) != 1) {
                ul_warn("the delimiter must be one character");
                return 2;
            }
            delim = o.arg[0];
            break;
        case 's':
            only_delimited = 1;
            break;
        default:
            ul_usage("-c list | -f list [-d delim] [-s] [file...]");
        }
    }
    if (list == NULL)
        ul_usage("-c list | -f list [-d delim] [-s] [file...]");
    if (parse_list(list) < 0) {
        ul_warn("invalid list '%s'", list);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    for (int i = o.index == argc ? -1 : o.index; i < argc; i++) {
        const char *name = i < 0 ? "-" : argv[i];
        FILE *f = ul_open_input(name);
        if (f == NULL) {
            status = 1;
            if (i < 0)
                break;
            continue;
        }
        ssize_t n;
        while ((n = ul_getline(&line, &cap, f)) >= 0) {
            size_t len = (size_t)n;
            if (len > 0 && line[len - 1] == '\n')
                len--;
            if (by_fields)
                cut_fields(line, len, delim, only_delimited);
            else
                cut_chars(line, len);
        }
        if (ferror(f)) {
            ul_warn_errno(name);
            status = 1;
        }
        ul_close_input(f);
        if (i < 0)
            break;
    }
    free(line);
    return status;
}
