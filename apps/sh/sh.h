/* sh: the Chime shell. Declarations shared by its files:
 *
 *   buf.c      growing strings and string vectors, the parse arena
 *   parse.c    lexer and recursive-descent parser into a syntax tree
 *   expand.c   variables, parameter expansion, field splitting, globbing
 *   arith.c    arithmetic expansion $((...))
 *   exec.c     running trees: redirections, posix_spawn, pipelines, jobs
 *   builtin.c  cd, pwd, exit, export, unset, set, exec, jobs, fg, wait, ...
 *   test.c     test and [
 *   edit.c     the interactive line editor (termios raw mode) and history
 *   main.c     options, the read-parse-run loop
 *
 * There is no fork: every external command, pipeline stage and background
 * job is started with posix_spawn; builtins and compound commands run in the
 * shell process with their redirections applied and undone around them. */
#ifndef SH_H
#define SH_H

#include <stddef.h>
#include <sys/types.h>

/* ---- buf.c ---- */
struct strbuf {
    char *s; /* NUL-terminated, malloc'd (NULL until the first add) */
    size_t len, cap;
};
void sb_addc(struct strbuf *b, char c);
void sb_addn(struct strbuf *b, const char *s, size_t n);
void sb_adds(struct strbuf *b, const char *s);
void sb_clear(struct strbuf *b);
void sb_free(struct strbuf *b);

struct strvec {
    char **v; /* NULL-terminated, each string malloc'd */
    int n, cap;
};
void sv_push(struct strvec *sv, char *s); /* takes ownership of s */
void sv_free(struct strvec *sv);

/* Allocation that cannot fail: out of memory ends the shell with a message. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* An arena holds one parse's tree; freed all at once. */
struct arena {
    struct arena_block *blocks;
};
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

/* ---- parse.c ---- */
enum redir_op {
    R_IN,     /* n<word   (n = 0)  */
    R_OUT,    /* n>word, n>|word (n = 1) */
    R_APPEND, /* n>>word  */
    R_INOUT,  /* n<>word  */
    R_DUPIN,  /* n<&word  (word: an fd or '-') */
    R_DUPOUT, /* n>&word  */
};

struct redir {
    int fd;
    enum redir_op op;
    char *word; /* raw, expanded when applied */
    struct redir *next;
};

enum node_kind {
    N_SIMPLE,   /* words, assigns, redirs */
    N_PIPELINE, /* left: first command, linked by next; negate */
    N_AND,      /* left && right */
    N_OR,       /* left || right */
    N_LIST,     /* left: first item, linked by next; bg per item */
    N_IF,       /* if left then right else third (NULL, a list or an N_IF) */
    N_WHILE,    /* while left do right */
    N_UNTIL,    /* until left do right */
    N_FOR,      /* for name in words do right; nwords < 0: "$@" */
    N_GROUP,    /* { left } */
    N_SUBSHELL, /* ( left ): run by a child shell given the source text */
};

struct node {
    enum node_kind kind;
    struct node *left, *right, *third;
    struct node *next;
    char **words; /* raw words, quotes still in them */
    int nwords;
    char **assigns; /* raw NAME=value words */
    int nassigns;
    struct redir *redirs;
    char *name;
    int bg;     /* list item ends in '&' */
    int negate; /* pipeline starts with '!' */
    char *src;  /* the node's source text */
};

enum parse_result { PARSE_OK, PARSE_INCOMPLETE, PARSE_ERROR };

/* Parses the whole of text into *out (an N_LIST, NULL for an empty text).
 * PARSE_INCOMPLETE: text ends inside a construct (open quote, 'if' without
 * 'fi', trailing '|'): more input may complete it. PARSE_ERROR: a message
 * has been printed. */
enum parse_result parse_text(struct arena *a, const char *text, struct node **out);

/* ---- expand.c ---- */
void var_init(char **envp);
const char *var_get(const char *name);
int var_set(const char *name, const char *value); /* -1: not a valid name */
void var_unset(const char *name);
void var_export(const char *name);
void var_print(int exported_only);
int var_valid_name(const char *s, size_t n);
/* Appends NAME='value' assignments of the unexported variables to b, so a
 * child shell (for $(...), (...) and '&' lists) starts with the same. */
void var_prelude(struct strbuf *b);
/* A new environment: exported variables overridden by assigns (raw words). */
char **var_environ(char **assigns, int nassigns);

/* Expands a raw word into fields (split, globbed) appended to out. */
void expand_fields(const char *raw, struct strvec *out);
/* Expands a raw word to one string: no splitting, no globbing (malloc'd). */
char *expand_string(const char *raw);
/* Evaluates an arithmetic expression (arith.c); 0, or -1 after a message. */
int arith_eval(const char *text, long *value);
/* Does this word hold a NAME= prefix (an assignment)? */
int is_assignment(const char *word);

/* ---- exec.c ---- */
int exec_tree(struct node *n);
int exec_text(const char *text); /* parse and run, for -c, '.', eval */
int wait_status(int raw);        /* waitpid status -> shell status */
/* Runs sh -c text as a child with stdin/stdout on in/out (-1: inherit);
 * bg: it ignores ^C as background jobs do. The pid, or -1. */
pid_t spawn_self(const char *text, int in, int out, int bg);
void jobs_reap(int notify);
int jobs_list(void);
int jobs_fg(const char *spec);
/* The running processes of job %n into out (at most max): how many, or -1
 * if spec names no job. */
int jobs_pids(const char *spec, pid_t *out, int max);
int jobs_wait(int argc, char **argv);

/* ---- builtin.c ---- */
typedef int builtin_fn(int argc, char **argv);
builtin_fn *builtin_find(const char *name);
int builtin_test(int argc, char **argv); /* test.c: test and [ */

/* ---- edit.c ---- */
/* Reads a line from the terminal on fd 0 with editing; 1 and the line
 * (without newline) in out, or 0 at end of input (^D on an empty line). */
int edit_line(const char *prompt, struct strbuf *out);
void edit_restore(void); /* leaves raw mode if a signal or exit interrupts */

/* ---- main.c: the shell's state ---- */
struct shell {
    int status;       /* $? */
    pid_t last_bg;    /* $! */
    char **params;    /* $0, $1, ... (params[0] is $0) */
    int nparams;      /* count including $0 */
    int interactive;  /* prompts, line editing, SIGINT ignored */
    const char *self; /* a path that runs this shell, for children */
    int breaking;     /* pending 'break' levels */
    int continuing;   /* pending 'continue' levels */
    int loop_depth;   /* loops being run, for break/continue */
    int errexit;      /* set -e: exit when a command fails outside a condition */
    int xtrace;       /* set -x: print each command before it runs */
    int cond_depth;   /* > 0 while running a condition (if, while, && left...) */
};
extern struct shell sh;

/* "sh: <formatted>" on stderr. */
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs the commands read from fd (a script or '.') until end of file. */
int sh_run_fd(int fd);
void sh_exit(int status) __attribute__((noreturn));

#endif
