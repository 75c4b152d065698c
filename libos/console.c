/* The console descriptor kind (fd.h): fds 0, 1 and 2 of every program, and
 * /dev/console and /dev/tty, talk to the console server through the
 * console protocol (include/chime/proto/console.h).
 *
 * Each thread has its own connection, made at its first console call
 * (a connection belongs to the thread that opened it, libos/ipc.h); the
 * server assembles lines per connection, so the lines of two threads never
 * mix either. Until a console service exists (init before it starts the
 * console, a boot without one) output goes to the kernel's debug console
 * and input reads end of file; every call tries to connect again, so a
 * program switches over as soon as the server is up.
 *
 * Payloads go through the connection's data area: a write is copied in
 * (in pieces of the data area's size), a read is copied out.
 *
 * SIGINT: a completion with CONSOLE_CPL_INTR posts it (sig.h), and it is
 * delivered when the call returns; a read it interrupted fails with EINTR
 * once a handler has run. */
#include "fd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <chime/proto/console.h>

#include "ipc.h"
#include "libos.h"
#include "sig.h"
#include "syscall.h"

static ssize_t console_read(struct libos_file *f, void *buf, size_t n);
static ssize_t console_write(struct libos_file *f, const void *buf, size_t n);
static int console_fstat(struct libos_file *f, struct stat *st);
static int console_ioctl(struct libos_file *f, unsigned long request, void *arg);
static int console_inherit(struct libos_file *f, long space, struct libos_fd_record *rec);
static int console_poll(struct libos_file *f, int events, int arm);

static const struct fd_ops console_ops = {
    .kind = "console",
    .read = console_read,
    .write = console_write,
    .fstat = console_fstat,
    .ioctl = console_ioctl,
    .inherit = console_inherit,
    .poll = console_poll,
};

/* fds 0, 1 and 2 (fd.c's initial table): never freed, so fd.c does not count
 * its references. */
struct libos_file console_std_file = {.ops = &console_ops, .flags = O_RDWR, .refs = 1};

static __thread struct ipc_conn *conn;

/* Largest single SYS_DEBUG_WRITE: longer writes go out in pieces. */
#define DEBUG_WRITE_CHUNK 4096u

long libos_debug_write(const void *buf, size_t n)
{
    const char *p = buf;
    size_t done = 0;

    while (done < n) {
        size_t k = n - done < DEBUG_WRITE_CHUNK ? n - done : DEBUG_WRITE_CHUNK;
        long r = syscall2(SYS_DEBUG_WRITE, (long)(p + done), (long)k);

        if (r < 0)
            return done > 0 ? (long)done : -libos_errno(r);
        done += (size_t)r;
    }
    return (long)done;
}

/* This thread's connection, connecting if there is none; NULL while no
 * console service exists. A connection the server closed is dropped. */
static struct ipc_conn *console_conn(void)
{
    struct ipc_conn *c = conn;

    if (__builtin_expect(c != NULL && !ipc_closed(c), 1))
        return c;
    if (c) {
        ipc_disconnect(c);
        conn = NULL;
    }
    if (ipc_connect(&c, CONSOLE_SERVICE, 0, 0) < 0)
        return NULL;
    conn = c;
    return c;
}

/* One synchronous request; returns its result (a CHIME_E* code on error).
 * The payload, if any, is at offset 0 of the data area. */
static long console_call(struct ipc_conn *c, uint16_t op, uint32_t aux, uint64_t offset,
                         uint64_t length, uint64_t arg, struct ipc_slot *out)
{
    struct ipc_slot *rq = ipc_call_begin(c);
    const struct ipc_slot *cpl;
    long r;

    rq->opcode = op;
    rq->flags = 0;
    rq->handle = 0;
    rq->aux = aux;
    rq->offset = offset;
    rq->length = length;
    rq->data = 0;
    rq->arg = arg;
    cpl = ipc_call_end(c, rq);
    r = cpl->result;
    if (__builtin_expect(cpl->flags & CONSOLE_CPL_INTR, 0))
        libos_signal_post(SIGINT);
    if (out)
        *out = *cpl;
    return r;
}

