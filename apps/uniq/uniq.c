/* uniq [-c] [input [output]]: copies input to output with each run of equal
 * adjacent lines written once; -c puts the run's length before it
 * ("%d %s"). Exit 1 if a file could not be opened or read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <userland/ulib.h>

static void emit(FILE *out, int counts, long n, const char *line)
{
    if (counts)
        fprintf(out, "%ld %s", n, line);
    else
        fputs(line, out);
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, counts = 0;

    ul_init("uniq");
    while ((c = ul_getopt(&o, argc, argv, "c")) != -1) {
        if (c == 'c')
            counts = 1;
        else
            ul_usage("[-c] [input [output]]");
    }
    if (argc - o.index > 2)
        ul_usage("[-c] [input [output]]");
    const char *in_name = o.index < argc ? argv[o.index] : "-";
    FILE *in = ul_open_input(in_name), *out = stdout;
    if (in == NULL)
        return 1;
    if (o.index + 1 < argc && (out = fopen(argv[o.index + 1], "w")) == NULL) {
        ul_warn_errno(argv[o.index + 1]);
        return 1;
    }
    char *line = NULL, *prev = NULL;
    size_t cap = 0;
    long run = 0;
    ssize_t n;
    while ((n = ul_getline(&line, &cap, in)) >= 0) {
        if (n > 0 && line[n - 1] != '\n') {
            char *p = realloc(line, (size_t)n + 2);
            if (p == NULL)
                break;
            line = p;
            cap = (size_t)n + 2;
            strcpy(line + n, "\n");
        }
        if (prev != NULL && strcmp(prev, line) == 0) {
            run++;
            continue;
        }
        if (prev != NULL)
            emit(out, counts, run, prev);
        free(prev);
        prev = strdup(line);
        run = 1;
        if (prev == NULL)
            break;
    }
    if (prev != NULL)
        emit(out, counts, run, prev);
    int status = 0;
    if (ferror(in)) {
        ul_warn_errno(in_name);
        status = 1;
    }
    if (fflush(out) != 0) {
        ul_warn_errno("write error");
        status = 1;
    }
    free(prev);
    free(line);
    return status;
}
