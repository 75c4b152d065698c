/* ttytest: the console as programs see it, for the system tests
 * (tests/system/cases/tty_*.case). Modes:
 *
 *   ttytest api         TAP checks of the descriptor and termios calls and
 *                       of bad requests to the console server
 *   ttytest lines       print "ttytest: ready", then echo each line read
 *                       from stdin as "got [LINE]" until end of file
 *   ttytest intr        print "ttytest: ready", then block in read(0):
 *                       ^C must end it with status 130
 *   ttytest handler     the same with a SIGINT handler: the read fails with
 *                       EINTR after the handler ran
 *   ttytest raw         raw mode (cfmakeraw): three bytes, as typed, and
 *                       reads timed by VTIME (see mode_raw)
 *   ttytest printers N  N processes print 100 lines each, every line in
 *                       three writes; the host checks no two lines mixed
 *   ttytest big         one write() of 500 lines (40,000 bytes: more than
 *                       the data area and the server's queue), and a line
 *                       on unbuffered stderr, a byte per write */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <chime/proto/console.h>
#include <chime/syscall.h>

#include "libos/ipc.h"
#include "libos/spawn.h"

static int failures;

static int tap(int ok, const char *what)
{
    printf("%s - tty: %s\n", ok ? "ok" : "not ok", what);
    failures += !ok;
    return ok;
}

/* One raw request to the console server on connection c. */
static long raw_call(struct ipc_conn *c, uint16_t op, uint32_t aux, uint64_t offset,
                     uint64_t length, uint64_t data, uint64_t arg)
{
    struct ipc_slot req = {
        .opcode = op, .aux = aux, .offset = offset, .length = length, .data = data, .arg = arg};
    struct ipc_slot reply;

    return ipc_call(c, &req, &reply);
}

static void api_protocol(void)
{
    struct ipc_conn *c;
    long r = ipc_connect(&c, CONSOLE_SERVICE, 0, 0);
    uint64_t size;

    if (!tap(r == 0, "a second connection to the console"))
        return;
    size = ipc_data_size(c);
    tap(raw_call(c, 99, 0, 0, 0, 0, 0) == CHIME_ENOSYS, "an unknown opcode fails with ENOSYS");
    tap(raw_call(c, CONSOLE_OP_WRITE, 0, 0, 8, size - 4, 0) == CHIME_EFAULT,
        "a write past the data area fails with EFAULT");
    tap(raw_call(c, CONSOLE_OP_WRITE, 0, 0, ~0ull, 0, 0) == CHIME_EFAULT,
        "a write of 2^64-1 bytes fails with EFAULT");
    tap(raw_call(c, CONSOLE_OP_READ, 0, 0, 0, 0, 0) == CHIME_EINVAL,
        "a read of 0 bytes fails with EINVAL");
    tap(raw_call(c, CONSOLE_OP_READ, 0x80, 0, 4, 0, 0) == CHIME_EINVAL,
        "a read with unknown flags fails with EINVAL");
    tap(raw_call(c, CONSOLE_OP_READ, CONSOLE_READ_NONBLOCK, 0, 4, 0, 0) == CHIME_EAGAIN,
        "a nonblocking read with nothing typed fails with EAGAIN");
    tap(raw_call(c, CONSOLE_OP_SET_MODE, 0x4000, 0, 0, 0, 0) == CHIME_EINVAL,
        "a mode with unknown bits fails with EINVAL");
    tap(raw_call(c, CONSOLE_OP_SET_MODE, CONSOLE_M_DEFAULT, 256, 0, 0, 0) == CHIME_EINVAL,
        "VMIN 256 fails with EINVAL");
    tap(raw_call(c, CONSOLE_OP_SET_MODE, CONSOLE_M_DEFAULT, 1, 256, 0, 0) == CHIME_EINVAL,
        "VTIME 256 fails with EINVAL");
    tap(raw_call(c, CONSOLE_OP_SET_WINSIZE, 0, 0, 80, 0, 0) == CHIME_EINVAL,
        "a window of 0 rows fails with EINVAL");
    tap(raw_call(c, CONSOLE_OP_SET_FG, 0, 0, 0, 0, 0x7fffffff) == CHIME_ESRCH,
        "an unknown foreground process fails with ESRCH");
    memcpy(ipc_data(c), "tty: a raw WRITE request\n", 25);
    tap(raw_call(c, CONSOLE_OP_WRITE, 0, 0, 25, 0, 0) == 25, "a good write after the bad ones");
    tap(raw_call(c, CONSOLE_OP_DRAIN, 0, 0, 0, 0, 0) == 0, "drain");
    ipc_disconnect(c);
}

