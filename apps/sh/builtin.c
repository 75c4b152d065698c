/* sh: builtins, the commands the shell runs itself because they change the
 * shell (cd, exit, export, set, ...) or work on its jobs. echo is not one:
 * it is the program apps/echo. */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <userland/ulib.h>

static int bi_true(int argc, char **argv)
{
    return 0;
}

static int bi_false(int argc, char **argv)
{
    return 1;
}

static int bi_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : var_get("HOME");
    int print = 0;
    char cwd[PATH_MAX];

    if (dir != NULL && strcmp(dir, "-") == 0) {
        dir = var_get("OLDPWD");
        print = 1;
    }
    if (dir == NULL || dir[0] == '\0') {
        sh_error("cd: %s not set", print ? "OLDPWD" : "HOME");
        return 1;
    }
    char *old = getcwd(cwd, sizeof(cwd)) ? xstrdup(cwd) : NULL;
    if (chdir(dir) < 0) {
        sh_error("cd: %s: %s", dir, strerror(errno));
        free(old);
        return 1;
    }
    if (old != NULL)
        var_set("OLDPWD", old);
    free(old);
    if (getcwd(cwd, sizeof(cwd)) != NULL) {
        var_set("PWD", cwd);
        if (print)
            printf("%s\n", cwd);
    }
    return 0;
}

static int bi_pwd(int argc, char **argv)
{
    char cwd[PATH_MAX];

    if (getcwd(cwd, sizeof(cwd)) == NULL) {
        sh_error("pwd: %s", strerror(errno));
        return 1;
    }
    printf("%s\n", cwd);
    return 0;
}

static int bi_exit(int argc, char **argv)
{
    long n = sh.status;

    if (argc > 1 && ul_parse_long(argv[1], &n) < 0) {
        sh_error("exit: %s: numeric argument required", argv[1]);
        n = 2;
    }
    fflush(stdout);
    sh_exit((int)(n & 255));
}

static int bi_export(int argc, char **argv)
{
    int status = 0;

    if (argc == 1 || (argc == 2 && strcmp(argv[1], "-p") == 0)) {
        var_print(1);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        if (!var_valid_name(argv[i], n)) {
            sh_error("export: %s: bad variable name", argv[i]);
            status = 1;
            continue;
        }
        char *name = xstrndup(argv[i], n);
        if (eq != NULL)
            var_set(name, eq + 1);
        var_export(name);
        free(name);
    }
    return status;
}

static int bi_unset(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-v") != 0)
            var_unset(argv[i]);
    return 0;
}

/* Replaces $1... with args (keeping $0). */
static void set_params(int argc, char **args)
{
    char **params = xmalloc((size_t)(argc + 2) * sizeof(char *));

    params[0] = sh.params[0];
    for (int i = 0; i < argc; i++)
        params[i + 1] = xstrdup(args[i]);
    params[argc + 1] = NULL;
    for (int i = 1; i < sh.nparams; i++)
        free(sh.params[i]);
    free(sh.params);
    sh.params = params;
    sh.nparams = argc + 1;
}

static int bi_set(int argc, char **argv)
{
    if (argc == 1) {
        var_print(0);
        return 0;
    }
    int first = 1;
    for (; first < argc && (argv[first][0] == '-' || argv[first][0] == '+'); first++) {
        if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        }
        int on = argv[first][0] == '-';
        for (const char *o = argv[first] + 1; *o; o++) {
            if (*o == 'e') {
                sh.errexit = on;
            } else if (*o == 'x') {
                sh.xtrace = on;
            } else {
                sh_error("set: %c%c: unsupported option", argv[first][0], *o);
                return 2;
            }
        }
    }
    if (first < argc || strcmp(argv[first - 1], "--") == 0)
        set_params(argc - first, argv + first);
    return 0;
}

static int bi_shift(int argc, char **argv)
{
    long n = 1;

    if (argc > 1 && ul_parse_long(argv[1], &n) < 0)
        n = -1;
    if (n < 0 || n > sh.nparams - 1) {
        sh_error("shift: can't shift that many");
        return 1;
    }
    char **rest = sh.params + 1 + n;
    char **copy = xmalloc((size_t)(sh.nparams - 1 - n + 1) * sizeof(char *));
    int k = 0;
    for (; rest[k] != NULL; k++)
        copy[k] = rest[k];
    set_params(k, copy);
    free(copy);
    return 0;
}

static int bi_dot(int argc, char **argv)
{
    if (argc < 2) {
        sh_error("%s: filename argument required", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        sh_error("%s: cannot open %s: %s", argv[0], argv[1], strerror(errno));
        return 1;
    }
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    close(fd);
    int status = sh_run_fd(high);
    close(high);
    return status;
}

static int bi_eval(int argc, char **argv)
{
    struct strbuf text = {0};

    sb_adds(&text, "");
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            sb_addc(&text, ' ');
        sb_adds(&text, argv[i]);
    }
    int status = exec_text(text.s);
    sb_free(&text);
    return status;
}

