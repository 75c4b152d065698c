/* sh: running syntax trees.
 *
 * External commands are started with posix_spawn: the pipeline's pipe ends
 * and the command's redirections become file actions (dup2 and close in the
 * child), so nothing in the shell itself moves. Builtins and compound
 * commands (if, while, { }, ...) run in the shell: their redirections are
 * applied with dup2 and undone afterwards from saved copies. In a pipeline
 * every external stage is spawned first and the in-shell stages run after,
 * in order, so a builtin writing into a pipe has its reader running.
 * Whatever needs a separate process but is not a plain command, '( )',
 * '$( )' and '&' lists, is run by a child shell (spawn_self) given the text. */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <userland/ulib.h>

/* Shell-internal descriptors live at 10 and above, out of the user's way. */
#define SH_FD_MIN 10

int wait_status(int raw)
{
    if (WIFEXITED(raw))
        return WEXITSTATUS(raw);
    if (WIFSIGNALED(raw))
        return 128 + WTERMSIG(raw);
    return 1;
}

static int wait_pid(pid_t pid)
{
    int raw = 0;

    while (waitpid(pid, &raw, 0) < 0) {
        if (errno != EINTR)
            return 127;
    }
    return wait_status(raw);
}

/* ---- redirections ---- */

struct fdmove {
    int target; /* the descriptor the command sees */
    int source; /* what it becomes; -1: closed */
    int owned;  /* source was opened for this redirection: close it after */
};

/* Opens what r names. 0, or -1 after a message. */
static int redir_open(const struct redir *r, struct fdmove *m)
{
    char *word = expand_string(r->word);
    int flags = 0, rc = 0;

    m->target = r->fd;
    m->owned = 0;
    switch (r->op) {
    case R_DUPIN:
    case R_DUPOUT: {
        long fd;
        if (strcmp(word, "-") == 0) {
            m->source = -1;
        } else if (ul_parse_long(word, &fd) == 0 && fd >= 0 && fd < 1000) {
            m->source = (int)fd;
        } else {
            sh_error("%s: bad file descriptor", word);
            rc = -1;
        }
        free(word);
        return rc;
    }
    case R_IN:
        flags = O_RDONLY;
        break;
    case R_OUT:
        /* O_APPEND too: on Chime a spawned process gets a copy of an open
         * file, offset included, not a share of it, so the commands of
         * `{ a; b; } >f` (or of a script whose output is f) would each
         * write from where the file was when they started. Appending
         * after the truncation puts each write where a shared offset
         * would. (A program that seeks its output loses.) */
        flags = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND;
        break;
    case R_APPEND:
        flags = O_WRONLY | O_CREAT | O_APPEND;
        break;
    case R_INOUT:
        flags = O_RDWR | O_CREAT;
        break;
    }
    int fd = open(word, flags, 0666);
    if (fd < 0) {
        sh_error("cannot open %s: %s", word, strerror(errno));
        free(word);
        return -1;
    }
    m->source = fcntl(fd, F_DUPFD_CLOEXEC, SH_FD_MIN);
    close(fd);
    m->owned = 1;
    free(word);
    return m->source < 0 ? -1 : 0;
}

struct saved_fd {
    int fd, copy; /* copy -1: fd was closed before */
};

struct redir_state {
    struct saved_fd saved[16];
    int n;
};

static void redirs_restore(struct redir_state *st)
{
    fflush(stdout);
    fflush(stderr);
    while (st->n > 0) {
        struct saved_fd *s = &st->saved[--st->n];
        if (s->copy >= 0) {
            dup2(s->copy, s->fd);
            close(s->copy);
        } else {
            close(s->fd);
        }
    }
}

/* Moves one descriptor in the shell, saving the old one in st (unless st
 * is NULL: 'exec' redirections are permanent). */
static int move_fd(const struct fdmove *m, struct redir_state *st)
{
    fflush(stdout);
    fflush(stderr);
    if (st != NULL) {
        if (st->n == (int)(sizeof(st->saved) / sizeof(st->saved[0]))) {
            sh_error("too many redirections");
            return -1;
        }
        st->saved[st->n].fd = m->target;
        st->saved[st->n].copy = fcntl(m->target, F_DUPFD_CLOEXEC, SH_FD_MIN);
        st->n++;
    }
    if (m->source < 0) {
        close(m->target);
    } else if (m->source != m->target && dup2(m->source, m->target) < 0) {
        sh_error("%d: %s", m->source, strerror(errno));
        return -1;
    }
    if (m->owned)
        close(m->source);
    return 0;
}

