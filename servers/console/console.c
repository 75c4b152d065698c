/* console: the terminal server, a driver for the ns16550a UART of QEMU
 * virt. Serves CONSOLE_SERVICE (include/chime/proto/console.h).
 *
 * init gives it the UART's registers and IRQ line (CHIME_DEV<i>* in the
 * environment, chime_device_find). Typed bytes raise the IRQ, bound to
 * UART_VECTOR: the event handler drains the receive FIFO through the line
 * discipline (ldisc.c), which edits, echoes and finishes lines. Output
 * collects per client in line buffers and leaves through one queue of
 * whole lines (outq.c); the transmitter is fed UART_FIFO bytes at a time
 * whenever the FIFO is empty, and the THRE interrupt says when it is empty
 * again while output waits.
 *
 * Requests that cannot be answered yet (a READ with no line, a WRITE when
 * the queue is full, a DRAIN while bytes remain) are kept per client and
 * answered with ipc_reply from service(), which runs after every request
 * that can make one possible and after every interrupt.
 *
 * Raw reads with VTIME have timers (ldisc.h says when each runs out). A
 * second thread keeps the earliest one: it sleeps on a futex until that
 * deadline and then raises TIMER_VECTOR of the server thread, whose event
 * handler answers the reads whose time is up.
 *
 * The server never prints through stdio: its own output would be a request
 * to itself. Its few messages go to the kernel console (SYS_DEBUG_WRITE). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/proto/console.h>
#include <chime/types.h>

#include "ldisc.h"
#include "libos/ipc.h"
#include "libos/spawn.h"
#include "libos/syscall.h"
#include "libos/thread.h"
#include "libos/uintr.h"
#include "outq.h"
#include "uart.h"

#define UART_VA      0x1c00000000ull /* free in the libos layout (libos.h) */
#define UART_VECTOR  1
#define TIMER_VECTOR 2
#define WIN_ROWS     24
#define WIN_COLS     80

/* One client connection. */
struct client {
    struct ipc_sconn *conn;
    struct client *next;
    uint64_t seq; /* connection order: the newest is the default foreground */
    uint32_t pid; /* kernel id of the client process */
    int intr_owed;
    struct outline line;
    /* A WRITE waiting for queue room: wreq, and how much of it is queued. */
    int write_pending;
    struct ipc_slot wreq;
    uint64_t wdone;
    /* A READ waiting for input, with its place in the global order. */
    int read_pending;
    struct ipc_slot rreq;
    uint64_t rseq;
    uint64_t rstart; /* when it came (ns): VTIME timers */
    int drain_pending;
    struct ipc_slot dreq;
};

static volatile uint8_t *uart;
static int uart_irq = -1;
static struct ldisc ld;
static struct outq out;
static struct outq echo;
static int out_at_line_start = 1; /* the wire is between two output lines */
static int thri_on;
static struct client *clients;
static uint64_t next_seq = 1;
static uint32_t fg_pid; /* 0: the newest connection */
static uint64_t win_rows = WIN_ROWS, win_cols = WIN_COLS;
static uint64_t last_rx; /* when the latest typed byte came (ns) */

/* The timer thread's deadline (ns; LD_NO_DEADLINE: none), and the futex
 * word the server thread bumps whenever it changes it. */
static uint64_t timer_deadline = LD_NO_DEADLINE;
static uint32_t timer_seq;
static int timer_sender = -1; /* uipi_send index of TIMER_VECTOR */

/* Private copies of payloads: shared memory is read once. */
static uint8_t chunk[4096];

static void say(const char *s)
{
    syscall2(SYS_DEBUG_WRITE, (long)s, (long)strlen(s));
}

static uint64_t now_ns(void)
{
    return (uint64_t)syscall0(SYS_CLOCK_GET);
}

static int onlcr(void)
{
    return (ld.mode & CONSOLE_M_ONLCR) != 0;
}

/* ---- transmit ---------------------------------------------------------- */

static void set_thri(int on)
{
    if (on == thri_on)
        return;
    thri_on = on;
    uart_wr(uart, UART_IER, UART_IER_RDI | (on ? UART_IER_THRI : 0));
}