static void api_termios(void)
{
    struct termios t, raw;
    struct winsize w = {30, 100, 0, 0}, got;

    tap(tcgetattr(0, &t) == 0, "tcgetattr on stdin");
    tap((t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG) && (t.c_iflag & ICRNL) &&
            (t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR),
        "the default mode is cooked: ICANON ECHO ISIG ICRNL OPOST|ONLCR");
    raw = t;
    cfmakeraw(&raw);
    tap(tcsetattr(0, TCSANOW, &raw) == 0, "tcsetattr raw");
    tcgetattr(0, &raw);
    tap(!(raw.c_lflag & (ICANON | ECHO | ISIG)) && raw.c_cc[VMIN] == 1,
        "raw mode reads back without ICANON ECHO ISIG, VMIN 1");
    raw.c_cc[VTIME] = 3;
    raw.c_cc[VMIN] = 0;
    tap(tcsetattr(0, TCSANOW, &raw) == 0 && tcgetattr(0, &raw) == 0 && raw.c_cc[VTIME] == 3 &&
            raw.c_cc[VMIN] == 0,
        "VMIN 0 VTIME 3 is set and reads back");
    tap(tcsetattr(0, TCSADRAIN, &t) == 0, "back to cooked mode (TCSADRAIN)");
    tap(tcsetattr(0, 7, &t) == -1 && errno == EINVAL, "tcsetattr action 7 fails with EINVAL");
    tap(ioctl(1, TIOCSWINSZ, &w) == 0 && ioctl(1, TIOCGWINSZ, &got) == 0 && got.ws_row == 30 &&
            got.ws_col == 100,
        "the window size set is the one read back");
    tap(tcgetpgrp(0) == getpid(), "the foreground process is the newest client: us");
    tap(tcsetpgrp(0, getpid()) == 0 && tcgetpgrp(0) == getpid(), "tcsetpgrp to ourselves");
    tap(tcdrain(1) == 0, "tcdrain");
}

static void api_fds(void)
{
    char buf[8] = "xxxxxxx";
    int fd;

    tap(isatty(0) && isatty(1) && isatty(2), "fds 0, 1 and 2 are terminals");
    errno = 0;
    tap(!isatty(9) && errno == EBADF, "isatty on a closed fd: 0, EBADF");
    errno = 0;
    tap(write(9, "x", 1) == -1 && errno == EBADF, "write to a closed fd fails with EBADF");
    tap(lseek(1, 0, SEEK_SET) == -1 && errno == ESPIPE, "lseek on the terminal: ESPIPE");
    fd = open("/dev/null", O_RDWR);
    tap(fd >= 3 && read(fd, buf, 8) == 0 && write(fd, "abc", 3) == 3 && !isatty(fd),
        "/dev/null reads end of file, takes writes, is no terminal");
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    tap(fd >= 3 && read(fd, buf, 8) == 8 && memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0,
        "/dev/zero reads zeros");
    tap(write(fd, "a", 1) == -1 && errno == EBADF, "a write to a read-only fd fails with EBADF");
    close(fd);
    fd = open("/dev/tty", O_WRONLY);
    tap(fd >= 3 && isatty(fd) && write(fd, "tty: via /dev/tty\n", 18) == 18,
        "/dev/tty is the terminal");
    tap(dup2(fd, 20) == 20 && write(20, "tty: via dup2\n", 14) == 14,
        "dup2 of it writes there too");
    close(fd);
    tap(write(20, "tty: after closing the original\n", 32) == 32,
        "the duplicate outlives the original");
    close(20);
    tap(close(20) == -1 && errno == EBADF, "closing twice fails with EBADF");
    tap(open("/no/such", O_RDONLY) == -1 && errno == ENOENT, "other paths: ENOENT");
}

static int mode_api(void)
{
    api_fds();
    api_termios();
    api_protocol();
    printf("ttytest: %d failures\n", failures);
    return failures;
}

static int mode_lines(void)
{
    char line[300];
    int n = 0;

    printf("ttytest: ready\n");
    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\n")] = 0;
        printf("got [%s]\n", line);
        n++;
    }
    printf("ttytest: end of file after %d lines\n", n);
    return 0;
}

static volatile int handled;

static void on_sigint(int sig)
{
    handled = sig;
}

static int mode_intr(int with_handler)
{
    char c;
    ssize_t r;

    if (with_handler) {
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_sigint;
        sigaction(SIGINT, &sa, NULL);
    }
    printf("ttytest: ready\n");
    r = read(0, &c, 1);
    if (!with_handler) {
        printf("ttytest: read returned %ld: the interrupt did not end us\n", (long)r);
        return 1;
    }
    printf("%s - tty: the SIGINT handler ran (signal %d) and read failed with EINTR\n",
           handled == SIGINT && r == -1 && errno == EINTR ? "ok" : "not ok", handled);
    return handled == SIGINT && r == -1 ? 0 : 1;
}

static uint64_t ms_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A raw read of up to n bytes with VMIN vmin and VTIME vtime: its result,
 * and how long it took in *ms. */
static ssize_t timed_read(const struct termios *raw, int vmin, int vtime, unsigned char *b,
                          size_t n, uint64_t *ms)
{
    struct termios m = *raw;
    uint64_t t0;
    ssize_t r;

    m.c_cc[VMIN] = (cc_t)vmin;
    m.c_cc[VTIME] = (cc_t)vtime;
    tcsetattr(0, TCSANOW, &m);
    t0 = ms_now();
    r = read(0, b, n);
    *ms = ms_now() - t0;
    return r;
}