/* Applies redirections in the shell. 0, or -1 with all of them undone. */
static int redirs_apply(const struct redir *r, struct redir_state *st)
{
    for (; r != NULL; r = r->next) {
        struct fdmove m;
        if (redir_open(r, &m) < 0 || move_fd(&m, st) < 0) {
            if (st != NULL)
                redirs_restore(st);
            return -1;
        }
    }
    return 0;
}

/* ---- finding and spawning commands ---- */

/* An execute bit and access(X_OK) both: a superuser's access() may say
 * yes to a file with no execute bit at all (Chime's fs server does). */
static int runnable(const char *path, const struct stat *st)
{
    return (st->st_mode & 0111) != 0 && access(path, X_OK) == 0;
}

/* Resolves name through PATH. 0 and *path (malloc'd); 126 (found, not
 * executable) after a message; 127 when no PATH directory has it (with a
 * message only if name has a '/'). */
static int find_command(const char *name, char **path)
{
    struct stat st;

    if (strchr(name, '/') != NULL) {
        if (stat(name, &st) < 0) {
            sh_error("%s: %s", name, strerror(errno));
            return 127;
        }
        if (S_ISDIR(st.st_mode) || !runnable(name, &st)) {
            sh_error("%s: %s", name, S_ISDIR(st.st_mode) ? "Is a directory" : strerror(EACCES));
            return 126;
        }
        *path = xstrdup(name);
        return 0;
    }
    const char *dirs = var_get("PATH");
    int denied = 0;
    if (dirs == NULL)
        dirs = "/bin:/usr/bin";
    while (name[0] != '\0') {
        size_t n = strcspn(dirs, ":");
        struct strbuf b = {0};
        sb_addn(&b, n ? dirs : ".", n ? n : 1);
        sb_addc(&b, '/');
        sb_adds(&b, name);
        if (stat(b.s, &st) == 0 && S_ISREG(st.st_mode)) {
            if (runnable(b.s, &st)) {
                *path = b.s;
                return 0;
            }
            denied = 1;
        }
        sb_free(&b);
        if (dirs[n] == '\0')
            break;
        dirs += n + 1;
    }
    if (denied) {
        sh_error("%s: %s", name, strerror(EACCES));
        return 126;
    }
    return 127; /* no message yet: the system may still know it (spawn_command) */
}

/* posix_spawn of a file the system would not run (ENOEXEC): a "#!" line
 * names its interpreter and one optional argument; any other file is a
 * script for this shell. */
static int spawn_script(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                        const posix_spawnattr_t *attr, char **argv, char **envp)
{
    char line[256] = {0};
    struct strvec av = {0};
    int fd = open(path, O_RDONLY);

    if (fd >= 0) {
        ssize_t n = read(fd, line, sizeof(line) - 1);
        line[n > 0 ? n : 0] = '\0';
        close(fd);
    }
    if (line[0] == '#' && line[1] == '!') {
        char *p = line + 2;
        p[strcspn(p, "\n")] = '\0';
        p += strspn(p, " \t");
        size_t n = strcspn(p, " \t");
        if (n == 0)
            return ENOEXEC;
        sv_push(&av, xstrndup(p, n));
        p += n;
        p += strspn(p, " \t");
        size_t m = strlen(p);
        while (m > 0 && (p[m - 1] == ' ' || p[m - 1] == '\t' || p[m - 1] == '\r'))
            m--;
        if (m > 0)
            sv_push(&av, xstrndup(p, m));
    } else {
        sv_push(&av, xstrdup(sh.self));
    }
    sv_push(&av, xstrdup(path));
    for (int i = 1; argv[i] != NULL; i++)
        sv_push(&av, xstrdup(argv[i]));
    int rc = posix_spawn(pid, av.v[0], fa, attr, av.v, envp);
    sv_free(&av);
    return rc;
}

/* Spawns argv with stdin/stdout from in/out (-1: the shell's) and the
 * redirections. The pid, or -1 with *status set (126, 127, 1). */