/* Fill the transmit FIFO while it is empty: echo first whenever the wire
 * is between lines (or no output waits), else queued output. Leaves the
 * THRE interrupt on while bytes remain. */
static void tx_pump(void)
{
    for (;;) {
        unsigned room = UART_FIFO;

        if (!outq_used(&echo) && !outq_used(&out)) {
            set_thri(0);
            return;
        }
        if (!(uart_rd(uart, UART_LSR) & UART_LSR_THRE)) {
            set_thri(1);
            return;
        }
        while (room > 0) {
            struct outq *q =
                outq_used(&echo) && (out_at_line_start || !outq_used(&out)) ? &echo : &out;
            uint32_t n;
            const uint8_t *p = outq_peek(q, &n);

            if (n == 0)
                break;
            if (q == &out) {
                /* Stop at the end of a line: echo may go next. */
                uint32_t k = 0;

                while (k < n && k < room && p[k] != '\n')
                    k++;
                out_at_line_start = k < n && k < room;
                n = k + out_at_line_start;
            } else if (n > room) {
                n = room;
            }
            for (uint32_t i = 0; i < n; i++)
                uart_wr(uart, UART_THR, p[i]);
            outq_consume(q, n);
            room -= n;
        }
    }
}

/* ---- answering later ---------------------------------------------------- */

/* A completion for cl: the interrupt flag rides on it when one is owed. */
static void finish(struct client *cl, const struct ipc_slot *req, long result, uint64_t arg)
{
    struct ipc_slot cpl = {.opcode = req->opcode, .tag = req->tag, .handle = req->handle};

    cpl.result = result;
    cpl.arg = arg;
    if (cl->intr_owed) {
        cpl.flags = CONSOLE_CPL_INTR;
        cl->intr_owed = 0;
    }
    ipc_reply(cl->conn, &cpl);
}

/* Queue more of cl's pending WRITE. Returns its result once all of it is
 * queued (the length, or CHIME_EFAULT), else IPC_REPLY_LATER; *moved says
 * whether any byte moved. */
static long write_more(struct client *cl, int *moved)
{
    const struct ipc_slot *rq = &cl->wreq;
    const uint8_t *src = ipc_payload(cl->conn, rq, rq->length, CHIME_PROT_READ);

    if (!src) { /* (checked at arrival: cannot happen) */
        cl->write_pending = 0;
        return CHIME_EFAULT;
    }
    while (cl->wdone < rq->length || cl->line.full) {
        uint64_t n = rq->length - cl->wdone;
        size_t took;

        if (n > sizeof(chunk))
            n = sizeof(chunk);
        memcpy(chunk, src + cl->wdone, n);
        took = outq_feed(&out, &cl->line, chunk, n, onlcr());
        cl->wdone += took;
        *moved |= took > 0;
        if (took < n || cl->line.full)
            return IPC_REPLY_LATER;
    }
    cl->write_pending = 0;
    *moved = 1;
    return (long)rq->length;
}

/* Commit cl's partial line (a prompt before a read, output before a drain
 * or an exit). Returns 0, or -1 while the queue has no room for it. */
static int flush_line(struct client *cl)
{
    if (cl->line.len)
        cl->line.full = 1;
    return outq_commit(&out, &cl->line, onlcr());
}

static int output_idle(void)
{
    return !outq_used(&out) && !outq_used(&echo);
}

/* Is everything queued out of the UART? Waits for the shift register
 * (one character time) once the FIFO is empty. */
static int wire_empty(void)
{
    for (int i = 0; i < 100000; i++) {
        uint8_t lsr = uart_rd(uart, UART_LSR);

        if (lsr & UART_LSR_TEMT)
            return 1;
        if (!(lsr & UART_LSR_THRE))
            return 0; /* the THRE interrupt comes back for us */
    }
    return 0;
}

/* The oldest pending READ that input can satisfy now, if any. */
static struct client *next_reader(void)
{
    struct client *best = NULL;

    for (struct client *cl = clients; cl; cl = cl->next)
        if (cl->read_pending && (!best || cl->rseq < best->rseq))
            best = cl;
    return best && ld_readable(&ld, best->rreq.length) ? best : NULL;
}

