/* sh: the test builtin, also named [: file tests, string and integer
 * comparisons, !, -a, -o and parentheses, as POSIX describes test with
 * the XSI forms. Status 0 true, 1 false, 2 for a usage error. */
#include "sh.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <userland/ulib.h>

struct tst {
    char **av;
    int n, i;
    int bad; /* 1: a malformed expression, 2: an error already reported */
};

static const char *peek(const struct tst *t)
{
    return t->i < t->n ? t->av[t->i] : NULL;
}

static const char *next(struct tst *t)
{
    if (t->i >= t->n) {
        t->bad = 1;
        return "";
    }
    return t->av[t->i++];
}

static long num(struct tst *t, const char *s)
{
    long v;

    if (ul_parse_long(s, &v) < 0) {
        sh_error("test: %s: integer expected", s);
        t->bad = 2; /* said */
        return 0;
    }
    return v;
}

static int unary_file(char op, const char *path)
{
    struct stat st;

    if (op == 'h' || op == 'L')
        return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
    if (stat(path, &st) < 0)
        return 0;
    switch (op) {
    case 'e':
        return 1;
    case 'f':
        return S_ISREG(st.st_mode);
    case 'd':
        return S_ISDIR(st.st_mode);
    case 'p':
        return S_ISFIFO(st.st_mode);
    case 'c':
        return S_ISCHR(st.st_mode);
    case 'b':
        return S_ISBLK(st.st_mode);
    case 's':
        return st.st_size > 0;
    case 'r':
        return access(path, R_OK) == 0;
    case 'w':
        return access(path, W_OK) == 0;
    case 'x':
        return access(path, X_OK) == 0;
    }
    return 0;
}

static int is_unary(const char *s)
{
    return s[0] == '-' && s[1] != '\0' && s[2] == '\0' && strchr("efdpcbsrwxhLnzt", s[1]);
}

static int is_binary(const char *s)
{
    static const char *const ops[] = {"=", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge"};

    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(s, ops[i]) == 0)
            return 1;
    return 0;
}

static int expr_or(struct tst *t);

static int primary(struct tst *t)
{
    const char *a = next(t), *op = peek(t);

    if (t->bad)
        return 0;
    if (strcmp(a, "!") == 0 && peek(t) != NULL)
        return !primary(t);
    if (op != NULL && is_binary(op)) {
        t->i++;
        const char *b = next(t);
        if (t->bad)
            return 0;
        if (strcmp(op, "=") == 0)
            return strcmp(a, b) == 0;
        if (strcmp(op, "!=") == 0)
            return strcmp(a, b) != 0;
        long x = num(t, a), y = num(t, b);
        switch (op[1] == 'e' ? 'e' : op[1]) {
        case 'e':
            return x == y;
        case 'n':
            return x != y;
        case 'l':
            return op[2] == 't' ? x < y : x <= y;
        case 'g':
            return op[2] == 't' ? x > y : x >= y;
        }
        return 0;
    }
    if (strcmp(a, "(") == 0 && op != NULL) {
        int v = expr_or(t);
        if (strcmp(next(t), ")") != 0)
            t->bad = 1;
        return v;
    }
    if (is_unary(a) && op != NULL) {
        const char *b = next(t);
        if (a[1] == 'n')
            return b[0] != '\0';
        if (a[1] == 'z')
            return b[0] == '\0';
        if (a[1] == 't')
            return isatty((int)num(t, b));
        return unary_file(a[1], b);
    }
    return a[0] != '\0'; /* test string: true when not empty */
}

static int expr_and(struct tst *t)
{
    int v = primary(t);

    while (!t->bad && peek(t) != NULL && strcmp(peek(t), "-a") == 0) {
        t->i++;
        v = primary(t) && v;
    }
    return v;
}

static int expr_or(struct tst *t)
{
    int v = expr_and(t);

    while (!t->bad && peek(t) != NULL && strcmp(peek(t), "-o") == 0) {
        t->i++;
        v = expr_and(t) || v;
    }
    return v;
}

int builtin_test(int argc, char **argv)
{
    struct tst t = {argv + 1, argc - 1, 0, 0};

    if (strcmp(argv[0], "[") == 0) {
        if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
            sh_error("[: missing ]");
            return 2;
        }
        t.n--;
    }
    if (t.n == 0)
        return 1;
    int v = expr_or(&t);
    if (!t.bad && t.i < t.n) {
        sh_error("%s: %s: unexpected operator", argv[0], t.av[t.i]);
        return 2;
    }
    if (t.bad) {
        if (t.bad == 1)
            sh_error("%s: bad expression", argv[0]);
        return 2;
    }
    return !v;
}