static pid_t spawn_command(char **argv, char **assigns, int nassigns, const struct redir *redirs,
                           int in, int out, int bg, int *status)
{
    char *path = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int opened[16], nopened = 0;
    pid_t pid = -1;

    /* A name no PATH directory holds is still handed to posix_spawnp: the
     * system may find it where stat cannot look (Chime's boot archive). */
    int search = 0;
    if ((*status = find_command(argv[0], &path)) != 0) {
        if (*status != 127 || strchr(argv[0], '/') != NULL)
            return -1;
        search = 1;
        path = xstrdup(argv[0]);
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    if (in >= 0)
        posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (out >= 0)
        posix_spawn_file_actions_adddup2(&fa, out, 1);
    for (const struct redir *r = redirs; r != NULL; r = r->next) {
        struct fdmove m;
        if (nopened == 16 || redir_open(r, &m) < 0) {
            *status = 1;
            goto out;
        }
        if (m.owned)
            opened[nopened++] = m.source;
        if (m.source < 0)
            posix_spawn_file_actions_addclose(&fa, m.target);
        else
            posix_spawn_file_actions_adddup2(&fa, m.source, m.target);
    }
    /* A foreground job gets the default ^C and ^\\ even where the shell
     * ignores them; a background job ignores them (POSIX, for a shell
     * without job control): it inherits the shell's ignoring. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
    sigset_t def;
    sigemptyset(&ign.sa_mask);
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE); /* the shell may be ignoring it (run_here_stage) */
    if (bg) {
        sigaction(SIGINT, &ign, &old_int);
        sigaction(SIGQUIT, &ign, &old_quit);
    } else {
        sigaddset(&def, SIGINT);
        sigaddset(&def, SIGQUIT);
    }
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    char **envp = var_environ(assigns, nassigns);
    int rc = search ? posix_spawnp(&pid, path, &fa, &attr, argv, envp)
                    : posix_spawn(&pid, path, &fa, &attr, argv, envp);
    if (rc == ENOEXEC)
        rc = spawn_script(&pid, path, &fa, &attr, argv, envp);
    if (bg) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
    }
    for (int i = 0; envp[i] != NULL; i++)
        free(envp[i]);
    free(envp);
    if (rc != 0) {
        if (search && rc == ENOENT)
            sh_error("%s: command not found", argv[0]);
        else
            sh_error("%s: %s", argv[0], strerror(rc));
        *status = rc == ENOENT ? 127 : 126;
        pid = -1;
    }
out:
    for (int i = 0; i < nopened; i++)
        close(opened[i]);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    free(path);
    return pid;
}

pid_t spawn_self(const char *text, int in, int out, int bg)
{
    struct strbuf script = {0};
    struct strvec argv = {0};
    int status;

    var_prelude(&script);
    sb_adds(&script, text);
    sv_push(&argv, xstrdup(sh.self));
    sv_push(&argv, xstrdup("-c"));
    sv_push(&argv, script.s);
    for (int i = 0; i < sh.nparams; i++)
        sv_push(&argv, xstrdup(sh.params[i]));
    pid_t pid = spawn_command(argv.v, NULL, 0, NULL, in, out, bg, &status);
    sv_free(&argv);
    return pid;
}

/* ---- jobs ---- */

#define MAX_JOBS 32

struct job {
    char *cmd; /* NULL: free slot */
    pid_t *pids;
    int *done; /* per pid: reaped */
    int *status;
    int npids;
};

static struct job jobs[MAX_JOBS];

static void job_free(struct job *j)
{
    free(j->cmd);
    free(j->pids);
    free(j->done);
    free(j->status);
    memset(j, 0, sizeof(*j));
}

static void job_add(const char *cmd, const pid_t *pids, int npids)
{
    for (int i = 0; i < MAX_JOBS; i++) {
        struct job *j = &jobs[i];
        if (j->cmd != NULL)
            continue;
        j->cmd = xstrdup(cmd);
        j->npids = npids;
        j->pids = xmalloc((size_t)npids * sizeof(pid_t));
        j->done = xmalloc((size_t)npids * sizeof(int));
        j->status = xmalloc((size_t)npids * sizeof(int));
        for (int k = 0; k < npids; k++) {
            j->pids[k] = pids[k];
            j->done[k] = 0;
            j->status[k] = 0;
        }
        if (sh.interactive)
            fprintf(stderr, "[%d] %ld\n", i + 1, (long)pids[npids - 1]);
        return;
    }
    sh_error("too many jobs; not tracking %s", cmd);
}

