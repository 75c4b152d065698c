/* sh: lexer and parser.
 *
 * The grammar is POSIX's shell grammar without case, functions and here
 * documents:
 *
 *   list      := and_or (('&' | ';' | NL) and_or)*
 *   and_or    := pipeline (('&&' | '||') NL* pipeline)*
 *   pipeline  := ['!'] command ('|' NL* command)*
 *   command   := simple | if | while | until | for | '{' list '}' | '(' list ')'
 *                (a compound command may be followed by redirections)
 *   simple    := (NAME=word | word | redirection)+
 *
 * Words keep their quotes: expansion (expand.c) removes them when the word
 * runs, so "$x" can be expanded anew on each loop iteration. Reserved words
 * are recognised only where a command starts. Running out of text inside a
 * construct is PARSE_INCOMPLETE, so the reader can ask for another line. */
#include "sh.h"

#include <stdlib.h>
#include <string.h>

enum tok {
    T_EOF,
    T_WORD,
    T_NL,
    T_SEMI,
    T_AMP,
    T_PIPE,
    T_AND,
    T_OR,
    T_LPAREN,
    T_RPAREN,
    T_REDIR, /* an operator in redir_op/redir_fd */
};

struct parser {
    struct arena *a;
    const char *s;
    size_t pos;      /* scanning position */
    size_t tok_at;   /* where the current token starts */
    size_t prev_end; /* where the token before it ended */
    enum tok tok;
    char *word; /* T_WORD text */
    enum redir_op redir_op;
    int redir_fd;
    enum parse_result err; /* PARSE_OK while no error */
};

static int is_meta(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' ||
           c == '>' || c == '(' || c == ')' || c == '\0';
}

static void fail(struct parser *p, enum parse_result why)
{
    if (p->err == PARSE_OK)
        p->err = why;
}

/* Skips to the end of a quoted or nested part starting at s[i] (a quote,
 * "${" or "$("); returns the index after it, or 0 if the text ends first. */
static size_t skip_part(const char *s, size_t i)
{
    if (s[i] == '\'') {
        const char *q = strchr(s + i + 1, '\'');
        return q ? (size_t)(q - s) + 1 : 0;
    }
    if (s[i] == '"') {
        for (i++; s[i] != '"'; i++) {
            if (s[i] == '\0')
                return 0;
            if (s[i] == '\\' && s[i + 1] != '\0') {
                i++;
            } else if (s[i] == '$' && (s[i + 1] == '(' || s[i + 1] == '{')) {
                i = skip_part(s, i);
                if (i == 0)
                    return 0;
                i--;
            }
        }
        return i + 1;
    }
    /* "${...}" or "$(...)": balanced, quotes inside honoured. */
    char open = s[i + 1], close = open == '(' ? ')' : '}';
    int depth = 0;
    for (i += 1; s[i] != '\0'; i++) {
        if (s[i] == open) {
            depth++;
        } else if (s[i] == close) {
            if (--depth == 0)
                return i + 1;
        } else if (s[i] == '\\' && s[i + 1] != '\0') {
            i++;
        } else if (s[i] == '\'' || s[i] == '"') {
            i = skip_part(s, i);
            if (i == 0)
                return 0;
            i--;
        }
    }
    return 0;
}

/* Scans a word at p->pos into p->word (line continuations removed). */
static void scan_word(struct parser *p)
{
    struct strbuf b = {0};
    const char *s = p->s;
    size_t i = p->pos;

    while (!is_meta(s[i])) {
        if (s[i] == '\\') {
            if (s[i + 1] == '\n' && s[i + 2] != '\0') {
                i += 2;
                continue;
            }
            if (s[i + 1] == '\0' || s[i + 1] == '\n') { /* the word goes on in the next line */
                fail(p, PARSE_INCOMPLETE);
                break;
            }
            sb_addn(&b, s + i, 2);
            i += 2;
        } else if (s[i] == '\'' || s[i] == '"' ||
                   (s[i] == '$' && (s[i + 1] == '(' || s[i + 1] == '{'))) {
            size_t end = skip_part(s, i);
            if (end == 0) {
                fail(p, PARSE_INCOMPLETE);
                break;
            }
            sb_addn(&b, s + i, end - i);
            i = end;
        } else {
            sb_addc(&b, s[i++]);
        }
    }
    p->pos = i;
    p->word = arena_strndup(p->a, b.s ? b.s : "", b.len);
    sb_free(&b);
}