static int loop_control(int argc, char **argv, int *counter)
{
    long n = 1;

    if (argc > 1 && (ul_parse_long(argv[1], &n) < 0 || n < 1)) {
        sh_error("%s: %s: bad number", argv[0], argv[1]);
        return 1;
    }
    if (sh.loop_depth == 0)
        return 0;
    *counter = n > sh.loop_depth ? sh.loop_depth : (int)n;
    return 0;
}

static int bi_break(int argc, char **argv)
{
    return loop_control(argc, argv, &sh.breaking);
}

static int bi_continue(int argc, char **argv)
{
    return loop_control(argc, argv, &sh.continuing);
}

/* read [-r] name...: one line of stdin, split on IFS into the names, the
 * last taking the rest. Reads a byte at a time so that nothing after the
 * line is taken from a pipe another command will read. */
static int bi_read(int argc, char **argv)
{
    int raw = 0, i = 1, got = 0;
    struct strbuf line = {0};
    char c;

    if (i < argc && strcmp(argv[i], "-r") == 0) {
        raw = 1;
        i++;
    }
    sb_adds(&line, "");
    for (;;) {
        ssize_t n = read(0, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got = 1;
        if (c == '\\' && !raw) {
            if (read(0, &c, 1) == 1 && c != '\n')
                sb_addc(&line, c);
            continue;
        }
        if (c == '\n')
            break;
        sb_addc(&line, c);
    }
    const char *ifs = var_get("IFS");
    if (ifs == NULL)
        ifs = " \t\n";
    const char *p = line.s;
    for (; i < argc; i++) {
        p += strspn(p, ifs);
        size_t n = i == argc - 1 ? strlen(p) : strcspn(p, ifs);
        size_t m = n;
        if (i == argc - 1)
            while (m > 0 && strchr(ifs, p[m - 1]) != NULL)
                m--;
        char *value = xstrndup(p, m);
        if (var_set(argv[i], value) < 0)
            sh_error("read: %s: bad variable name", argv[i]);
        free(value);
        p += n;
    }
    sb_free(&line);
    return got && c == '\n' ? 0 : 1;
}

static int bi_jobs(int argc, char **argv)
{
    return jobs_list();
}

static int bi_fg(int argc, char **argv)
{
    return jobs_fg(argc > 1 ? argv[1] : NULL);
}

static int bi_wait(int argc, char **argv)
{
    return jobs_wait(argc, argv);
}

/* kill [-s sig | -sig] pid|%n..., kill -l. A builtin so that it can reach
 * the shell's jobs: on Chime a process can signal only those it started. */
static int bi_kill(int argc, char **argv)
{
    int sig = SIGTERM, i = 1, status = 0;

    if (argc > 1 && strcmp(argv[1], "-l") == 0) {
        ul_signal_list(stdout);
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "-s") == 0) {
        sig = ul_signal_number(argv[2]);
        i = 3;
    } else if (argc > 2 && argv[1][0] == '-' && strcmp(argv[1], "--") != 0) {
        sig = ul_signal_number(argv[1] + 1);
        i = 2;
    }
    if (sig < 0) {
        sh_error("kill: %s: unknown signal", argv[i - 1]);
        return 1;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc) {
        sh_error("kill: usage: kill [-s signal | -signal] pid | %%job... | -l");
        return 2;
    }
    for (; i < argc; i++) {
        pid_t pids[16];
        long pid;
        int n = 1;
        if (argv[i][0] == '%') {
            n = jobs_pids(argv[i], pids, 16);
            if (n < 0) {
                sh_error("kill: %s: no such job", argv[i]);
                status = 1;
                continue;
            }
        } else if (ul_parse_long(argv[i], &pid) == 0) {
            pids[0] = (pid_t)pid;
        } else {
            sh_error("kill: %s: not a process id", argv[i]);
            status = 1;
            continue;
        }
        for (int k = 0; k < n; k++) {
            if (kill(pids[k], sig) < 0) {
                sh_error("kill: %s: %s", argv[i], strerror(errno));
                status = 1;
            }
        }
    }
    return status;
}

/* exec is carried out in exec.c (it needs the redirections); listed here so
 * the shell knows it is not a program. */
static int bi_exec(int argc, char **argv)
{
    return 0;
}

static const struct builtin {
    const char *name;
    builtin_fn *fn;
} builtins[] = {
    {":", bi_true},        {".", bi_dot},          {"[", builtin_test},
    {"break", bi_break},   {"cd", bi_cd},          {"continue", bi_continue},
    {"eval", bi_eval},     {"exec", bi_exec},      {"exit", bi_exit},
    {"export", bi_export}, {"false", bi_false},    {"fg", bi_fg},
    {"jobs", bi_jobs},     {"kill", bi_kill},      {"pwd", bi_pwd},
    {"read", bi_read},     {"set", bi_set},        {"shift", bi_shift},
    {"source", bi_dot},    {"test", builtin_test}, {"true", bi_true},
    {"unset", bi_unset},   {"wait", bi_wait},
};

builtin_fn *builtin_find(const char *name)
{
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (strcmp(builtins[i].name, name) == 0)
            return builtins[i].fn;
    return NULL;
}
