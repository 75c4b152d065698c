/* sh: variables and word expansion.
 *
 * A raw word is expanded in one pass into characters tagged by origin:
 * quoted (never split, never a glob character), literal (may glob) or the
 * unquoted result of an expansion (may split on IFS and glob). Splitting and
 * pathname expansion then read the tags, so "$x" stays one field and '*'
 * matches only where the user wrote it unquoted. */
#include "sh.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct var {
    char *name, *value;
    int exported;
    struct var *next;
};

static struct var *vars;

static void put_quoted(struct strbuf *b, const char *value);

int var_valid_name(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return 1;
}

int is_assignment(const char *word)
{
    const char *eq = strchr(word, '=');

    return eq != NULL && var_valid_name(word, (size_t)(eq - word));
}

static struct var *var_find(const char *name, size_t n)
{
    for (struct var *v = vars; v != NULL; v = v->next)
        if (strlen(v->name) == n && memcmp(v->name, name, n) == 0)
            return v;
    return NULL;
}

const char *var_get(const char *name)
{
    struct var *v = var_find(name, strlen(name));

    return v ? v->value : NULL;
}

static struct var *var_set_n(const char *name, size_t n, const char *value)
{
    struct var *v = var_find(name, n);

    if (v == NULL) {
        v = xmalloc(sizeof(*v));
        v->name = xstrndup(name, n);
        v->value = NULL;
        v->exported = 0;
        v->next = vars;
        vars = v;
    }
    free(v->value);
    v->value = xstrdup(value);
    /* posix_spawnp, the fallback of the PATH search, reads the process's
     * own PATH: keep it the shell's. */
    if (strcmp(v->name, "PATH") == 0)
        setenv("PATH", value, 1);
    return v;
}

int var_set(const char *name, const char *value)
{
    if (!var_valid_name(name, strlen(name)))
        return -1;
    var_set_n(name, strlen(name), value);
    return 0;
}

void var_unset(const char *name)
{
    for (struct var **pp = &vars; *pp != NULL; pp = &(*pp)->next) {
        if (strcmp((*pp)->name, name) == 0) {
            struct var *v = *pp;
            if (strcmp(name, "PATH") == 0)
                unsetenv("PATH");
            *pp = v->next;
            free(v->name);
            free(v->value);
            free(v);
            return;
        }
    }
}

void var_export(const char *name)
{
    struct var *v = var_find(name, strlen(name));

    if (v == NULL)
        v = var_set_n(name, strlen(name), "");
    v->exported = 1;
}

void var_init(char **envp)
{
    for (; envp != NULL && *envp != NULL; envp++) {
        const char *eq = strchr(*envp, '=');
        if (eq != NULL && var_valid_name(*envp, (size_t)(eq - *envp)))
            var_set_n(*envp, (size_t)(eq - *envp), eq + 1)->exported = 1;
    }
}

static int var_cmp(const void *a, const void *b)
{
    return strcmp((*(struct var *const *)a)->name, (*(struct var *const *)b)->name);
}

/* Prints NAME='value' lines sorted by name, as 'set' and 'export' do. */
void var_print(int exported_only)
{
    int n = 0;

    for (struct var *v = vars; v != NULL; v = v->next)
        n++;
    struct var **all = xmalloc((size_t)n * sizeof(*all));
    n = 0;
    for (struct var *v = vars; v != NULL; v = v->next)
        if (!exported_only || v->exported)
            all[n++] = v;
    qsort(all, (size_t)n, sizeof(*all), var_cmp);
    for (int i = 0; i < n; i++) {
        struct strbuf b = {0};
        sb_adds(&b, exported_only ? "export " : "");
        sb_adds(&b, all[i]->name);
        sb_addc(&b, '=');
        put_quoted(&b, all[i]->value);
        puts(b.s);
        sb_free(&b);
    }
    free(all);
    fflush(stdout);
}

static void put_quoted(struct strbuf *b, const char *value)
{
    sb_addc(b, '\'');
    for (const char *c = value; *c; c++) {
        if (*c == '\'')
            sb_adds(b, "'\\''");
        else
            sb_addc(b, *c);
    }
    sb_addc(b, '\'');
}