/* Scans a redirection operator at p->pos for descriptor fd (-1: default). */
static void scan_redir(struct parser *p, int fd)
{
    const char *s = p->s + p->pos;
    int n = 2;

    if (s[0] == '<') {
        p->redir_op = s[1] == '&' ? R_DUPIN : s[1] == '>' ? R_INOUT : R_IN;
        n = p->redir_op == R_IN ? 1 : 2;
        if (s[1] == '<') {
            fail(p, PARSE_ERROR);
            sh_error("syntax error: here documents (<<) are not supported");
        }
    } else {
        p->redir_op = s[1] == '>' ? R_APPEND : s[1] == '&' ? R_DUPOUT : R_OUT;
        n = (s[1] == '>' || s[1] == '&' || s[1] == '|') ? 2 : 1;
    }
    p->pos += (size_t)n;
    if (fd < 0)
        fd = (p->redir_op == R_IN || p->redir_op == R_DUPIN || p->redir_op == R_INOUT) ? 0 : 1;
    p->redir_fd = fd;
    p->tok = T_REDIR;
}

static void next(struct parser *p)
{
    const char *s = p->s;

    p->prev_end = p->pos;
    if (p->err != PARSE_OK) { /* stop scanning: the caller unwinds */
        p->tok = T_EOF;
        return;
    }
    for (;;) {
        if (s[p->pos] == ' ' || s[p->pos] == '\t') {
            p->pos++;
        } else if (s[p->pos] == '\\' && s[p->pos + 1] == '\n') {
            if (s[p->pos + 2] == '\0') { /* the command goes on in the next line */
                fail(p, PARSE_INCOMPLETE);
                p->tok = T_EOF;
                return;
            }
            p->pos += 2;
        } else if (s[p->pos] == '#') {
            while (s[p->pos] != '\n' && s[p->pos] != '\0')
                p->pos++;
        } else {
            break;
        }
    }
    p->tok_at = p->pos;
    char c = s[p->pos], d = c ? s[p->pos + 1] : '\0';
    switch (c) {
    case '\0':
        p->tok = T_EOF;
        return;
    case '\n':
        p->tok = T_NL;
        break;
    case ';':
        p->tok = T_SEMI;
        break;
    case '(':
        p->tok = T_LPAREN;
        break;
    case ')':
        p->tok = T_RPAREN;
        break;
    case '&':
        p->tok = d == '&' ? T_AND : T_AMP;
        p->pos += d == '&';
        break;
    case '|':
        p->tok = d == '|' ? T_OR : T_PIPE;
        p->pos += d == '|';
        break;
    case '<':
    case '>':
        scan_redir(p, -1);
        return;
    default: {
        scan_word(p);
        p->tok = p->err == PARSE_OK ? T_WORD : T_EOF;
        /* "2>file": a number right before '<' or '>' names the descriptor. */
        const char *w = p->word;
        size_t n = strspn(w, "0123456789");
        if (n > 0 && w[n] == '\0' && n < 4 && (s[p->pos] == '<' || s[p->pos] == '>'))
            scan_redir(p, atoi(w));
        return;
    }
    }
    p->pos++;
}

static int is_word(struct parser *p, const char *w)
{
    return p->tok == T_WORD && strcmp(p->word, w) == 0;
}

/* Words that end a list: the parser stops before them. */
static int at_list_end(struct parser *p)
{
    static const char *const ends[] = {"then", "elif", "else", "fi", "do", "done", "}", NULL};

    if (p->tok == T_EOF || p->tok == T_RPAREN)
        return 1;
    for (int i = 0; ends[i] != NULL; i++)
        if (is_word(p, ends[i]))
            return 1;
    return 0;
}

static const char *tok_text(struct parser *p)
{
    switch (p->tok) {
    case T_WORD:
        return p->word;
    case T_NL:
        return "newline";
    case T_SEMI:
        return ";";
    case T_AMP:
        return "&";
    case T_PIPE:
        return "|";
    case T_AND:
        return "&&";
    case T_OR:
        return "||";
    case T_LPAREN:
        return "(";
    case T_RPAREN:
        return ")";
    case T_REDIR:
        return "redirection";
    default:
        return "end of file";
    }
}

