/* sh: options and the read-parse-run loop.
 *
 *   sh                 commands from stdin: interactive when stdin and
 *                      stderr are terminals (prompt, line editing), else
 *                      read line by line, with no prompt
 *   sh -c text [name [arg...]]
 *   sh file [arg...]   a script; $0 is file
 *
 * Lines are gathered until they parse as complete commands (an 'if' waits
 * for its 'fi', an open quote for its close), then run. */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <userland/ulib.h>

struct shell sh;

extern char **environ;

void sh_error(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("sh: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void sh_exit(int status)
{
    edit_restore();
    fflush(stdout);
    exit(status);
}

struct input {
    const char *str; /* -c text, or NULL: read fd */
    size_t str_pos;
    int fd;
    int tty; /* interactive: edit lines with a prompt */
    char buf[4096];
    size_t len, off;
};

/* One byte of in->fd; -1 at end. stdin is read a byte at a time, so a
 * command started by the shell reads what follows its line. */
static int input_byte(struct input *in)
{
    if (in->off == in->len) {
        size_t want = in->fd == 0 ? 1 : sizeof(in->buf);
        ssize_t n;
        while ((n = read(in->fd, in->buf, want)) < 0 && errno == EINTR)
            ;
        if (n <= 0)
            return -1;
        in->len = (size_t)n;
        in->off = 0;
    }
    return (unsigned char)in->buf[in->off++];
}

static void prompt_text(struct strbuf *p, int continuation)
{
    char cwd[PATH_MAX];
    const char *ps = var_get(continuation ? "PS2" : "PS1");

    sb_clear(p);
    if (ps != NULL)
        sb_adds(p, ps);
    else if (continuation)
        sb_adds(p, "> ");
    else {
        sb_adds(p, getcwd(cwd, sizeof(cwd)) ? cwd : "?");
        sb_adds(p, "$ ");
    }
}

/* The next line, with its '\n', into line; 0 at end of input. */
static int input_line(struct input *in, struct strbuf *line, int continuation)
{
    sb_clear(line);
    sb_adds(line, "");
    if (in->str != NULL) {
        const char *s = in->str + in->str_pos;
        if (*s == '\0')
            return 0;
        size_t n = strcspn(s, "\n");
        sb_addn(line, s, n);
        sb_addc(line, '\n');
        in->str_pos += n + (s[n] == '\n');
        return 1;
    }
    if (in->tty) {
        struct strbuf p = {0};
        prompt_text(&p, continuation);
        int r = edit_line(p.s, line);
        sb_free(&p);
        if (r >= 0) {
            if (r == 1)
                sb_addc(line, '\n');
            return r;
        }
    }
    int c;
    while ((c = input_byte(in)) >= 0) {
        sb_addc(line, (char)c);
        if (c == '\n')
            return 1;
    }
    return line->len > 0;
}

static int run_input(struct input *in)
{
    struct strbuf text = {0}, line = {0};

    sb_adds(&text, "");
    for (;;) {
        if (in->tty)
            jobs_reap(1);
        if (!input_line(in, &line, text.len > 0))
            break;
        sb_adds(&text, line.s);
        struct arena a = {0};
        struct node *tree;
        enum parse_result r = parse_text(&a, text.s, &tree);
        if (r == PARSE_INCOMPLETE) {
            arena_free(&a);
            continue;
        }
        if (r == PARSE_ERROR) {
            sh.status = 2;
            if (!sh.interactive)
                sh_exit(2);
        } else {
            exec_tree(tree);
        }
        arena_free(&a);
        sb_clear(&text);
    }
    if (text.len > 0) {
        sh_error("syntax error: unexpected end of file");
        sh.status = 2;
    }
    sb_free(&text);
    sb_free(&line);
    return sh.status;
}

int sh_run_fd(int fd)
{
    struct input *in = xmalloc(sizeof(*in));

    memset(in, 0, sizeof(*in));
    in->fd = fd;
    int status = run_input(in);
    free(in);
    return status;
}

/* A path by which children can start this shell again. */
static const char *self_path(const char *argv0)
{
    char cwd[PATH_MAX];

    if (strchr(argv0, '/') != NULL) {
        if (argv0[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
            return xstrdup(argv0);
        char *p = ul_path_join(cwd, argv0);
        return p ? p : argv0;
    }
    const char *dirs = var_get("PATH");
    while (dirs != NULL) {
        size_t n = strcspn(dirs, ":");
        char *dir = xstrndup(dirs, n);
        char *p = ul_path_join(n ? dir : ".", argv0);
        free(dir);
        if (p != NULL && access(p, X_OK) == 0)
            return p;
        free(p);
        dirs = dirs[n] ? dirs + n + 1 : NULL;
    }
    return "/bin/sh";
}

static void set_params(const char *zero, int argc, char **argv)
{
    sh.params = xmalloc((size_t)(argc + 2) * sizeof(char *));
    sh.params[0] = xstrdup(zero);
    for (int i = 0; i < argc; i++)
        sh.params[i + 1] = xstrdup(argv[i]);
    sh.params[argc + 1] = NULL;
    sh.nparams = argc + 1;
}

int main(int argc, char **argv)
{
    const char *command = NULL;
    int force_interactive = 0, i = 1;
    char cwd[PATH_MAX];

    ul_init("sh");
    var_init(environ);
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'c' && command == NULL && i + 1 < argc)
                command = argv[++i];
            else if (*o == 'i')
                force_interactive = 1;
            else if (*o == 'e')
                sh.errexit = 1;
            else if (*o == 'x')
                sh.xtrace = 1;
            else
                ul_usage("[-eix] [-c command [name [arg...]] | file [arg...]]");
        }
    }
    sh.self = self_path(argv[0]);
    if (getcwd(cwd, sizeof(cwd)) != NULL)
        var_set("PWD", cwd);

    struct input *in = xmalloc(sizeof(*in));
    memset(in, 0, sizeof(*in));
    if (command != NULL) {
        set_params(i < argc ? argv[i] : argv[0], i < argc ? argc - i - 1 : 0, argv + i + 1);
        in->str = command;
    } else if (i < argc) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            sh_error("cannot open %s: %s", argv[i], strerror(errno));
            return 127;
        }
        in->fd = fcntl(fd, F_DUPFD_CLOEXEC, 10);
        close(fd);
        set_params(argv[i], argc - i - 1, argv + i + 1);
    } else {
        set_params(argv[0], 0, NULL);
        sh.interactive = force_interactive || (isatty(0) && isatty(2));
        in->tty = isatty(0);
    }
    if (sh.interactive) {
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
    }
    run_input(in);
    sh_exit(sh.status);
}