void var_prelude(struct strbuf *b)
{
    for (struct var *v = vars; v != NULL; v = v->next) {
        if (v->exported)
            continue;
        sb_adds(b, v->name);
        sb_addc(b, '=');
        put_quoted(b, v->value);
        sb_addc(b, '\n');
    }
}

char **var_environ(char **assigns, int nassigns)
{
    struct strvec env = {0};

    for (int i = 0; i < nassigns; i++) {
        char *value = expand_string(strchr(assigns[i], '=') + 1);
        struct strbuf b = {0};
        sb_addn(&b, assigns[i], (size_t)(strchr(assigns[i], '=') - assigns[i] + 1));
        sb_adds(&b, value);
        free(value);
        sv_push(&env, b.s);
    }
    for (struct var *v = vars; v != NULL; v = v->next) {
        if (!v->exported)
            continue;
        int overridden = 0;
        size_t nl = strlen(v->name);
        for (int i = 0; i < nassigns; i++)
            if (strncmp(assigns[i], v->name, nl) == 0 && assigns[i][nl] == '=')
                overridden = 1;
        if (overridden)
            continue;
        struct strbuf b = {0};
        sb_adds(&b, v->name);
        sb_addc(&b, '=');
        sb_adds(&b, v->value);
        sv_push(&env, b.s);
    }
    if (env.v == NULL) {
        env.v = xmalloc(sizeof(char *));
        env.v[0] = NULL;
    }
    return env.v;
}

/* ---- expansion ---- */

enum tag {
    TAG_LITERAL, /* unquoted text of the word: may glob */
    TAG_QUOTED,  /* quoted: taken as is */
    TAG_EXPAND,  /* unquoted expansion result: may split and glob */
    TAG_EMPTY,   /* marks a quoted part ("" or '') so the field exists */
    TAG_BREAK,   /* a field boundary between the words of "$@" */
};

struct tagged {
    struct strbuf text;
    char *tags;
    size_t cap;
};

static void tput(struct tagged *t, char c, enum tag tag)
{
    if (t->text.len + 1 >= t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->tags = xrealloc(t->tags, t->cap);
    }
    t->tags[t->text.len] = (char)tag;
    sb_addc(&t->text, c);
}

static void tputs(struct tagged *t, const char *s, enum tag tag)
{
    while (*s)
        tput(t, *s++, tag);
}

static void expand_into(struct tagged *t, const char *raw, int in_dq);

/* The value of a special or named parameter; NULL when unset. buf holds
 * numbers. */
static const char *param_value(const char *name, size_t n, char *buf, size_t bufsize)
{
    if (n == 1) {
        switch (name[0]) {
        case '?':
            snprintf(buf, bufsize, "%d", sh.status);
            return buf;
        case '$':
            snprintf(buf, bufsize, "%ld", (long)getpid());
            return buf;
        case '!':
            if (sh.last_bg == 0)
                return "";
            snprintf(buf, bufsize, "%ld", (long)sh.last_bg);
            return buf;
        case '#':
            snprintf(buf, bufsize, "%d", sh.nparams - 1);
            return buf;
        default:
            break;
        }
    }
    if (isdigit((unsigned char)name[0])) {
        int i = atoi(name);
        return i < sh.nparams ? sh.params[i] : NULL;
    }
    char *nm = xstrndup(name, n);
    const char *v = var_get(nm);
    free(nm);
    return v;
}

/* Appends "$@" or "$*": in double quotes "$@" keeps one field per parameter. */
static void put_params(struct tagged *t, char which, int in_dq)
{
    for (int i = 1; i < sh.nparams; i++) {
        if (i > 1) {
            if (which == '@' && in_dq)
                tput(t, ' ', TAG_BREAK);
            else
                tput(t, ' ', in_dq ? TAG_QUOTED : TAG_EXPAND);
        }
        tputs(t, sh.params[i], in_dq ? TAG_QUOTED : TAG_EXPAND);
    }
}