/* Reports the current token as unexpected (or asks for more input at EOF). */
static void *unexpected(struct parser *p)
{
    if (p->tok == T_EOF) {
        fail(p, PARSE_INCOMPLETE);
    } else if (p->err == PARSE_OK) {
        sh_error("syntax error: unexpected '%s'", tok_text(p));
        fail(p, PARSE_ERROR);
    }
    return NULL;
}

static struct node *new_node(struct parser *p, enum node_kind kind)
{
    struct node *n = arena_alloc(p->a, sizeof(*n));

    n->kind = kind;
    return n;
}

static void skip_newlines(struct parser *p)
{
    while (p->tok == T_NL)
        next(p);
}

static struct node *parse_list(struct parser *p);

/* Consumes the reserved word w or fails. */
static int expect(struct parser *p, const char *w)
{
    if (is_word(p, w)) {
        next(p);
        return 1;
    }
    unexpected(p);
    return 0;
}

/* A list that must not be empty, as after 'if' or 'do'. */
static struct node *parse_body(struct parser *p)
{
    struct node *n = parse_list(p);

    if (n == NULL && p->err == PARSE_OK)
        unexpected(p);
    return n;
}

static int parse_redir(struct parser *p, struct redir ***tail)
{
    struct redir *r = arena_alloc(p->a, sizeof(*r));

    r->fd = p->redir_fd;
    r->op = p->redir_op;
    next(p);
    if (p->tok != T_WORD) {
        unexpected(p);
        return 0;
    }
    r->word = p->word;
    **tail = r;
    *tail = &r->next;
    next(p);
    return 1;
}

static struct node *parse_if(struct parser *p)
{
    struct node *n = new_node(p, N_IF);

    next(p); /* 'if' or 'elif' */
    if ((n->left = parse_body(p)) == NULL || !expect(p, "then") ||
        (n->right = parse_body(p)) == NULL)
        return NULL;
    if (is_word(p, "elif"))
        return (n->third = parse_if(p)) ? n : NULL;
    if (is_word(p, "else")) {
        next(p);
        if ((n->third = parse_body(p)) == NULL)
            return NULL;
    }
    return expect(p, "fi") ? n : NULL;
}

static struct node *parse_loop(struct parser *p, enum node_kind kind)
{
    struct node *n = new_node(p, kind);

    next(p);
    if ((n->left = parse_body(p)) == NULL || !expect(p, "do") ||
        (n->right = parse_body(p)) == NULL || !expect(p, "done"))
        return NULL;
    return n;
}

static struct node *parse_for(struct parser *p)
{
    struct node *n = new_node(p, N_FOR);

    next(p);
    if (p->tok != T_WORD || !var_valid_name(p->word, strlen(p->word)))
        return unexpected(p);
    n->name = p->word;
    n->nwords = -1;
    next(p);
    skip_newlines(p);
    if (is_word(p, "in")) {
        struct strvec items = {0};
        next(p);
        while (p->tok == T_WORD) {
            sv_push(&items, xstrdup(p->word));
            next(p);
        }
        n->nwords = items.n;
        n->words = arena_alloc(p->a, (size_t)(items.n + 1) * sizeof(char *));
        for (int i = 0; i < items.n; i++)
            n->words[i] = arena_strndup(p->a, items.v[i], strlen(items.v[i]));
        sv_free(&items);
        if (p->tok != T_SEMI && p->tok != T_NL)
            return unexpected(p);
        next(p);
    } else if (p->tok == T_SEMI) {
        next(p);
    }
    skip_newlines(p);
    if (!expect(p, "do") || (n->right = parse_body(p)) == NULL || !expect(p, "done"))
        return NULL;
    return n;
}

static struct node *parse_simple(struct parser *p)
{
    struct node *n = new_node(p, N_SIMPLE);
    struct strvec words = {0}, assigns = {0};
    struct redir **tail = &n->redirs;

    for (;;) {
        if (p->tok == T_REDIR) {
            if (!parse_redir(p, &tail))
                break;
        } else if (p->tok == T_WORD) {
            if (words.n == 0 && is_assignment(p->word))
                sv_push(&assigns, xstrdup(p->word));
            else
                sv_push(&words, xstrdup(p->word));
            next(p);
        } else {
            break;
        }
    }
    n->nwords = words.n;
    n->nassigns = assigns.n;
    n->words = arena_alloc(p->a, (size_t)(words.n + 1) * sizeof(char *));
    n->assigns = arena_alloc(p->a, (size_t)(assigns.n + 1) * sizeof(char *));
    for (int i = 0; i < words.n; i++)
        n->words[i] = arena_strndup(p->a, words.v[i], strlen(words.v[i]));
    for (int i = 0; i < assigns.n; i++)
        n->assigns[i] = arena_strndup(p->a, assigns.v[i], strlen(assigns.v[i]));
    sv_free(&words);
    sv_free(&assigns);
    if (p->err != PARSE_OK)
        return NULL;
    if (n->nwords == 0 && n->nassigns == 0 && n->redirs == NULL)
        return unexpected(p);
    return n;
}