/* Polls (or, with block, waits for) the job's processes; 1 when all ended. */
static int job_poll(struct job *j, int block)
{
    int all = 1;

    for (int k = 0; k < j->npids; k++) {
        if (j->done[k])
            continue;
        int raw = 0;
        pid_t r;
        while ((r = waitpid(j->pids[k], &raw, block ? 0 : WNOHANG)) < 0 && errno == EINTR)
            ;
        if (r == j->pids[k] || r < 0) {
            j->done[k] = 1;
            j->status[k] = r < 0 ? 127 : wait_status(raw);
        } else {
            all = 0;
        }
    }
    return all;
}

static int job_status(const struct job *j)
{
    return j->status[j->npids - 1];
}

static void job_report(int id, const struct job *j, const char *state)
{
    printf("[%d] %-10s %s\n", id, state, j->cmd);
}

void jobs_reap(int notify)
{
    for (int i = 0; i < MAX_JOBS; i++) {
        struct job *j = &jobs[i];
        if (j->cmd == NULL || !job_poll(j, 0))
            continue;
        if (notify) {
            char state[24];
            int s = job_status(j);
            snprintf(state, sizeof(state), s == 0 ? "Done" : "Exit %d", s);
            job_report(i + 1, j, state);
            fflush(stdout);
        }
        job_free(j);
    }
}

int jobs_list(void)
{
    for (int i = 0; i < MAX_JOBS; i++) {
        struct job *j = &jobs[i];
        if (j->cmd == NULL)
            continue;
        int ended = job_poll(j, 0);
        char state[24];
        snprintf(state, sizeof(state),
                 !ended          ? "Running"
                 : job_status(j) ? "Exit %d"
                                 : "Done",
                 job_status(j));
        job_report(i + 1, j, state);
        if (ended)
            job_free(j);
    }
    return 0;
}

/* The job a %n or pid argument names; NULL if none. */
static struct job *job_find(const char *spec, pid_t *pid)
{
    long n;

    *pid = 0;
    if (spec[0] == '%') {
        if (ul_parse_long(spec + 1, &n) == 0 && n >= 1 && n <= MAX_JOBS && jobs[n - 1].cmd)
            return &jobs[n - 1];
        return NULL;
    }
    if (ul_parse_long(spec, &n) < 0)
        return NULL;
    for (int i = 0; i < MAX_JOBS; i++)
        for (int k = 0; jobs[i].cmd != NULL && k < jobs[i].npids; k++)
            if (jobs[i].pids[k] == (pid_t)n) {
                *pid = (pid_t)n;
                return &jobs[i];
            }
    return NULL;
}

int jobs_pids(const char *spec, pid_t *out, int max)
{
    pid_t pid;
    struct job *j = spec[0] == '%' ? job_find(spec, &pid) : NULL;
    int n = 0;

    for (int k = 0; j != NULL && k < j->npids && n < max; k++)
        if (!j->done[k])
            out[n++] = j->pids[k];
    return j == NULL ? -1 : n;
}

int jobs_fg(const char *spec)
{
    struct job *j = NULL;
    pid_t pid;

    if (spec != NULL) {
        j = job_find(spec, &pid);
    } else {
        for (int i = MAX_JOBS - 1; i >= 0 && j == NULL; i--)
            if (jobs[i].cmd != NULL)
                j = &jobs[i];
    }
    if (j == NULL) {
        sh_error("fg: %s: no such job", spec ? spec : "current");
        return 1;
    }
    printf("%s\n", j->cmd);
    fflush(stdout);
    job_poll(j, 1);
    int s = job_status(j);
    job_free(j);
    return s;
}

int jobs_wait(int argc, char **argv)
{
    int s = 0;

    if (argc < 2) {
        for (int i = 0; i < MAX_JOBS; i++) {
            if (jobs[i].cmd != NULL) {
                job_poll(&jobs[i], 1);
                job_free(&jobs[i]);
            }
        }
        return 0;
    }
    for (int a = 1; a < argc; a++) {
        pid_t pid;
        struct job *j = job_find(argv[a], &pid);
        if (j == NULL) {
            sh_error("wait: %s: no such job", argv[a]);
            s = 127;
            continue;
        }
        if (pid == 0) {
            job_poll(j, 1);
            s = job_status(j);
        } else {
            for (int k = 0; k < j->npids; k++) {
                if (j->pids[k] == pid) {
                    if (!j->done[k]) {
                        j->status[k] = wait_pid(pid);
                        j->done[k] = 1;
                    }
                    s = j->status[k];
                }
            }
        }
        if (job_poll(j, 0))
            job_free(j);
    }
    return s;
}