/* The output of sh -c text, trailing newlines removed. */
static char *command_output(const char *text)
{
    struct strbuf out = {0};
    int p[2];

    sb_adds(&out, "");
    if (pipe(p) < 0) {
        sh_error("pipe: %s", strerror(errno));
        return out.s;
    }
    pid_t pid = spawn_self(text, -1, p[1], 0);
    close(p[1]);
    char buf[512];
    ssize_t n;
    while ((n = read(p[0], buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        sb_addn(&out, buf, (size_t)n);
    }
    close(p[0]);
    if (pid > 0) {
        int raw;
        while (waitpid(pid, &raw, 0) < 0 && errno == EINTR)
            ;
        sh.status = wait_status(raw);
    }
    while (out.len > 0 && out.s[out.len - 1] == '\n')
        out.s[--out.len] = '\0';
    return out.s;
}

/* Expands the parameter at raw[*i] == '$'; advances *i past it. */
static void expand_param(struct tagged *t, const char *raw, size_t *i, int in_dq)
{
    enum tag tag = in_dq ? TAG_QUOTED : TAG_EXPAND;
    const char *s = raw + *i + 1;
    char buf[32];

    if (s[0] == '(' && s[1] == '(') {
        size_t end = 0;
        int depth = 0;
        for (size_t k = 0; s[k]; k++) {
            if (s[k] == '(')
                depth++;
            else if (s[k] == ')' && --depth == 0) {
                end = k;
                break;
            }
        }
        /* s[0..end] is "((expr))": the expression is s[2 .. end-2]. */
        char *text = xstrndup(s + 2, end >= 3 ? end - 3 : 0);
        char *expanded = expand_string(text);
        long v = 0;
        char num[32];
        if (arith_eval(expanded, &v) < 0)
            sh.status = 1;
        snprintf(num, sizeof(num), "%ld", v);
        tputs(t, num, tag);
        free(expanded);
        free(text);
        *i += end + 2;
        return;
    }
    if (*s == '(') {
        size_t end = 0;
        int depth = 0;
        for (size_t k = 0; s[k]; k++) {
            if (s[k] == '(')
                depth++;
            else if (s[k] == ')' && --depth == 0) {
                end = k;
                break;
            }
        }
        char *text = xstrndup(s + 1, end > 0 ? end - 1 : 0);
        char *value = command_output(text);
        tputs(t, value, tag);
        free(value);
        free(text);
        *i += end + 2;
        return;
    }
    if (*s == '{') {
        const char *name = s + 1;
        size_t n = 0;
        if (strchr("?$!#@*", name[0]) != NULL && name[0] != '\0')
            n = 1;
        else
            while (isalnum((unsigned char)name[n]) || name[n] == '_')
                n++;
        const char *op = name + n;
        int depth = 1;
        size_t k = 0;
        for (k = 0; op[k]; k++) {
            if (op[k] == '{')
                depth++;
            else if (op[k] == '}' && --depth == 0)
                break;
        }
        *i += (size_t)(op - raw - (long)*i) + k + 1;
        if (n == 0 || op[k] != '}') {
            sh_error("bad substitution");
            return;
        }
        if (n == 1 && (name[0] == '@' || name[0] == '*') && op[0] == '}') {
            put_params(t, name[0], in_dq);
            return;
        }
        const char *value = param_value(name, n, buf, sizeof(buf));
        int colon = op[0] == ':';
        char kind = op[colon];
        if (kind == '}') {
            if (value)
                tputs(t, value, tag);
            return;
        }
        char *word = xstrndup(op + colon + 1, k - (size_t)colon - 1);
        int set = value != NULL && !(colon && value[0] == '\0');
        if (kind == '-' || kind == '=') {
            if (set) {
                tputs(t, value, tag);
            } else if (kind == '-') {
                expand_into(t, word, in_dq);
            } else {
                char *w = expand_string(word);
                char *nm = xstrndup(name, n);
                if (var_set(nm, w) < 0)
                    sh_error("%s: cannot assign", nm);
                tputs(t, w, tag);
                free(nm);
                free(w);
            }
        } else if (kind == '+') {
            if (set)
                expand_into(t, word, in_dq);
        } else if (kind == '?') {
            if (set) {
                tputs(t, value, tag);
            } else {
                char *w = expand_string(word);
                sh_error("%.*s: %s", (int)n, name, w[0] ? w : "parameter not set");
                free(w);
                if (!sh.interactive)
                    sh_exit(1);
            }
        } else {
            sh_error("bad substitution");
        }
        free(word);
        return;
    }
    if (*s != '\0' && strchr("?$!#0123456789", *s) != NULL) {
        const char *v = param_value(s, 1, buf, sizeof(buf));
        if (v)
            tputs(t, v, tag);
        *i += 2;
        return;
    }
    if (*s == '@' || *s == '*') {
        put_params(t, *s, in_dq);
        *i += 2;
        return;
    }
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_')
        n++;
    if (n == 0 || isdigit((unsigned char)s[0])) {
        tput(t, '$', in_dq ? TAG_QUOTED : TAG_LITERAL);
        *i += 1;
        return;
    }
    const char *v = param_value(s, n, buf, sizeof(buf));
    if (v)
        tputs(t, v, tag);
    *i += n + 1;
}

/* Expands raw into t: quote removal and parameter expansion. in_dq: raw is
 * the inside of double quotes (for ${x:-word} in "..."). */
static void expand_into(struct tagged *t, const char *raw, int in_dq)
{
    size_t i = 0;

    while (raw[i] != '\0') {
        char c = raw[i];
        if (c == '\'' && !in_dq) {
            tput(t, ' ', TAG_EMPTY);
            for (i++; raw[i] != '\0' && raw[i] != '\''; i++)
                tput(t, raw[i], TAG_QUOTED);
            i += raw[i] == '\'';
        } else if (c == '"') {
            in_dq = !in_dq;
            tput(t, ' ', TAG_EMPTY);
            i++;
        } else if (c == '\\') {
            char d = raw[i + 1];
            if (d == '\0') {
                tput(t, '\\', TAG_QUOTED);
                i++;
            } else if (d == '\n' && in_dq) { /* a line continuation in "..." */
                i += 2;
            } else if (!in_dq || strchr("$`\"\\", d) != NULL) {
                tput(t, d, TAG_QUOTED);
                i += 2;
            } else {
                tput(t, '\\', TAG_QUOTED);
                i++;
            }
        } else if (c == '$') {
            expand_param(t, raw, &i, in_dq);
        } else {
            tput(t, c, in_dq ? TAG_QUOTED : TAG_LITERAL);
            i++;
        }
    }
}

char *expand_string(const char *raw)
{
    struct tagged t = {0};
    struct strbuf out = {0};

    expand_into(&t, raw, 0);
    sb_adds(&out, "");
    for (size_t i = 0; i < t.text.len; i++)
        if (t.tags[i] != TAG_EMPTY)
            sb_addc(&out, t.text.s[i]);
    sb_free(&t.text);
    free(t.tags);
    return out.s;
}

/* ---- pathname expansion ---- */

/* Does name match pat? In pat, '\' makes the next character literal. */
static int match(const char *pat, const char *name)
{
    for (; *pat; pat++, name++) {
        if (*pat == '*') {
            while (pat[1] == '*')
                pat++;
            for (const char *n = name;; n++) {
                if (match(pat + 1, n))
                    return 1;
                if (*n == '\0')
                    return 0;
            }
        }
        if (*name == '\0')
            return 0;
        if (*pat == '?')
            continue;
        if (*pat == '[') {
            const char *p = pat + 1;
            int neg = *p == '!' || *p == '^', ok = 0;
            p += neg;
            const char *close = strchr(*p == ']' ? p + 1 : p, ']');
            if (close == NULL) { /* no closing ']': a literal '[' */
                if (*name != '[')
                    return 0;
                continue;
            }
            for (; p < close; p++) {
                if (p + 2 < close && p[1] == '-') {
                    ok |= *name >= p[0] && *name <= p[2];
                    p += 2;
                } else {
                    ok |= *name == *p;
                }
            }
            if (ok == neg)
                return 0;
            pat = close;
            continue;
        }
        if (*pat == '\\' && pat[1] != '\0')
            pat++;
        if (*pat != *name)
            return 0;
    }
    return *name == '\0';
}

static int has_glob(const char *pat)
{
    for (; *pat; pat++) {
        if (*pat == '\\' && pat[1] != '\0')
            pat++;
        else if (*pat == '*' || *pat == '?' || *pat == '[')
            return 1;
    }
    return 0;
}

/* Removes the escapes of a pattern component with no glob characters. */
static char *unescape(const char *s, size_t n)
{
    struct strbuf b = {0};

    sb_adds(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n)
            i++;
        sb_addc(&b, s[i]);
    }
    return b.s;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Matches the components of pat (from rest) under the directory prefix. */
static void glob_walk(const char *prefix, const char *rest, struct strvec *out)
{
    const char *slash = strchr(rest, '/');
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    char *comp = xstrndup(rest, n);

    if (!has_glob(comp)) {
        char *lit = unescape(rest, n);
        char *path = prefix[0] ? xmalloc(strlen(prefix) + strlen(lit) + 2) : xstrdup(lit);
        if (prefix[0])
            sprintf(path, "%s%s%s", prefix, prefix[strlen(prefix) - 1] == '/' ? "" : "/", lit);
        if (slash == NULL) {
            if (access(path, F_OK) == 0)
                sv_push(out, xstrdup(path));
        } else {
            glob_walk(path, slash + 1, out);
        }
        free(path);
        free(lit);
        free(comp);
        return;
    }
    DIR *d = opendir(prefix[0] ? prefix : ".");
    struct strvec names = {0};
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.' && comp[0] != '.')
                continue;
            if (match(comp, e->d_name))
                sv_push(&names, xstrdup(e->d_name));
        }
        closedir(d);
    }
    if (names.n > 0)
        qsort(names.v, (size_t)names.n, sizeof(char *), str_cmp);
    for (int i = 0; i < names.n; i++) {
        struct strbuf path = {0};
        sb_adds(&path, prefix);
        if (prefix[0] && prefix[strlen(prefix) - 1] != '/')
            sb_addc(&path, '/');
        sb_adds(&path, names.v[i]);
        if (slash == NULL)
            sv_push(out, path.s);
        else {
            glob_walk(path.s, slash + 1, out);
            sb_free(&path);
        }
    }
    sv_free(&names);
    free(comp);
}

