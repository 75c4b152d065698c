/* sh: arithmetic expansion, $((expression)).
 *
 * Signed long integers; operators, loosest first: || && == != < <= > >=
 * + - * / % and unary - + !, with parentheses. A bare name is the value of
 * that variable (0 when unset or empty). The text has already had its $
 * expansions done. */
#include "sh.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct arith {
    const char *s;
    int error;
};

static void skip_blanks(struct arith *a)
{
    while (isspace((unsigned char)*a->s))
        a->s++;
}

static int accept(struct arith *a, const char *op)
{
    skip_blanks(a);
    size_t n = strlen(op);
    if (strncmp(a->s, op, n) != 0)
        return 0;
    /* "<" must not take the first half of "<=", "|" is not "||". */
    if (n == 1 && (a->s[1] == '=' || a->s[1] == op[0]) && strchr("<>=!|&", op[0]))
        return 0;
    a->s += n;
    return 1;
}

static long parse_or(struct arith *a);

static long parse_primary(struct arith *a)
{
    skip_blanks(a);
    if (accept(a, "(")) {
        long v = parse_or(a);
        if (!accept(a, ")"))
            a->error = 1;
        return v;
    }
    if (accept(a, "-"))
        return -parse_primary(a);
    if (accept(a, "+"))
        return parse_primary(a);
    if (accept(a, "!"))
        return !parse_primary(a);
    if (isdigit((unsigned char)*a->s)) {
        char *end;
        long v = strtol(a->s, &end, 0);
        a->s = end;
        return v;
    }
    if (isalpha((unsigned char)*a->s) || *a->s == '_') {
        const char *start = a->s;
        while (isalnum((unsigned char)*a->s) || *a->s == '_')
            a->s++;
        char *name = xstrndup(start, (size_t)(a->s - start));
        const char *value = var_get(name);
        free(name);
        return value ? strtol(value, NULL, 0) : 0;
    }
    a->error = 1;
    return 0;
}

static long parse_mul(struct arith *a)
{
    long v = parse_primary(a);

    for (;;) {
        int op = accept(a, "*") ? '*' : accept(a, "/") ? '/' : accept(a, "%") ? '%' : 0;
        if (op == 0)
            return v;
        long r = parse_primary(a);
        if (op == '*') {
            v *= r;
        } else if (r == 0) {
            sh_error("arithmetic: division by zero");
            a->error = 2;
            v = 0;
        } else {
            v = op == '/' ? v / r : v % r;
        }
    }
}

static long parse_add(struct arith *a)
{
    long v = parse_mul(a);

    for (;;) {
        if (accept(a, "+"))
            v += parse_mul(a);
        else if (accept(a, "-"))
            v -= parse_mul(a);
        else
            return v;
    }
}

static long parse_cmp(struct arith *a)
{
    long v = parse_add(a);

    for (;;) {
        if (accept(a, "<="))
            v = v <= parse_add(a);
        else if (accept(a, ">="))
            v = v >= parse_add(a);
        else if (accept(a, "<"))
            v = v < parse_add(a);
        else if (accept(a, ">"))
            v = v > parse_add(a);
        else if (accept(a, "=="))
            v = v == parse_add(a);
        else if (accept(a, "!="))
            v = v != parse_add(a);
        else
            return v;
    }
}

static long parse_and(struct arith *a)
{
    long v = parse_cmp(a);

    while (accept(a, "&&")) {
        long r = parse_cmp(a);
        v = v && r;
    }
    return v;
}

static long parse_or(struct arith *a)
{
    long v = parse_and(a);

    while (accept(a, "||")) {
        long r = parse_and(a);
        v = v || r;
    }
    return v;
}

int arith_eval(const char *text, long *value)
{
    struct arith a = {text, 0};

    *value = parse_or(&a);
    skip_blanks(&a);
    if (a.error == 0 && *a.s != '\0')
        a.error = 1;
    if (a.error == 1)
        sh_error("arithmetic syntax error: %s", text);
    return a.error ? -1 : 0;
}