/* Copy input for cl's READ rq into its payload, as take (ld_read, or
 * ld_read_expired once its VTIME ran out) hands it over. Returns the
 * READ's result. */
static long read_with(struct client *cl, const struct ipc_slot *rq,
                      long (*take)(struct ldisc *, uint8_t *, size_t))
{
    uint64_t n = rq->length < sizeof(chunk) ? rq->length : sizeof(chunk);
    uint8_t *dst = ipc_payload(cl->conn, rq, rq->length, CHIME_PROT_WRITE);
    long got;

    if (!dst)
        return CHIME_EFAULT;
    got = take(&ld, chunk, n);
    if (got > 0)
        memcpy(dst, chunk, (size_t)got);
    return got;
}

/* A READ that ld_readable says can be answered now. */
static long read_now(struct client *cl, const struct ipc_slot *rq)
{
    return read_with(cl, rq, ld_read);
}

/* ---- read timers (VTIME) ---------------------------------------------------- */

static void *timer_main(void *arg)
{
    for (;;) {
        uint32_t seq = __atomic_load_n(&timer_seq, __ATOMIC_ACQUIRE);
        uint64_t dl = __atomic_load_n(&timer_deadline, __ATOMIC_ACQUIRE), now = now_ns();
        uint64_t wait = CHIME_FOREVER;

        if (dl != LD_NO_DEADLINE && now >= dl)
            uipi_send(timer_sender); /* then sleep until it is set again */
        else if (dl != LD_NO_DEADLINE)
            wait = dl - now;
        syscall3(SYS_FUTEX_WAIT, (long)&timer_seq, (long)seq, (long)wait);
    }
    return NULL;
}

/* Give the timer thread deadline dl (force: also when it is the same, after
 * the thread fired for it). */
static void timer_set(uint64_t dl, int force)
{
    if (timer_sender < 0 || (!force && dl == timer_deadline))
        return;
    __atomic_store_n(&timer_deadline, dl, __ATOMIC_RELEASE);
    __atomic_fetch_add(&timer_seq, 1, __ATOMIC_RELEASE);
    syscall2(SYS_FUTEX_WAKE, (long)&timer_seq, 1);
}

/* Answer the reads whose VTIME ran out, oldest first: the oldest gets what
 * is there, a younger one only ends (with 0) while nothing is, as the bytes
 * are the oldest reader's. Then give the timer the earliest deadline left.
 * Returns whether a read was answered. */
static int read_timers(int force)
{
    uint64_t now = 0, earliest = LD_NO_DEADLINE;
    int moved = 0;

    if (!(ld.mode & CONSOLE_M_ICANON) && ld.vtime)
        now = now_ns();
    for (int again = 1; now && again;) {
        struct client *oldest = NULL;

        again = 0;
        for (struct client *cl = clients; cl; cl = cl->next)
            if (cl->read_pending && (!oldest || cl->rseq < oldest->rseq))
                oldest = cl;
        earliest = LD_NO_DEADLINE;
        for (struct client *cl = clients; cl; cl = cl->next) {
            uint64_t dl;

            if (!cl->read_pending)
                continue;
            dl = ld_read_deadline(&ld, cl->rstart, last_rx);
            if (dl <= now && (cl == oldest || ld.in_tail == ld.in_head)) {
                cl->read_pending = 0;
                finish(cl, &cl->rreq, cl == oldest ? read_with(cl, &cl->rreq, ld_read_expired) : 0,
                       0);
                moved = again = 1;
                break; /* the oldest changed: look again */
            }
            if (dl < earliest)
                earliest = dl;
        }
    }
    timer_set(earliest, force);
    return moved;
}

/* Everything that may have become possible: output moved, input came, a
 * mode changed. Loops until nothing more moves. */