/* Adds one field: its pathname expansion when it has unquoted glob
 * characters and matches something, else the field itself. */
static void add_field(struct strbuf *text, struct strbuf *pat, int globbing, struct strvec *out)
{
    if (globbing) {
        int before = out->n;
        const char *p = pat->s;
        if (p[0] == '/') {
            while (p[1] == '/')
                p++;
            glob_walk("/", p + 1, out);
        } else {
            glob_walk("", p, out);
        }
        if (out->n > before)
            return;
    }
    sv_push(out, xstrdup(text->s ? text->s : ""));
}

void expand_fields(const char *raw, struct strvec *out)
{
    struct tagged t = {0};
    const char *ifs = var_get("IFS");

    if (ifs == NULL)
        ifs = " \t\n";
    if (strcmp(raw, "\"$@\"") == 0 && sh.nparams <= 1)
        return; /* "$@" without parameters is no field at all */
    expand_into(&t, raw, 0);

    struct strbuf text = {0}, pat = {0};
    int exists = 0, globbing = 0;
    sb_adds(&text, "");
    sb_adds(&pat, "");
    for (size_t i = 0; i < t.text.len; i++) {
        char c = t.text.s[i];
        enum tag tag = (enum tag)t.tags[i];
        if (tag == TAG_EMPTY) {
            exists = 1;
            continue;
        }
        if (tag == TAG_BREAK || (tag == TAG_EXPAND && c != '\0' && strchr(ifs, c) != NULL)) {
            int white = tag == TAG_BREAK || strchr(" \t\n", c) != NULL;
            if (exists || text.len > 0 || !white)
                add_field(&text, &pat, globbing, out);
            sb_clear(&text);
            sb_clear(&pat);
            exists = tag == TAG_BREAK;
            globbing = 0;
            continue;
        }
        sb_addc(&text, c);
        if (tag == TAG_QUOTED && strchr("*?[\\", c) != NULL)
            sb_addc(&pat, '\\');
        else if (c == '*' || c == '?' || c == '[')
            globbing = 1;
        sb_addc(&pat, c);
        exists = 1;
    }
    if (exists || text.len > 0)
        add_field(&text, &pat, globbing, out);
    sb_free(&text);
    sb_free(&pat);
    sb_free(&t.text);
    free(t.tags);
}