static ssize_t console_write(struct libos_file *f, const void *buf, size_t n)
{
    struct ipc_conn *c = console_conn();
    const char *p = buf;
    size_t done = 0;

    if (!c)
        return libos_debug_write(buf, n);
    while (done < n) {
        size_t k = n - done < ipc_data_size(c) ? n - done : ipc_data_size(c);
        long r;

        memcpy(ipc_data(c), p + done, k);
        r = console_call(c, CONSOLE_OP_WRITE, 0, 0, k, 0, NULL);
        if (__builtin_expect(r < 0, 0)) {
            if (r == CHIME_EPIPE) { /* the server is gone: the debug console */
                long d = libos_debug_write(p + done, n - done);

                return d < 0 ? (done ? (ssize_t)done : d) : (ssize_t)(done + (size_t)d);
            }
            libos_signals();
            return done ? (ssize_t)done : -libos_errno(r);
        }
        done += (size_t)r;
    }
    libos_signals();
    return (ssize_t)done;
}

static ssize_t console_read(struct libos_file *f, void *buf, size_t n)
{
    struct ipc_conn *c = console_conn();
    size_t k;
    long r;

    if (!c || n == 0)
        return 0;
    k = n < ipc_data_size(c) ? n : ipc_data_size(c);
    r = console_call(c, CONSOLE_OP_READ, (f->flags & O_NONBLOCK) ? CONSOLE_READ_NONBLOCK : 0, 0, k,
                     0, NULL);
    if (r > 0)
        memcpy(buf, ipc_data(c), (size_t)r);
    libos_signals();
    if (r == CHIME_EPIPE)
        return 0; /* the terminal hung up */
    return r < 0 ? -libos_errno(r) : r;
}

static int console_fstat(struct libos_file *f, struct stat *st)
{
    *st = (struct stat){.st_mode = S_IFCHR | 0620, .st_blksize = CONSOLE_LINE_MAX};
    return 0;
}

/* ---- terminal requests --------------------------------------------------- */

static void termios_of(struct termios *t, unsigned mode, unsigned vmin, unsigned vtime)
{
    memset(t, 0, sizeof(*t));
    t->c_iflag = (mode & CONSOLE_M_ICRNL) ? ICRNL : 0;
    t->c_oflag = (mode & CONSOLE_M_ONLCR) ? OPOST | ONLCR : 0;
    t->c_cflag = CS8 | CREAD | CLOCAL;
    t->c_lflag = ((mode & CONSOLE_M_ICANON) ? ICANON | ECHOE | ECHOK | IEXTEN : 0) |
                 ((mode & CONSOLE_M_ECHO) ? ECHO : 0) | ((mode & CONSOLE_M_ISIG) ? ISIG : 0);
    t->c_cc[VINTR] = CONSOLE_CH_INTR;
    t->c_cc[VEOF] = CONSOLE_CH_EOF;
    t->c_cc[VERASE] = CONSOLE_CH_DEL;
    t->c_cc[VKILL] = CONSOLE_CH_KILL;
    t->c_cc[VMIN] = (cc_t)vmin;
    t->c_cc[VTIME] = (cc_t)vtime;
    t->c_ispeed = t->c_ospeed = B115200;
}

static unsigned mode_of(const struct termios *t)
{
    return ((t->c_lflag & ICANON) ? CONSOLE_M_ICANON : 0) |
           ((t->c_lflag & ECHO) ? CONSOLE_M_ECHO : 0) | ((t->c_lflag & ISIG) ? CONSOLE_M_ISIG : 0) |
           ((t->c_iflag & ICRNL) ? CONSOLE_M_ICRNL : 0) |
           ((t->c_oflag & OPOST) && (t->c_oflag & ONLCR) ? CONSOLE_M_ONLCR : 0);
}

static long set_mode(struct ipc_conn *c, unsigned long request, const struct termios *t)
{
    long r = 0;

    if (request != TCSETS)
        r = console_call(c, CONSOLE_OP_DRAIN, 0, 0, 0, 0, NULL);
    if (r == 0 && request == TCSETSF)
        r = console_call(c, CONSOLE_OP_FLUSH_INPUT, 0, 0, 0, 0, NULL);
    if (r == 0)
        r = console_call(c, CONSOLE_OP_SET_MODE, mode_of(t), t->c_cc[VMIN], t->c_cc[VTIME], 0,
                         NULL);
    return r;
}

