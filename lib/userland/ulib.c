/* ulib: shared helpers of the userland programs (see include/userland/ulib.h). */
#include <userland/ulib.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *ul_prog = "?";

void ul_init(const char *name)
{
    ul_prog = name;
}

void ul_warn(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, "%s: ", ul_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void ul_warn_errno(const char *what)
{
    int saved = errno;

    ul_warn("%s: %s", what, strerror(saved));
    errno = saved;
}

void ul_usage(const char *synopsis)
{
    fprintf(stderr, "usage: %s %s\n", ul_prog, synopsis);
    exit(2);
}

int ul_getopt(struct ul_opts *o, int argc, char **argv, const char *spec)
{
    if (o->index == 0)
        o->index = 1;
    if (o->pos == 0) {
        const char *a = o->index < argc ? argv[o->index] : NULL;

        if (a == NULL || a[0] != '-' || a[1] == '\0')
            return -1;
        if (strcmp(a, "--") == 0) {
            o->index++;
            return -1;
        }
        o->pos = 1;
    }
    const char *word = argv[o->index];
    char c = word[o->pos++];
    const char *s = strchr(spec, c);
    int last = word[o->pos] == '\0';

    o->arg = NULL;
    if (c == ':' || s == NULL) {
        ul_warn("unknown option -%c", c);
        if (last) {
            o->index++;
            o->pos = 0;
        }
        return '?';
    }
    if (s[1] == ':') {
        if (!last) {
            o->arg = word + o->pos;
        } else if (o->index + 1 < argc) {
            o->arg = argv[++o->index];
        } else {
            ul_warn("option -%c needs an argument", c);
            o->index++;
            o->pos = 0;
            return '?';
        }
        last = 1;
    }
    if (last) {
        o->index++;
        o->pos = 0;
    }
    return c;
}

int ul_parse_long(const char *s, long *out)
{
    char *end;

    if (*s == '\0')
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int ul_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

char *ul_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl > 0 && dir[dl - 1] != '/';
    char *p = malloc(dl + (size_t)slash + nl + 1);

    if (p == NULL)
        return NULL;
    memcpy(p, dir, dl);
    if (slash)
        p[dl] = '/';
    memcpy(p + dl + (size_t)slash, name, nl + 1);
    return p;
}

char *ul_basename(const char *path)
{
    size_t end = strlen(path);

    while (end > 1 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (end == 1 && path[0] == '/')
        start = 0;
    char *p = malloc(end - start + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, path + start, end - start);
    p[end - start] = '\0';
    return p;
}

ssize_t ul_getline(char **buf, size_t *cap, FILE *f)
{
    size_t len = 0;
    int c;

    while ((c = getc(f)) != EOF) {
        if (len + 2 > *cap) {
            size_t ncap = *cap ? *cap * 2 : 128;
            char *p = realloc(*buf, ncap);
            if (p == NULL)
                return -1;
            *buf = p;
            *cap = ncap;
        }
        (*buf)[len++] = (char)c;
        if (c == '\n')
            break;
    }
    if (len == 0)
        return -1;
    (*buf)[len] = '\0';
    return (ssize_t)len;
}

FILE *ul_open_input(const char *name)
{
    if (strcmp(name, "-") == 0)
        return stdin;
    FILE *f = fopen(name, "r");
    if (f == NULL)
        ul_warn_errno(name);
    return f;
}

void ul_close_input(FILE *f)
{
    if (f == stdin)
        clearerr(f);
    else
        fclose(f);
}

static const struct {
    const char *name;
    int number;
} ul_signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ABRT", SIGABRT}, {"KILL", SIGKILL},
    {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
};

#define UL_NSIGNALS (int)(sizeof(ul_signals) / sizeof(ul_signals[0]))

int ul_signal_number(const char *s)
{
    long n;

    if (ul_parse_long(s, &n) == 0)
        return n >= 0 && n < 65 ? (int)n : -1;
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (int i = 0; i < UL_NSIGNALS; i++)
        if (strcasecmp(s, ul_signals[i].name) == 0)
            return ul_signals[i].number;
    return -1;
}

void ul_signal_list(FILE *f)
{
    for (int k = 0; k < UL_NSIGNALS; k++)
        fprintf(f, "%d %s\n", ul_signals[k].number, ul_signals[k].name);
}