static struct node *parse_command(struct parser *p)
{
    size_t start = p->tok_at;
    struct node *n;

    if (is_word(p, "if")) {
        n = parse_if(p);
    } else if (is_word(p, "while")) {
        n = parse_loop(p, N_WHILE);
    } else if (is_word(p, "until")) {
        n = parse_loop(p, N_UNTIL);
    } else if (is_word(p, "for")) {
        n = parse_for(p);
    } else if (is_word(p, "{")) {
        n = new_node(p, N_GROUP);
        next(p);
        if ((n->left = parse_body(p)) == NULL || !expect(p, "}"))
            return NULL;
    } else if (p->tok == T_LPAREN) {
        n = new_node(p, N_SUBSHELL);
        next(p);
        size_t inner = p->tok_at;
        if ((n->left = parse_body(p)) == NULL)
            return NULL;
        if (p->tok != T_RPAREN)
            return unexpected(p);
        n->name = arena_strndup(p->a, p->s + inner, p->tok_at - inner);
        next(p);
    } else {
        return parse_simple(p);
    }
    if (n == NULL)
        return NULL;
    struct redir **tail = &n->redirs;
    while (p->tok == T_REDIR)
        if (!parse_redir(p, &tail))
            return NULL;
    n->src = arena_strndup(p->a, p->s + start, p->prev_end - start);
    return n;
}

static struct node *parse_pipeline(struct parser *p)
{
    struct node *n = new_node(p, N_PIPELINE);
    size_t start = p->tok_at;

    if (is_word(p, "!")) {
        n->negate = 1;
        next(p);
    }
    struct node **tail = &n->left;
    for (;;) {
        if ((*tail = parse_command(p)) == NULL)
            return NULL;
        tail = &(*tail)->next;
        if (p->tok != T_PIPE)
            break;
        next(p);
        skip_newlines(p);
    }
    n->src = arena_strndup(p->a, p->s + start, p->prev_end - start);
    return n;
}

static struct node *parse_and_or(struct parser *p)
{
    size_t start = p->tok_at;
    struct node *left = parse_pipeline(p);

    if (left == NULL)
        return NULL;
    while (p->tok == T_AND || p->tok == T_OR) {
        struct node *n = new_node(p, p->tok == T_AND ? N_AND : N_OR);
        next(p);
        skip_newlines(p);
        n->left = left;
        if ((n->right = parse_pipeline(p)) == NULL)
            return NULL;
        n->src = arena_strndup(p->a, p->s + start, p->prev_end - start);
        left = n;
    }
    return left;
}

/* A list; NULL and no error when it is empty. */
static struct node *parse_list(struct parser *p)
{
    struct node *list = new_node(p, N_LIST);
    struct node **tail = &list->left;
    size_t start;

    skip_newlines(p);
    start = p->tok_at;
    while (!at_list_end(p)) {
        struct node *item = parse_and_or(p);
        if (item == NULL)
            return NULL;
        *tail = item;
        tail = &item->next;
        if (p->tok == T_AMP) {
            item->bg = 1;
            next(p);
        } else if (p->tok == T_SEMI || p->tok == T_NL) {
            next(p);
        } else if (!at_list_end(p)) {
            return unexpected(p);
        }
        skip_newlines(p);
    }
    if (list->left == NULL)
        return NULL;
    list->src = arena_strndup(p->a, p->s + start, p->prev_end - start);
    return list;
}

enum parse_result parse_text(struct arena *a, const char *text, struct node **out)
{
    struct parser p = {.a = a, .s = text, .err = PARSE_OK};

    next(&p);
    *out = parse_list(&p);
    if (p.err == PARSE_OK && p.tok != T_EOF)
        unexpected(&p);
    if (p.err != PARSE_OK)
        *out = NULL;
    return p.err;
}