static void service(void)
{
    int moved;

    do {
        moved = 0;
        tx_pump();
        for (struct client *cl = clients; cl; cl = cl->next) {
            if (cl->write_pending) {
                long r = write_more(cl, &moved);

                if (r != IPC_REPLY_LATER)
                    finish(cl, &cl->wreq, r, 0);
            } else if (cl->line.full && outq_commit(&out, &cl->line, onlcr()) == 0)
                moved = 1;
        }
        for (struct client *cl; (cl = next_reader()) != NULL; moved = 1) {
            cl->read_pending = 0;
            finish(cl, &cl->rreq, read_now(cl, &cl->rreq), 0);
        }
        moved |= read_timers(0);
    } while (moved);
    for (struct client *cl = clients; cl; cl = cl->next) {
        if (cl->drain_pending && flush_line(cl) == 0 && output_idle() && wire_empty()) {
            cl->drain_pending = 0;
            finish(cl, &cl->dreq, 0, 0);
        }
    }
    tx_pump();
}

/* ---- foreground and interrupts ------------------------------------------ */

static struct client *foreground(void)
{
    struct client *newest = NULL, *named = NULL;

    for (struct client *cl = clients; cl; cl = cl->next) {
        if (!newest || cl->seq > newest->seq)
            newest = cl;
        if (fg_pid && cl->pid == fg_pid && (!named || cl->seq > named->seq))
            named = cl;
    }
    return named ? named : newest;
}

/* ^C: every connection of the foreground process owes an interrupt; a READ
 * it is blocked in ends with CHIME_EINTR, carrying it. */
static void interrupt(void)
{
    struct client *fg = foreground();

    if (!fg)
        return;
    for (struct client *cl = clients; cl; cl = cl->next) {
        if (cl->pid != fg->pid)
            continue;
        cl->intr_owed = 1;
        if (cl->read_pending) {
            cl->read_pending = 0;
            finish(cl, &cl->rreq, CHIME_EINTR, 0);
        }
    }
}

/* ---- receive ------------------------------------------------------------- */

static void rx_drain(void)
{
    uint8_t ebuf[3 * LD_EDIT_MAX + 8];

    (void)uart_rd(uart, UART_IIR); /* clears a THRE interrupt */
    while (uart_rd(uart, UART_LSR) & UART_LSR_DR) {
        struct ld_echo e = {ebuf, 0, sizeof(ebuf)};
        unsigned what = ld_input(&ld, uart_rd(uart, UART_RBR), &e);

        if ((what & LD_READABLE) && ld.vtime)
            last_rx = now_ns();

        if (e.len > outq_room(&echo))
            e.len = outq_room(&echo);
        outq_put(&echo, ebuf, e.len, 0);
        if (what & LD_INTR)
            interrupt();
    }
}

static void console_event(uint64_t bits, void *ctx)
{
    if (bits & (1ull << TIMER_VECTOR)) {
        read_timers(1); /* (the thread waits for a new deadline) */
        service();
    }
    if (!(bits & (1ull << UART_VECTOR)))
        return;
    rx_drain();
    service();
    irq_ack(uart_irq);
}

/* ---- requests ------------------------------------------------------------- */

/* The common case of a write: whole lines while nothing else waits for
 * the wire (no queued output or echo, the wire between lines, none of
 * this client's bytes held back). The bytes go straight from the client's
 * buffer into the transmit FIFO, each read once: 8 source bytes at a time
 * (16 at most with CR added) whenever the FIFO is empty. What the FIFO
 * does not take (on real hardware, at 115200 baud) goes into the empty
 * queue, ahead of everything else. */
static int write_direct_ok(const struct client *cl, const uint8_t *src, uint64_t len)
{
    return len > 0 && src[len - 1] == '\n' && out_at_line_start && !outq_used(&out) &&
           !outq_used(&echo) && cl->line.len == 0 && !cl->line.full;
}

static void write_direct(const uint8_t *src, uint64_t len)
{
    volatile uint8_t *thr = uart + UART_THR, *lsr = uart + UART_LSR;
    const uint8_t *p = src, *end = src + len;
    int map = onlcr();
    uint8_t last = '\n';

    _Static_assert(UART_FIFO >= 2 * 8, "8 bytes, CR added, fit the FIFO");
    while (p < end && (*lsr & UART_LSR_THRE)) {
        const uint8_t *stop = end - p > 8 ? p + 8 : end;

        for (; p < stop; p++) {
            last = *p;
            if (last == '\n' && map)
                *thr = '\r';
            *thr = last;
        }
    }
    out_at_line_start = last == '\n';
    while (p < end) {
        uint64_t n = (uint64_t)(end - p) < sizeof(chunk) ? (uint64_t)(end - p) : sizeof(chunk);

        memcpy(chunk, p, n);
        outq_put(&out, chunk, n, map);
        p += n;
        out_at_line_start = chunk[n - 1] == '\n';
    }
    if (outq_used(&out))
        tx_pump();
}

