/* sort [-nru] [file...]: writes the lines of all files ("-" or none: stdin)
 * in order: by bytes, or with -n by the number each starts with (then by
 * bytes); -r reverses; -u keeps one of each run of equal lines. Exit 1 if
 * a file could not be read (nothing is written then). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <userland/ulib.h>

static int numeric, reverse;

struct lines {
    char **v;
    size_t n, cap;
};

static int add_line(struct lines *l, char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        char **v = realloc(l->v, cap * sizeof(char *));
        if (v == NULL)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return 0;
}

/* The key comparison: 0 means equal for -u. */
static int key_cmp(const char *a, const char *b)
{
    if (numeric) {
        double x = strtod(a, NULL), y = strtod(b, NULL);
        if (x != y)
            return x < y ? -1 : 1;
        return 0;
    }
    return strcmp(a, b);
}

static int line_cmp(const void *pa, const void *pb)
{
    const char *a = *(char *const *)pa, *b = *(char *const *)pb;
    int r = key_cmp(a, b);

    if (r == 0 && numeric)
        r = strcmp(a, b);
    return reverse ? -r : r;
}

static int read_lines(FILE *f, const char *name, struct lines *l)
{
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;

    while ((n = ul_getline(&buf, &cap, f)) >= 0) {
        if (n > 0 && buf[n - 1] == '\n')
            buf[n - 1] = '\0';
        char *copy = strdup(buf);
        if (copy == NULL || add_line(l, copy) < 0) {
            free(copy);
            free(buf);
            ul_warn("out of memory");
            return -1;
        }
    }
    free(buf);
    if (ferror(f)) {
        ul_warn_errno(name);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    struct lines l = {0};
    int c, unique = 0;

    ul_init("sort");
    while ((c = ul_getopt(&o, argc, argv, "nru")) != -1) {
        if (c == 'n')
            numeric = 1;
        else if (c == 'r')
            reverse = 1;
        else if (c == 'u')
            unique = 1;
        else
            ul_usage("[-nru] [file...]");
    }
    for (int i = o.index == argc ? -1 : o.index; i < argc; i++) {
        const char *name = i < 0 ? "-" : argv[i];
        FILE *f = ul_open_input(name);
        if (f == NULL || read_lines(f, name, &l) < 0)
            return 1;
        ul_close_input(f);
        if (i < 0)
            break;
    }
    if (l.n > 0) /* qsort wants a real array, even for none */
        qsort(l.v, l.n, sizeof(char *), line_cmp);
    for (size_t i = 0; i < l.n; i++) {
        if (!unique || i == 0 || key_cmp(l.v[i - 1], l.v[i]) != 0)
            printf("%s\n", l.v[i]);
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i]);
    free(l.v);
    return 0;
}