/* ---- commands ---- */

/* POSIX's special builtins: assignments before them stay, as they do on
 * their own; before any other builtin they last for that command only. */
static int is_special_builtin(const char *name)
{
    static const char *const special[] = {":",    ".",      "break", "continue", "eval",  "exec",
                                          "exit", "export", "set",   "shift",    "unset", NULL};

    for (int i = 0; special[i] != NULL; i++)
        if (strcmp(name, special[i]) == 0)
            return 1;
    return 0;
}

/* Runs a builtin or a bare assignment/redirection in the shell. */
static int run_here_simple(struct node *c, struct strvec *argv)
{
    struct redir_state st = {0};
    struct strvec saved = {0}; /* "name", then the old value or NULL */
    int status = 0;
    int temporary = argv->n > 0 && !is_special_builtin(argv->v[0]);

    for (int i = 0; i < c->nassigns; i++) {
        char *eq = strchr(c->assigns[i], '=');
        char *name = xstrndup(c->assigns[i], (size_t)(eq - c->assigns[i]));
        char *value = expand_string(eq + 1);
        if (temporary) {
            const char *old = var_get(name);
            sv_push(&saved, xstrdup(name));
            sv_push(&saved, old ? xstrdup(old) : NULL);
        }
        var_set(name, value);
        free(name);
        free(value);
    }
    if (argv->n == 0) {
        if (redirs_apply(c->redirs, &st) < 0)
            return 1;
        redirs_restore(&st);
        return c->nassigns > 0 ? sh.status : 0;
    }
    if (strcmp(argv->v[0], "exec") == 0) {
        if (argv->n == 1)
            return redirs_apply(c->redirs, NULL) < 0 ? 1 : 0;
        /* No exec on Chime: run the command, then leave with its status. */
        pid_t pid = spawn_command(argv->v + 1, NULL, 0, c->redirs, -1, -1, 0, &status);
        sh_exit(pid > 0 ? wait_pid(pid) : status);
    }
    if (redirs_apply(c->redirs, &st) < 0) {
        status = 1;
    } else {
        status = builtin_find(argv->v[0])(argv->n, argv->v);
        redirs_restore(&st);
    }
    for (int i = 0; i + 1 < saved.n; i += 2) {
        if (saved.v[i + 1] != NULL)
            var_set(saved.v[i], saved.v[i + 1]);
        else
            var_unset(saved.v[i]);
    }
    for (int i = 0; i < saved.n; i++)
        free(saved.v[i]);
    free(saved.v);
    return status;
}

static int exec_compound(struct node *c);
static int exec_condition(struct node *n);

/* One stage of a pipeline that runs in the shell once externals started. */
struct here_stage {
    struct node *c;
    struct strvec argv;
    int in, out;
};

/* While it writes into a pipe the shell ignores SIGPIPE: a reader that
 * quits early must end the stage's writes (EPIPE), not the shell. */
static int run_here_stage(struct here_stage *h)
{
    struct redir_state st = {0};
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
    int status = 1;
    struct fdmove in = {0, h->in, 0}, out = {1, h->out, 0};

    sigemptyset(&ign.sa_mask);
    if (h->out >= 0)
        sigaction(SIGPIPE, &ign, &old_pipe);
    if ((h->in < 0 || move_fd(&in, &st) == 0) && (h->out < 0 || move_fd(&out, &st) == 0))
        status = h->c->kind == N_SIMPLE ? run_here_simple(h->c, &h->argv) : exec_compound(h->c);
    redirs_restore(&st);
    if (h->out >= 0)
        sigaction(SIGPIPE, &old_pipe, NULL);
    return status;
}