static long op_write(struct client *cl, const struct ipc_slot *req, struct ipc_slot *cpl)
{
    const uint8_t *src;
    int moved = 0;
    long r;

    if (cl->write_pending)
        return CHIME_EBUSY;
    src = ipc_payload(cl->conn, req, req->length, CHIME_PROT_READ);
    if (!src)
        return CHIME_EFAULT;
    if (req->length <= OUTQ_SIZE / 2 && write_direct_ok(cl, src, req->length)) {
        write_direct(src, req->length);
        return (long)req->length;
    }
    cl->wreq = *req;
    cl->wdone = 0;
    cl->write_pending = 1;
    r = write_more(cl, &moved);
    service();
    return r;
}

static long op_read(struct client *cl, const struct ipc_slot *req, struct ipc_slot *cpl)
{
    if (cl->read_pending)
        return CHIME_EBUSY;
    if (req->length == 0 || (req->aux & ~CONSOLE_READ_NONBLOCK))
        return CHIME_EINVAL;
    if (!ipc_payload(cl->conn, req, req->length, CHIME_PROT_WRITE))
        return CHIME_EFAULT;
    /* ^C came before this read did: it is interrupted all the same. */
    if (cl->intr_owed)
        return CHIME_EINTR;
    flush_line(cl);
    service();
    if (!ld_readable(&ld, req->length) || next_reader()) {
        if (req->aux & CONSOLE_READ_NONBLOCK)
            return CHIME_EAGAIN;
        cl->rreq = *req;
        cl->rseq = next_seq++;
        cl->rstart = ld.vtime ? now_ns() : 0;
        cl->read_pending = 1;
        read_timers(0);
        return IPC_REPLY_LATER;
    }
    return read_now(cl, req);
}

static long op_set_mode(const struct ipc_slot *req)
{
    if (req->aux & ~CONSOLE_M_ALL || req->offset > CONSOLE_VMIN_MAX ||
        req->length > CONSOLE_VTIME_MAX)
        return CHIME_EINVAL;
    if (req->length && timer_sender < 0)
        return CHIME_ENOTSUP; /* (no timer thread: see timer_start) */
    ld_set_mode(&ld, req->aux, (unsigned)req->offset, (unsigned)req->length);
    service(); /* pending reads may be satisfied now */
    return 0;
}

static long op_set_fg(const struct ipc_slot *req)
{
    if (req->arg != 0) {
        struct client *cl = clients;

        while (cl && cl->pid != req->arg)
            cl = cl->next;
        if (!cl)
            return CHIME_ESRCH;
    }
    fg_pid = (uint32_t)req->arg;
    return 0;
}

static long dispatch(struct client *cl, const struct ipc_slot *req, struct ipc_slot *cpl)
{
    switch (req->opcode) {
    case CONSOLE_OP_WRITE:
        return op_write(cl, req, cpl);
    case CONSOLE_OP_READ:
        return op_read(cl, req, cpl);
    case CONSOLE_OP_GET_MODE:
        cpl->aux = ld.mode;
        cpl->offset = ld.vmin;
        cpl->length = ld.vtime;
        return 0;
    case CONSOLE_OP_SET_MODE:
        return op_set_mode(req);
    case CONSOLE_OP_GET_WINSIZE:
        cpl->offset = win_rows;
        cpl->length = win_cols;
        return 0;
    case CONSOLE_OP_SET_WINSIZE:
        if (req->offset < 1 || req->offset > 65535 || req->length < 1 || req->length > 65535)
            return CHIME_EINVAL;
        win_rows = req->offset;
        win_cols = req->length;
        return 0;
    case CONSOLE_OP_SET_FG:
        return op_set_fg(req);
    case CONSOLE_OP_GET_FG: {
        struct client *fg = foreground();

        return fg ? fg->pid : 0;
    }
    case CONSOLE_OP_DRAIN:
        cl->dreq = *req;
        cl->drain_pending = 1;
        service(); /* answers it when all is out already */
        return IPC_REPLY_LATER;
    case CONSOLE_OP_FLUSH_INPUT:
        ld_flush_input(&ld);
        return 0;
    case CONSOLE_OP_POLL:
        service(); /* input typed so far is in the line discipline */
        return cl->intr_owed || (ld_readable(&ld, 1) && !next_reader());
    default:
        return CHIME_ENOSYS;
    }
}