/* Raw mode (cfmakeraw). Before "ready" (nothing typed yet): VMIN 0 VTIME 0
 * polls, VMIN 0 VTIME 3 times out with 0 after 0.3 s. Then the host types
 * "a ^C CR x y z", 20 ms apart: VMIN 3 reads the first three as typed,
 * VMIN 0 VTIME 20 returns with "x" as soon as there is a byte, and VMIN 10
 * VTIME 10 returns "yz", fewer than VMIN, once a second passed after z. */
static int mode_raw(void)
{
    struct termios t, raw;
    unsigned char b[16];
    size_t got = 0;
    uint64_t ms;
    ssize_t r;

    tcgetattr(0, &t);
    raw = t;
    cfmakeraw(&raw);
    tcsetattr(0, TCSAFLUSH, &raw);
    r = timed_read(&raw, 0, 0, b, sizeof(b), &ms);
    tap(r == 0 && ms < 250, "VMIN 0 VTIME 0 with nothing typed: 0 at once");
    r = timed_read(&raw, 0, 3, b, sizeof(b), &ms);
    tap(r == 0 && ms >= 290 && ms < 5000, "VMIN 0 VTIME 3 with nothing typed: 0 after 0.3 s");
    printf("# VTIME 3 read took %llu ms\n", (unsigned long long)ms);
    raw.c_cc[VMIN] = 3;
    raw.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &raw);
    printf("ttytest: ready\n");
    while (got < 3) {
        r = read(0, b + got, 3 - got);

        if (r <= 0)
            break;
        got += (size_t)r;
    }
    printf("raw: %zu bytes: %02x %02x %02x\n", got, b[0], b[1], b[2]);
    r = timed_read(&raw, 0, 20, b, 1, &ms);
    tap(r == 1 && b[0] == 'x' && ms < 1900, "VMIN 0 VTIME 20: back with the first byte typed");
    r = timed_read(&raw, 10, 10, b, sizeof(b), &ms);
    tap(r == 2 && memcmp(b, "yz", 2) == 0 && ms >= 950,
        "VMIN 10 VTIME 10: the last 2 bytes, a second after the last one");
    printf("# VMIN 10 VTIME 10 read: %ld bytes in %llu ms\n", (long)r, (unsigned long long)ms);
    tcsetattr(0, TCSANOW, &t);
    printf("raw: %d failures\n", failures);
    return got == 3 && failures == 0 ? 0 : 1;
}

#define PRINTER_LINES 100

static int mode_printer(int k)
{
    for (int i = 0; i < PRINTER_LINES; i++) {
        printf("printer %d line %d: ", k, i);
        fflush(stdout);
        printf("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        fflush(stdout);
        printf(" end\n");
    }
    return 0;
}

static int mode_printers(int n)
{
    pid_t pids[8];
    int ok = 0;

    if (n < 1 || n > 8)
        return 2;
    for (int k = 0; k < n; k++) {
        char arg[4];
        char *argv[] = {"ttytest", "printer", arg, NULL};

        snprintf(arg, sizeof(arg), "%d", k);
        if (chime_spawn(&pids[k], argv, 0) != 0)
            return 1;
    }
    for (int k = 0; k < n; k++)
        ok += chime_wait(pids[k], CHIME_FOREVER) == 0;
    printf("ttytest: %d of %d printers exited with status 0\n", ok, n);
    return ok == n ? 0 : 1;
}

static int mode_big(void)
{
    enum { LINES = 500, LEN = 80 };
    static char buf[LINES * LEN];
    ssize_t r;

    for (int i = 0; i < LINES; i++) {
        char *l = buf + i * LEN;
        int n = snprintf(l, LEN, "big %03d ", i);

        memset(l + n, 'x', LEN - 1 - (size_t)n);
        l[LEN - 1] = '\n';
    }
    r = write(1, buf, sizeof(buf));
    fprintf(stderr, "ttytest: stderr line, one byte per write\n");
    printf("ttytest: big write returned %ld of %u\n", (long)r, (unsigned)sizeof(buf));
    return r == (ssize_t)sizeof(buf) ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "api";

    if (strcmp(mode, "api") == 0)
        return mode_api();
    if (strcmp(mode, "lines") == 0)
        return mode_lines();
    if (strcmp(mode, "intr") == 0)
        return mode_intr(0);
    if (strcmp(mode, "handler") == 0)
        return mode_intr(1);
    if (strcmp(mode, "raw") == 0)
        return mode_raw();
    if (strcmp(mode, "big") == 0)
        return mode_big();
    if (strcmp(mode, "printer") == 0 && argc > 2)
        return mode_printer(atoi(argv[2]));
    if (strcmp(mode, "printers") == 0 && argc > 2)
        return mode_printers(atoi(argv[2]));
    fprintf(stderr, "usage: ttytest api|lines|intr|handler|raw|printers N|big\n");
    return 2;
}