/* Requests with no console server yet: it reads as a terminal in the
 * default mode whose output drains at once (the debug console is
 * synchronous); changing it is not possible. */
static int ioctl_without_server(unsigned long request, void *arg)
{
    switch (request) {
    case TCGETS:
        termios_of(arg, CONSOLE_M_DEFAULT, 1, 0);
        return 0;
    case TCDRAIN_LIBOS:
        return 0;
    default:
        return -EIO;
    }
}

static int console_ioctl(struct libos_file *f, unsigned long request, void *arg)
{
    struct ipc_conn *c = console_conn();
    struct ipc_slot cpl;
    long r;

    if (!c)
        return ioctl_without_server(request, arg);
    switch (request) {
    case TCGETS:
        r = console_call(c, CONSOLE_OP_GET_MODE, 0, 0, 0, 0, &cpl);
        if (r == 0)
            termios_of(arg, cpl.aux, (unsigned)cpl.offset, (unsigned)cpl.length);
        break;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        r = set_mode(c, request, arg);
        break;
    case TCFLSH: {
        int q = (int)(intptr_t)arg;

        r = q == TCIFLUSH || q == TCIOFLUSH
                ? console_call(c, CONSOLE_OP_FLUSH_INPUT, 0, 0, 0, 0, NULL)
                : (q == TCOFLUSH ? 0 : CHIME_EINVAL);
        break;
    }
    case TCDRAIN_LIBOS:
        r = console_call(c, CONSOLE_OP_DRAIN, 0, 0, 0, 0, NULL);
        break;
    case TIOCGWINSZ:
        r = console_call(c, CONSOLE_OP_GET_WINSIZE, 0, 0, 0, 0, &cpl);
        if (r == 0)
            *(struct winsize *)arg =
                (struct winsize){(unsigned short)cpl.offset, (unsigned short)cpl.length, 0, 0};
        break;
    case TIOCSWINSZ: {
        const struct winsize *w = arg;

        r = console_call(c, CONSOLE_OP_SET_WINSIZE, 0, w->ws_row, w->ws_col, 0, NULL);
        break;
    }
    case TIOCGPGRP:
        r = console_call(c, CONSOLE_OP_GET_FG, 0, 0, 0, 0, NULL);
        if (r >= 0) {
            *(pid_t *)arg = (pid_t)r;
            r = 0;
        }
        break;
    case TIOCSPGRP:
        r = console_call(c, CONSOLE_OP_SET_FG, 0, 0, 0, (uint64_t) * (const pid_t *)arg, NULL);
        break;
    default:
        return -ENOTTY;
    }
    libos_signals();
    return r < 0 ? -libos_errno(r) : (int)r;
}

struct libos_file *console_open(const char *path, int flags, mode_t mode, int *err)
{
    struct libos_file *f;

    if (strcmp(path, "/dev/console") != 0 && strcmp(path, "/dev/tty") != 0)
        return NULL;
    f = fd_file_new(&console_ops, NULL, flags & (O_ACCMODE | O_NONBLOCK | O_APPEND));
    if (!f)
        *err = -ENOMEM;
    return f;
}

/* A child reaches the console through its own connection: nothing to grant. */
static int console_inherit(struct libos_file *f, long space, struct libos_fd_record *rec)
{
    rec->kind = LIBOS_FD_CONSOLE;
    return 0;
}

/* Readiness: output never waits for long (POLLOUT); POLLIN asks the server
 * (CONSOLE_OP_POLL). No event announces input, so arming asks poll to look
 * again after a short sleep (fd.h). With no console server, input is end
 * of file: always readable. */
static int console_poll(struct libos_file *f, int events, int arm)
{
    struct ipc_conn *c;
    int r = events & POLLOUT;

    if (arm != 0)
        return arm > 0 ? 1 : 0;
    if (!(events & POLLIN))
        return r;
    c = console_conn();
    if (!c || console_call(c, CONSOLE_OP_POLL, 0, 0, 0, 0, NULL) != 0)
        r |= POLLIN;
    return r;
}