static long console_request(struct ipc_sconn *c, const struct ipc_slot *req, struct ipc_slot *cpl,
                            void *ctx)
{
    struct client *cl = c->user;
    long r = dispatch(cl, req, cpl);

    if (r != IPC_REPLY_LATER && cl->intr_owed) {
        cpl->flags = CONSOLE_CPL_INTR;
        cl->intr_owed = 0;
    }
    return r;
}

static long console_connect(struct ipc_sconn *c, void *ctx)
{
    struct client *cl = calloc(1, sizeof(*cl));

    if (!cl)
        return CHIME_ENOMEM;
    cl->conn = c;
    cl->pid = c->client;
    cl->seq = next_seq++;
    cl->next = clients;
    clients = cl;
    c->user = cl;
    return 0;
}

/* The client is gone: its partial line still goes out (when the queue has
 * room for it; a full queue at exit drops it). */
static void console_disconnect(struct ipc_sconn *c, void *ctx)
{
    struct client *cl = c->user, **pp;

    flush_line(cl);
    for (pp = &clients; *pp; pp = &(*pp)->next) {
        if (*pp == cl) {
            *pp = cl->next;
            break;
        }
    }
    free(cl);
    c->user = NULL;
    service();
}

/* ---- start ----------------------------------------------------------------- */

static int uart_start(void)
{
    int mmio_h, irq_h;
    long r;

    if (chime_device_find("ns16550a", &mmio_h, &irq_h) != 0 || mmio_h < 0 || irq_h < 0) {
        say("console: no ns16550a UART was delegated to me\n");
        return -1;
    }
    r = syscall6(SYS_SPACE_MAP_FRAMES, CHIME_SELF, mmio_h, 0, (long)UART_VA, CHIME_PAGE_SIZE,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (r < 0) {
        say("console: cannot map the UART registers\n");
        return -1;
    }
    uart = (volatile uint8_t *)UART_VA;
    uart_irq = irq_h;
    if (!uintr_state_page() || irq_bind(irq_h, UART_VECTOR) < 0) {
        say("console: cannot bind the UART interrupt\n");
        return -1;
    }
    /* The UART starts with its FIFO off, holding one received byte, and
     * turning the FIFO on empties it: take that byte first. */
    rx_drain();
    uart_wr(uart, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
    uart_wr(uart, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    uart_wr(uart, UART_IER, UART_IER_RDI);
    /* Bytes typed before now: take them, then let the line interrupt. */
    rx_drain();
    irq_ack(irq_h);
    return 0;
}

/* The VTIME timer: a vector of this (the server) thread and a thread
 * that raises it. Without them raw reads with VTIME are refused. */
static void timer_start(void)
{
    long vh = uintr_vector_create(TIMER_VECTOR), idx;

    if (vh < 0 || (idx = uintr_register_sender((int)vh)) < 0) {
        say("console: no timer vector: VTIME unsupported\n");
        return;
    }
    timer_sender = (int)idx;
    if (!chime_thread_create(timer_main, NULL, 0)) {
        timer_sender = -1;
        say("console: no timer thread: VTIME unsupported\n");
    }
}

int main(int argc, char **argv)
{
    struct ipc_handlers h = {
        .name = CONSOLE_SERVICE,
        .vector = IPC_SERVER_VECTOR,
        .request = console_request,
        .connect = console_connect,
        .disconnect = console_disconnect,
        .event = console_event,
    };
    long r;

    ld_init(&ld);
    if (uart_start() < 0)
        return 1;
    timer_start();
    r = ipc_server_run(&h);
    if (r < 0) {
        say("console: cannot serve \"console\"\n");
        return 1;
    }
    return 0;
}
