/* grep [-cinqvF] [-e pattern] pattern [file...]: prints the lines that match.
 *
 * Patterns are a subset of POSIX basic regular expressions: '^' and '$'
 * anchors, '.' any character, '[abc]', '[a-z]' and '[^...]' sets, '*' after
 * any of these (zero or more), '\c' a literal c. -F takes the pattern as a
 * plain string. -i ignores case, -v selects the lines that do not match,
 * -c prints counts, -n line numbers, -q prints nothing. With several files
 * each line starts with "name:". Exit 0 if a line was selected, 1 if none,
 * 2 on an error (then, even with a match, 2 unless -q matched). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <userland/ulib.h>

enum atom_kind { A_CHAR, A_ANY, A_SET };

struct atom {
    enum atom_kind kind;
    unsigned char c;
    int star;               /* the atom may repeat 0 or more times */
    unsigned char set[256]; /* A_SET: set[c] != 0 when c is in it */
};

struct regex {
    struct atom *atoms;
    int n;
    int bol, eol; /* anchored at the start / end */
};

static int ignore_case, fixed;

static unsigned char fold(unsigned char c)
{
    return ignore_case ? (unsigned char)tolower(c) : c;
}

/* Compiles pat; 0, or -1 after a message. */
static int compile(const char *pat, struct regex *re)
{
    size_t len = strlen(pat);

    re->atoms = calloc(len + 1, sizeof(struct atom));
    re->n = 0;
    re->bol = re->eol = 0;
    if (re->atoms == NULL)
        return -1;
    const unsigned char *p = (const unsigned char *)pat;
    if (!fixed && *p == '^') {
        re->bol = 1;
        p++;
    }
    while (*p) {
        struct atom *a = &re->atoms[re->n];
        if (fixed) {
            a->kind = A_CHAR;
            a->c = fold(*p++);
        } else if (*p == '$' && p[1] == '\0') {
            re->eol = 1;
            p++;
            continue;
        } else if (*p == '*' && re->n > 0 && !re->atoms[re->n - 1].star) {
            re->atoms[re->n - 1].star = 1;
            p++;
            continue;
        } else if (*p == '.') {
            a->kind = A_ANY;
            p++;
        } else if (*p == '[') {
            int negate = 0;
            p++;
            if (*p == '^') {
                negate = 1;
                p++;
            }
            a->kind = A_SET;
            const unsigned char *first = p;
            while (*p && (*p != ']' || p == first)) {
                if (p[1] == '-' && p[2] && p[2] != ']') {
                    for (int c = p[0]; c <= p[2]; c++)
                        a->set[fold((unsigned char)c)] = 1;
                    p += 3;
                } else {
                    a->set[fold(*p++)] = 1;
                }
            }
            if (*p != ']') {
                ul_warn("unmatched [ in pattern '%s'", pat);
                return -1;
            }
            p++;
            if (negate)
                for (int c = 0; c < 256; c++)
                    a->set[c] = !a->set[c];
        } else {
            if (*p == '\\' && p[1])
                p++;
            a->kind = A_CHAR;
            a->c = fold(*p++);
        }
        re->n++;
    }
    return 0;
}

static int atom_matches(const struct atom *a, unsigned char c)
{
    c = fold(c);
    switch (a->kind) {
    case A_CHAR:
        return a->c == c;
    case A_ANY:
        return 1;
    default:
        return a->set[c];
    }
}

/* Does the regex from atom i match at s (to the end if eol)? */
static int match_here(const struct regex *re, int i, const char *s, const char *end)
{
    for (; i < re->n; i++) {
        const struct atom *a = &re->atoms[i];
        if (a->star) {
            const char *t = s;
            while (t < end && atom_matches(a, (unsigned char)*t))
                t++;
            for (; t >= s; t--)
                if (match_here(re, i + 1, t, end))
                    return 1;
            return 0;
        }
        if (s == end || !atom_matches(a, (unsigned char)*s))
            return 0;
        s++;
    }
    return !re->eol || s == end;
}

static int line_matches(const struct regex *re, const char *line, size_t len)
{
    const char *end = line + len;

    if (re->bol)
        return match_here(re, 0, line, end);
    for (const char *s = line; s <= end; s++)
        if (match_here(re, 0, s, end))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    const char *pattern = NULL;
    int c, invert = 0, count_only = 0, numbers = 0, quiet = 0, errors = 0, selected = 0;

    ul_init("grep");
    while ((c = ul_getopt(&o, argc, argv, "cinqvFe:")) != -1) {
        switch (c) {
        case 'c':
            count_only = 1;
            break;
        case 'i':
            ignore_case = 1;
            break;
        case 'n':
            numbers = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'v':
            invert = 1;
            break;
        case 'F':
            fixed = 1;
            break;
        case 'e':
            pattern = o.arg;
            break;
        default:
            ul_usage("[-cinqvF] [-e pattern] pattern [file...]");
        }
    }
    if (pattern == NULL) {
        if (o.index == argc)
            ul_usage("[-cinqvF] [-e pattern] pattern [file...]");
        pattern = argv[o.index++];
    }
    struct regex re;
    if (compile(pattern, &re) < 0)
        return 2;
    int nfiles = argc - o.index;
    char *line = NULL;
    size_t cap = 0;
    for (int i = nfiles == 0 ? -1 : o.index; i < argc; i++) {
        const char *name = i < 0 ? "-" : argv[i];
        FILE *f = ul_open_input(name);
        if (f == NULL) {
            errors = 1;
            if (i < 0)
                break;
            continue;
        }
        long count = 0, lineno = 0;
        ssize_t n;
        while ((n = ul_getline(&line, &cap, f)) >= 0) {
            size_t len = (size_t)n;
            lineno++;
            if (len > 0 && line[len - 1] == '\n')
                len--;
            if (line_matches(&re, line, len) == invert)
                continue;
            count++;
            selected = 1;
            if (quiet)
                return 0;
            if (count_only)
                continue;
            if (nfiles > 1)
                printf("%s:", name);
            if (numbers)
                printf("%ld:", lineno);
            fwrite(line, 1, len, stdout);
            putchar('\n');
        }
        if (ferror(f)) {
            ul_warn_errno(name);
            errors = 1;
        }
        if (count_only) {
            if (nfiles > 1)
                printf("%s:", name);
            printf("%ld\n", count);
        }
        ul_close_input(f);
        if (i < 0)
            break;
    }
    free(line);
    free(re.atoms);
    return errors ? 2 : selected ? 0 : 1;
}