static void close_fd(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* set -x: "+ NAME=value cmd arg..." on stderr. */
static void trace_command(const struct node *c, const struct strvec *argv)
{
    struct strbuf b = {0};

    sb_adds(&b, "+");
    for (int i = 0; i < c->nassigns; i++) {
        sb_addc(&b, ' ');
        sb_adds(&b, c->assigns[i]);
    }
    for (int i = 0; i < argv->n; i++) {
        sb_addc(&b, ' ');
        sb_adds(&b, argv->v[i]);
    }
    fflush(stdout);
    fprintf(stderr, "%s\n", b.s);
    sb_free(&b);
}

/* Holds off ^C and ^\\ while a non-interactive shell waits for its
 * foreground job (the interactive shell ignores them all the time). */
struct sig_hold {
    struct sigaction old_int, old_quit;
};

static void sig_hold(struct sig_hold *h)
{
    struct sigaction ign = {.sa_handler = SIG_IGN};

    sigemptyset(&ign.sa_mask);
    sigaction(SIGINT, &ign, &h->old_int);
    sigaction(SIGQUIT, &ign, &h->old_quit);
}

static void sig_release(struct sig_hold *h)
{
    sigaction(SIGINT, &h->old_int, NULL);
    sigaction(SIGQUIT, &h->old_quit, NULL);
}

/* Runs a pipeline in the foreground, or with bg as a job. */
static int run_pipeline(struct node *pl, int bg)
{
    int n = 0, nhere = 0, npids = 0, prev = -1;
    int last_status = 0; /* of the last stage, if it did not become a process */
    pid_t last_pid = -1; /* the last stage's process */
    struct sig_hold hold;

    for (struct node *c = pl->left; c != NULL; c = c->next)
        n++;
    pid_t *pids = xmalloc((size_t)n * sizeof(pid_t));
    struct here_stage *here = xmalloc((size_t)n * sizeof(*here));

    if (!bg)
        sig_hold(&hold);
    if (bg) {
        int fd = open("/dev/null", O_RDONLY);
        prev = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, SH_FD_MIN) : -1;
        close_fd(fd);
    }
    for (struct node *c = pl->left; c != NULL; c = c->next) {
        int p[2] = {-1, -1};
        if (c->next != NULL) {
            if (pipe(p) < 0) {
                sh_error("pipe: %s", strerror(errno));
                last_status = 1;
                break;
            }
            for (int k = 0; k < 2; k++) {
                int high = fcntl(p[k], F_DUPFD_CLOEXEC, SH_FD_MIN);
                close(p[k]);
                p[k] = high;
            }
        }
        int in = prev, out = p[1];
        prev = p[0];
        struct strvec argv = {0};
        if (c->kind == N_SIMPLE)
            for (int i = 0; i < c->nwords; i++)
                expand_fields(c->words[i], &argv);
        if (sh.xtrace && c->kind == N_SIMPLE)
            trace_command(c, &argv);
        int external = c->kind == N_SIMPLE && argv.n > 0 && builtin_find(argv.v[0]) == NULL;
        pid_t pid = -1;
        if (!external && !bg) {
            here[nhere++] = (struct here_stage){c, argv, in, out};
            continue;
        }
        if (external)
            pid = spawn_command(argv.v, c->assigns, c->nassigns, c->redirs, in, out, bg,
                                &last_status);
        else
            pid = spawn_self(c->src, in, out, 1);
        if (pid > 0)
            pids[npids++] = pid;
        if (c->next == NULL)
            last_pid = pid;
        sv_free(&argv);
        close_fd(in);
        close_fd(out);
    }
    close_fd(prev);
    int last_is_here = nhere > 0 && here[nhere - 1].c->next == NULL;
    for (int i = 0; i < nhere; i++) {
        int s = run_here_stage(&here[i]);
        if (i == nhere - 1 && last_is_here)
            last_status = s;
        sv_free(&here[i].argv);
        close_fd(here[i].in);
        close_fd(here[i].out);
    }
    int status = last_status;
    if (bg) {
        if (npids > 0) {
            job_add(pl->src, pids, npids);
            sh.last_bg = pids[npids - 1];
        }
        status = 0;
    } else {
        int interrupted = 0;
        for (int i = 0; i < npids; i++) {
            int s = wait_pid(pids[i]);
            interrupted |= s == 128 + SIGINT;
            if (pids[i] == last_pid && !last_is_here)
                status = s;
        }
        sig_release(&hold);
        if (interrupted) {
            if (sh.interactive)
                fputc('\n', stderr);
            else
                sh_exit(128 + SIGINT); /* ^C ends a script, not just its command */
        }
    }
    free(pids);
    free(here);
    return pl->negate ? !status : status;
}

