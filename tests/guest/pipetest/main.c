/* pipetest: pipes, descriptor inheritance, file actions and poll, as a
 * program sees them (TAP lines, "pipetest: N passed, M failed").
 *
 * With no argument it runs the suite; with a role as argv[1] it is one of
 * the children the suite spawns (one program in several roles):
 *   sum N S      read stdin to EOF; exit 0 if it got N bytes summing to S
 *   gen N        write N pattern bytes (i * 7 + 3) to stdout
 *   inc          copy stdin to stdout, adding 1 to every byte
 *   hold         write "abc" to stdout, then sleep until killed
 *   quit         write "abc" to stdout and exit 0 without closing
 *   sigpipe      write to a pipe with no reader (default SIGPIPE action)
 *   atom C K     write K records of PIPE_BUF bytes of letter C to stdout
 *   late         sleep 30 ms, write "x" to stdout, exit */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <chime/layout.h>
#include <chime/pipe.h>
#include <chime/types.h>
#include <libos/spawn.h>
#include <libos/syscall.h>

static int passed, failed;

static void check(int ok, const char *what)
{
    printf("%s - %s\n", ok ? "ok" : "not ok", what);
    if (ok)
        passed++;
    else
        failed++;
}

static uint64_t now_ms(void)
{
    return (uint64_t)syscall0(SYS_CLOCK_GET) / 1000000u;
}

/* ---- child roles ------------------------------------------------------- */

static int role_sum(long want_n, unsigned long want_sum)
{
    static unsigned char buf[3000];
    long n = 0;
    unsigned long sum = 0;
    ssize_t r;

    while ((r = read(0, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < r; i++)
            sum = sum * 31 + buf[i];
        n += r;
    }
    if (r < 0)
        return 3;
    return n == want_n && sum == want_sum ? 0 : 4;
}

static unsigned char pattern(long i)
{
    return (unsigned char)(i * 7 + 3);
}

static int role_gen(long n)
{
    static unsigned char buf[5000];

    for (long done = 0; done < n;) {
        long k = n - done < (long)sizeof(buf) ? n - done : (long)sizeof(buf);

        for (long i = 0; i < k; i++)
            buf[i] = pattern(done + i);
        if (write(1, buf, (size_t)k) != k)
            return 5;
        done += k;
    }
    return 0;
}

static int role_inc(void)
{
    static unsigned char buf[1000];
    ssize_t r;

    while ((r = read(0, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < r; i++)
            buf[i]++;
        if (write(1, buf, (size_t)r) != r)
            return 6;
    }
    return r < 0 ? 7 : 0;
}

static int role_sigpipe(void)
{
    int p[2];

    if (pipe(p) < 0)
        return 8;
    close(p[0]);
    write(p[1], "x", 1);
    return 9; /* not reached: SIGPIPE ends the process with 141 */
}

static int role_atom(int c, long k)
{
    char rec[PIPE_BUF];

    memset(rec, c, sizeof(rec));
    for (long i = 0; i < k; i++)
        if (write(1, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
            return 10;
    return 0;
}

static int role(int argc, char **argv)
{
    const char *r = argv[1];

    if (!strcmp(r, "sum") && argc == 4)
        return role_sum(atol(argv[2]), strtoul(argv[3], NULL, 10));
    if (!strcmp(r, "gen") && argc == 3)
        return role_gen(atol(argv[2]));
    if (!strcmp(r, "inc"))
        return role_inc();
    if (!strcmp(r, "hold") || !strcmp(r, "quit")) {
        write(1, "abc", 3);
        while (!strcmp(r, "hold"))
            syscall1(SYS_SLEEP, 1000000000);
        return 0;
    }
    if (!strcmp(r, "sigpipe"))
        return role_sigpipe();
    if (!strcmp(r, "atom") && argc == 4)
        return role_atom(argv[2][0], atol(argv[3]));
    if (!strcmp(r, "late")) {
        syscall1(SYS_SLEEP, 30000000);
        write(1, "x", 1);
        return 0;
    }
    return 100;
}

/* ---- helpers --------------------------------------------------------- */

/* Spawn pipetest in a role with fd in_fd on 0 and out_fd on 1 (-1: leave). */
static pid_t spawn_role(char *const argv[], int in_fd, int out_fd)
{
    posix_spawn_file_actions_t fa;
    pid_t pid = -1;

    posix_spawn_file_actions_init(&fa);
    if (in_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    if (posix_spawn(&pid, "pipetest", &fa, NULL, argv, NULL) != 0)
        pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

static long free_frames(void)
{
    return syscall0(SYS_MEM_STATS);
}

static unsigned long sum_of_pattern(long n, int add)
{
    unsigned long s = 0;

    for (long i = 0; i < n; i++)
        s = s * 31 + (unsigned char)(pattern(i) + add);
    return s;
}

/* ---- tests ------------------------------------------------------------- */

static void test_basic(void)
{
    int p[2];
    char buf[16];
    struct stat st;

    check(pipe(p) == 0, "basic: pipe() makes two descriptors");
    check(write(p[1], "hello", 5) == 5, "basic: write 5 bytes");
    check(read(p[0], buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0,
          "basic: read gives them back");
    check(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "basic: fstat says S_IFIFO");
    check(read(p[1], buf, 1) < 0 && errno == EBADF, "basic: the write end does not read (EBADF)");
    check(lseek(p[0], 0, SEEK_SET) < 0 && errno == ESPIPE, "basic: lseek gives ESPIPE");
    close(p[1]);
    check(read(p[0], buf, 1) == 0, "basic: read after the only writer closed gives EOF");
    close(p[0]);
}

static void test_inherit_1m(void)
{
    enum { N = 1 << 20 };
    static unsigned char buf[4096];
    char n_s[16], sum_s[32];
    int p[2];
    pid_t pid;
    long st;

    snprintf(n_s, sizeof(n_s), "%d", N);
    snprintf(sum_s, sizeof(sum_s), "%lu", sum_of_pattern(N, 0));
    char *argv[] = {"pipetest", "sum", n_s, sum_s, NULL};
    check(pipe2(p, O_CLOEXEC) == 0, "inherit: pipe2(O_CLOEXEC)");
    pid = spawn_role(argv, p[0], -1);
    check(pid > 0, "inherit: spawn a reader with the read end on its stdin (adddup2)");
    close(p[0]);
    for (long done = 0; done < N; done += sizeof(buf)) {
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = pattern(done + (long)i);
        if (write(p[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
            break;
    }
    close(p[1]);
    st = chime_wait(pid, CHIME_FOREVER);
    check(st == 0, "inherit: 1 MiB through the pipe, checksum right, EOF at the end");
}

static void test_writer_gone(const char *how)
{
    char *argv[] = {"pipetest", (char *)how, NULL};
    char buf[8], what[96];
    int p[2];
    pid_t pid;
    ssize_t n = 0, r;

    pipe2(p, O_CLOEXEC);
    pid = spawn_role(argv, -1, p[1]);
    close(p[1]);
    while (n < 3 && (r = read(p[0], buf + n, sizeof(buf) - (size_t)n)) > 0)
        n += r;
    snprintf(what, sizeof(what), "writer %s: the child's bytes arrive", how);
    check(n == 3 && memcmp(buf, "abc", 3) == 0, what);
    if (!strcmp(how, "hold"))
        syscall2(SYS_SPACE_KILL, pid, CHIME_STATUS_KILLED);
    snprintf(what, sizeof(what), "writer %s: EOF once the writer's process is gone", how);
    check(read(p[0], buf, sizeof(buf)) == 0, what);
    chime_wait(pid, CHIME_FOREVER);
    close(p[0]);
}

static volatile int sigpipe_seen;

static void on_sigpipe(int sig)
{
    sigpipe_seen = sig;
}

static void test_epipe(void)
{
    char *argv[] = {"pipetest", "sigpipe", NULL};
    int p[2];
    pid_t pid;

    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    check(write(p[1], "x", 1) < 0 && errno == EPIPE, "epipe: write with no reader gives EPIPE");
    signal(SIGPIPE, on_sigpipe);
    check(write(p[1], "x", 1) < 0 && errno == EPIPE && sigpipe_seen == SIGPIPE,
          "epipe: and raises SIGPIPE (a handler runs)");
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);
    pid = spawn_role(argv, -1, -1);
    check(pid > 0 && chime_wait(pid, CHIME_FOREVER) == 141,
          "epipe: SIGPIPE's default action ends the process with status 141");
}

static void test_nonblock(void)
{
    static char buf[CHIME_PIPE_DATA + 1];
    int p[2];
    long total = 0;
    ssize_t r;

    pipe(p);
    check(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0 && (fcntl(p[0], F_GETFL) & O_NONBLOCK),
          "nonblock: F_SETFL O_NONBLOCK");
    check(read(p[0], buf, 1) < 0 && errno == EAGAIN, "nonblock: read of an empty pipe: EAGAIN");
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    while ((r = write(p[1], buf, 1000)) > 0)
        total += r;
    check(r < 0 && errno == EAGAIN && total == CHIME_PIPE_DATA,
          "nonblock: writes fill the ring (16 KiB), then EAGAIN");
    check(write(p[1], buf, PIPE_BUF) < 0 && errno == EAGAIN,
          "nonblock: an atomic write that does not fit: EAGAIN");
    check(read(p[0], buf, sizeof(buf)) == CHIME_PIPE_DATA, "nonblock: read drains it");
    close(p[0]);
    close(p[1]);
    check(pipe2(p, O_NONBLOCK) == 0 && read(p[0], buf, 1) < 0 && errno == EAGAIN,
          "nonblock: pipe2(O_NONBLOCK)");
    close(p[0]);
    close(p[1]);
}

static void test_atomic(void)
{
    enum { WRITERS = 4, RECS = 64 };
    static char all[WRITERS * RECS * PIPE_BUF];
    pid_t pid[WRITERS];
    int p[2], ok = 1, counts[WRITERS] = {0};
    long n = 0;
    ssize_t r;

    pipe2(p, O_CLOEXEC);
    for (int w = 0; w < WRITERS; w++) {
        char c[2] = {(char)('a' + w), 0}, k[8];

        snprintf(k, sizeof(k), "%d", RECS);
        char *argv[] = {"pipetest", "atom", c, k, NULL};
        pid[w] = spawn_role(argv, -1, p[1]);
    }
    close(p[1]);
    while ((r = read(p[0], all + n, 777)) > 0)
        n += r;
    for (long rec = 0; rec < n / PIPE_BUF; rec++) {
        char c = all[rec * PIPE_BUF];

        for (int i = 1; i < PIPE_BUF; i++)
            if (all[rec * PIPE_BUF + i] != c)
                ok = 0;
        if (c >= 'a' && c < 'a' + WRITERS)
            counts[c - 'a']++;
    }
    for (int w = 0; w < WRITERS; w++) {
        ok &= counts[w] == RECS;
        ok &= chime_wait(pid[w], CHIME_FOREVER) == 0;
    }
    check(n == (long)sizeof(all) && ok,
          "atomic: 4 writers x 64 writes of PIPE_BUF bytes never interleave");
    close(p[0]);
}

static void test_pipeline(void)
{
    enum { N = 200000 };
    char n_s[16], sum_s[32];
    int a[2], b[2];
    pid_t pid[3];
    int ok = 1;

    snprintf(n_s, sizeof(n_s), "%d", N);
    snprintf(sum_s, sizeof(sum_s), "%lu", sum_of_pattern(N, 1));
    char *gen[] = {"pipetest", "gen", n_s, NULL};
    char *inc[] = {"pipetest", "inc", NULL};
    char *sum[] = {"pipetest", "sum", n_s, sum_s, NULL};
    pipe2(a, O_CLOEXEC);
    pipe2(b, O_CLOEXEC);
    pid[0] = spawn_role(gen, -1, a[1]);
    pid[1] = spawn_role(inc, a[0], b[1]);
    pid[2] = spawn_role(sum, b[0], -1);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
    for (int i = 0; i < 3; i++)
        ok &= pid[i] > 0 && chime_wait(pid[i], CHIME_FOREVER) == 0;
    check(ok, "pipeline: gen | inc | sum, wired with adddup2, all exit 0");
}

static void test_actions(void)
{
    posix_spawn_file_actions_t fa;
    char *argv[] = {"pipetest", "quit", NULL};
    int p[2];
    pid_t pid;
    char buf[4];

    pipe2(p, O_CLOEXEC);
    posix_spawn_file_actions_init(&fa);
    /* In order: 1 -> the pipe, then close 1, then /dev/null on 1: the
     * child's output must vanish, and the pipe sees EOF with no byte. */
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, 1);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    check(posix_spawn(&pid, "pipetest", &fa, NULL, argv, NULL) == 0,
          "actions: adddup2, addclose, addopen");
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    check(read(p[0], buf, sizeof(buf)) == 0 && chime_wait(pid, CHIME_FOREVER) == 0,
          "actions: applied in order (output went to /dev/null)");
    close(p[0]);
    posix_spawn_file_actions_init(&fa);
    check(posix_spawn_file_actions_adddup2(&fa, -1, 1) == EBADF, "actions: adddup2(-1): EBADF");
    posix_spawn_file_actions_adddup2(&fa, 40, 1);
    check(posix_spawn(&pid, "pipetest", &fa, NULL, argv, NULL) == EBADF,
          "actions: dup2 of a closed fd makes posix_spawn fail with EBADF");
    posix_spawn_file_actions_destroy(&fa);
}

static void test_poll(void)
{
    char *argv[] = {"pipetest", "late", NULL};
    struct pollfd pf;
    int p[2], r;
    uint64_t t;
    char c;
    pid_t pid;
    fd_set rd;
    struct timeval tv = {0, 20000};

    pipe(p);
    pf = (struct pollfd){p[0], POLLIN, 0};
    t = now_ms();
    r = poll(&pf, 1, 50);
    check(r == 0 && pf.revents == 0 && now_ms() - t >= 50,
          "poll: an empty pipe times out after 50 ms with 0");
    write(p[1], "z", 1);
    check(poll(&pf, 1, 1000) == 1 && pf.revents == POLLIN, "poll: a readable pipe gives POLLIN");
    read(p[0], &c, 1);
    pf.events = POLLOUT;
    pf.fd = p[1];
    check(poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT, "poll: the write end gives POLLOUT");
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    check(select(p[0] + 1, &rd, NULL, NULL, &tv) == 0, "select: an empty pipe times out");
    close(p[1]);
    pf = (struct pollfd){p[0], POLLIN, 0};
    check(poll(&pf, 1, 1000) == 1 && (pf.revents & POLLHUP),
          "poll: POLLHUP after the writer closed");
    close(p[0]);
    pf = (struct pollfd){p[0], POLLIN, 0};
    check(poll(&pf, 1, 0) == 1 && pf.revents == POLLNVAL, "poll: a closed fd gives POLLNVAL");

    pf = (struct pollfd){0, POLLIN, 0};
    t = now_ms();
    check(poll(&pf, 1, 60) == 0 && now_ms() - t >= 60,
          "poll: the console with nothing typed times out with 0");
    pf = (struct pollfd){1, POLLOUT, 0};
    check(poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT, "poll: the console gives POLLOUT");

    pipe2(p, O_CLOEXEC);
    pid = spawn_role(argv, -1, p[1]);
    close(p[1]);
    pf = (struct pollfd){p[0], POLLIN, 0};
    t = now_ms();
    r = poll(&pf, 1, 5000);
    check(r == 1 && (pf.revents & POLLIN) && now_ms() - t < 5000,
          "poll: a sleeping poll wakes when another process writes");
    chime_wait(pid, CHIME_FOREVER);
    close(p[0]);
}

static void test_bad(void)
{
    struct sysret2 r = syscall3_2(SYS_PIPE_CREATE, 0, 0, 0);
    long before, weak;

    check(syscall1(SYS_PIPE_CREATE, 1) == CHIME_EINVAL, "bad: create with flags: EINVAL");
    check(syscall1(SYS_PIPE_MAP, -7) == CHIME_EBADH &&
              syscall1(SYS_PIPE_MAP, 1 << 20) == CHIME_EBADH,
          "bad: map of a negative or huge handle: EBADH");
    check(syscall1(SYS_PIPE_MAP, 0) == CHIME_EBADH, "bad: map of a space handle: EBADH");
    check(syscall1(SYS_PIPE_UNMAP, r.a0) == CHIME_ENOENT, "bad: unmap with no mapping: ENOENT");
    check(syscall2(SYS_PIPE_WATCH, r.a0, r.a1) == CHIME_EBADH,
          "bad: watch with a pipe handle as the vector: EBADH");
    check(syscall1(SYS_PIPE_NOTIFY, 12345) == CHIME_EBADH, "bad: notify of a bad handle: EBADH");
    weak = syscall2(SYS_HANDLE_DUP, r.a0, CHIME_R_GRANT);
    check(syscall1(SYS_PIPE_MAP, weak) == CHIME_EPERM &&
              syscall1(SYS_PIPE_NOTIFY, weak) == CHIME_EPERM,
          "bad: a read end without READ cannot map or notify: EPERM");
    syscall1(SYS_HANDLE_CLOSE, weak);
    syscall1(SYS_HANDLE_CLOSE, r.a0);
    syscall1(SYS_HANDLE_CLOSE, r.a1);
    check(syscall1(SYS_PIPE_MAP, r.a0) == CHIME_EBADH, "bad: map of a closed end: EBADH");

    before = free_frames();
    for (int i = 0; i < 20; i++) {
        int p[2];

        pipe(p);
        write(p[1], "q", 1);
        close(p[0]);
        close(p[1]);
    }
    check(free_frames() == before, "bad: 20 pipes made and closed give their frames back");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return role(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_basic();
    test_inherit_1m();
    test_writer_gone("quit");
    test_writer_gone("hold");
    test_epipe();
    test_nonblock();
    test_atomic();
    test_pipeline();
    test_actions();
    test_poll();
    test_bad();
    printf("pipetest: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