static int run_loop(struct node *c)
{
    int status = 0;

    sh.loop_depth++;
    for (;;) {
        int cond = exec_condition(c->left);
        if (sh.breaking || sh.continuing)
            break;
        if ((c->kind == N_WHILE) != (cond == 0))
            break;
        status = exec_tree(c->right);
        if (sh.breaking) {
            sh.breaking--;
            break;
        }
        if (sh.continuing && --sh.continuing > 0)
            break;
    }
    sh.loop_depth--;
    return status;
}

static int run_for(struct node *c)
{
    struct strvec items = {0};
    int status = 0;

    if (c->nwords < 0)
        for (int i = 1; i < sh.nparams; i++)
            sv_push(&items, xstrdup(sh.params[i]));
    for (int i = 0; i < c->nwords; i++)
        expand_fields(c->words[i], &items);
    sh.loop_depth++;
    for (int i = 0; i < items.n; i++) {
        var_set(c->name, items.v[i]);
        status = exec_tree(c->right);
        if (sh.breaking) {
            sh.breaking--;
            break;
        }
        if (sh.continuing && --sh.continuing > 0)
            break;
    }
    sh.loop_depth--;
    sv_free(&items);
    return status;
}

/* Runs a condition: a failure there does not trigger set -e. */
static int exec_condition(struct node *n)
{
    sh.cond_depth++;
    int status = exec_tree(n);
    sh.cond_depth--;
    return status;
}

/* Runs a compound command in the shell, with its redirections. */
static int exec_compound(struct node *c)
{
    struct redir_state st = {0};
    int status = 0;

    if (redirs_apply(c->redirs, &st) < 0)
        return 1;
    switch (c->kind) {
    case N_IF:
        if (exec_condition(c->left) == 0)
            status = exec_tree(c->right);
        else if (c->third != NULL && !sh.breaking && !sh.continuing)
            status = exec_tree(c->third);
        break;
    case N_WHILE:
    case N_UNTIL:
        status = run_loop(c);
        break;
    case N_FOR:
        status = run_for(c);
        break;
    case N_GROUP:
        status = exec_tree(c->left);
        break;
    case N_SUBSHELL: {
        pid_t pid = spawn_self(c->name, -1, -1, 0);
        status = pid > 0 ? wait_pid(pid) : 126;
        break;
    }
    default:
        break;
    }
    redirs_restore(&st);
    return status;
}

int exec_tree(struct node *n)
{
    int status = 0;

    if (n == NULL)
        return 0;
    switch (n->kind) {
    case N_LIST:
        for (struct node *item = n->left; item != NULL; item = item->next) {
            if (!item->bg) {
                status = exec_tree(item);
            } else if (item->kind == N_PIPELINE) {
                status = run_pipeline(item, 1);
            } else {
                /* "a && b &": a child shell runs the whole and-or list. */
                int null = open("/dev/null", O_RDONLY);
                pid_t pid = spawn_self(item->src, null, -1, 1);
                close_fd(null);
                if (pid > 0) {
                    job_add(item->src, &pid, 1);
                    sh.last_bg = pid;
                }
                status = 0;
            }
            sh.status = status;
            if (sh.breaking || sh.continuing)
                break;
        }
        break;
    case N_AND:
    case N_OR:
        status = exec_condition(n->left);
        sh.status = status;
        if (!sh.breaking && !sh.continuing && (n->kind == N_AND) == (status == 0))
            status = exec_tree(n->right);
        break;
    case N_PIPELINE:
        if (n->negate)
            sh.cond_depth++;
        status = run_pipeline(n, 0);
        if (n->negate)
            sh.cond_depth--;
        if (status != 0 && sh.errexit && sh.cond_depth == 0 && !n->negate)
            sh_exit(status); /* set -e */
        break;
    default:
        status = exec_compound(n);
        break;
    }
    sh.status = status;
    return status;
}

int exec_text(const char *text)
{
    struct arena a = {0};
    struct node *tree;
    int status;

    switch (parse_text(&a, text, &tree)) {
    case PARSE_OK:
        status = exec_tree(tree);
        break;
    case PARSE_INCOMPLETE:
        sh_error("syntax error: unexpected end of file");
        status = 2;
        break;
    default:
        status = 2;
        break;
    }
    arena_free(&a);
    sh.status = status;
    return status;
}
