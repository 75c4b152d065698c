/* The console protocol: the terminal on QEMU virt's ns16550 UART, served by
 * servers/console and used by libos for file descriptors 0, 1 and 2 (and
 * /dev/console, /dev/tty). Written in the shape of proto/echo.h: fields not
 * listed are ignored in requests and zero in completions.
 *
 * Payloads are named by (data, length): with IPC_F_LENT clear, data is an
 * offset into the connection's data area; with IPC_F_LENT set, the server
 * address of memory the client lent. A payload outside both gets
 * CHIME_EFAULT; an unknown opcode CHIME_ENOSYS.
 *
 * Output. Every connection has its own line buffer of CONSOLE_LINE_MAX
 * bytes: its bytes reach the wire a whole line at a time (at a newline, when
 * the buffer is full, or when the client reads or drains), so the lines of
 * different clients never mix. Echo of typed input goes out between lines,
 * before queued output: a client that writes a lot cannot hold it up.
 *
 * Input. One line discipline for the terminal (a subset of POSIX termios,
 * CONSOLE_M_* below). Cooked mode (CONSOLE_M_ICANON): input is edited a line
 * at a time; backspace (^H or DEL) erases a character, ^U the line, ^D at
 * the start of a line is end of file and elsewhere ends the line without a
 * newline; a read returns at most one line. Raw mode: bytes as they come,
 * and a read returns as POSIX termios says for VMIN and VTIME (VTIME in
 * tenths of a second): VMIN 0 VTIME 0 at once with what is there; VMIN n
 * once n bytes are there (or as many as the read asked for); VMIN 0
 * VTIME t once a byte is there, or after t with none (result 0); VMIN n
 * VTIME t once n bytes are there, or t after the latest byte (the timer
 * starts with the first byte, or with the read when bytes wait already).
 * With CONSOLE_M_ISIG, ^C discards the line being typed and sends an
 * interrupt to the foreground client (below).
 *
 * Foreground. The foreground client gets the interrupts: the connection of
 * the process named by SET_FG, or, when none is named (or it is gone), the
 * connection made most recently: a program a shell or init starts in front
 * of it is in front until it exits. An interrupt is owed to every
 * connection of that process: it ends a pending READ (or the next one) with
 * CHIME_EINTR, and CONSOLE_CPL_INTR is set in the flags of the next
 * completion the connection gets (libos raises SIGINT for it).
 *
 * Reads and writes are one at a time per connection: a second WRITE (READ)
 * while one is in flight fails with CHIME_EBUSY. */
#ifndef CHIME_PROTO_CONSOLE_H
#define CHIME_PROTO_CONSOLE_H

#include <stdint.h>

#define CONSOLE_SERVICE "console"

/* Bytes of one client's line buffer (also the longest line kept whole). */
#define CONSOLE_LINE_MAX 256u

/* In the flags of any completion: an interrupt (^C) is owed to this client. */
#define CONSOLE_CPL_INTR 0x100u

/* Mode bits (aux of SET_MODE and of GET_MODE's completion). The termios
 * subset: c_lflag ICANON, ECHO, ISIG; c_iflag ICRNL; c_oflag OPOST|ONLCR. */
#define CONSOLE_M_ICANON 0x01u /* cooked: line editing, read by lines */
#define CONSOLE_M_ECHO   0x02u /* echo input characters */
#define CONSOLE_M_ISIG   0x04u /* ^C sends an interrupt */
#define CONSOLE_M_ICRNL  0x08u /* CR in input becomes NL */
#define CONSOLE_M_ONLCR  0x10u /* NL in output becomes CR NL */
#define CONSOLE_M_ALL    0x1fu
#define CONSOLE_M_DEFAULT                                                                          \
    (CONSOLE_M_ICANON | CONSOLE_M_ECHO | CONSOLE_M_ISIG | CONSOLE_M_ICRNL | CONSOLE_M_ONLCR)

/* The characters the line discipline acts on (fixed: not settable). */
#define CONSOLE_CH_INTR 0x03 /* ^C */
#define CONSOLE_CH_EOF  0x04 /* ^D */
#define CONSOLE_CH_BS   0x08 /* ^H */
#define CONSOLE_CH_KILL 0x15 /* ^U */
#define CONSOLE_CH_DEL  0x7f /* DEL, also erases */

#define CONSOLE_VMIN_MAX  255u
#define CONSOLE_VTIME_MAX 255u

/* READ request aux bits. */
#define CONSOLE_READ_NONBLOCK 0x1u /* nothing to read: CHIME_EAGAIN now */

enum console_op {
    /* Write bytes to the terminal.
     *   request:    data, length  the bytes (at most the data area)
     *   completion: result        length, once every byte is in the output
     *                             queue (a full queue delays the answer);
     *                             CHIME_EFAULT, CHIME_EBUSY */
    CONSOLE_OP_WRITE = 1,

    /* Read typed input (first flushes this client's partial output line,
     * a prompt say).
     *   request:    data, length  where to put it (1 .. data area)
     *               aux           CONSOLE_READ_NONBLOCK or 0
     *   completion: result        bytes read; 0 = end of file (^D at line
     *                             start, cooked); CHIME_EINTR after ^C;
     *                             CHIME_EAGAIN (nonblocking, nothing
     *                             there); CHIME_EFAULT, CHIME_EINVAL
     *                             (length 0, bad aux), CHIME_EBUSY */
    CONSOLE_OP_READ = 2,

    /* The terminal mode (shared by every client, as one tty is).
     *   completion: result 0; aux CONSOLE_M_* bits; offset VMIN; length
     *               VTIME */
    CONSOLE_OP_GET_MODE = 3,

    /* Set the mode; pending reads are re-checked against it.
     *   request:    aux CONSOLE_M_* bits; offset VMIN (0 .. CONSOLE_VMIN_MAX);
     *               length VTIME, in tenths of a second (0 ..
     *               CONSOLE_VTIME_MAX)
     *   completion: result 0; CHIME_EINVAL (unknown bits, VMIN or VTIME
     *               too large), CHIME_ENOTSUP (VTIME other than 0 when
     *               the server could not start its timer) */
    CONSOLE_OP_SET_MODE = 4,

    /* Window size (kept by the server; a UART cannot measure it).
     *   completion: result 0; offset rows; length columns */
    CONSOLE_OP_GET_WINSIZE = 5,

    /*   request:    offset rows, length columns (each 1 .. 65535)
     *   completion: result 0; CHIME_EINVAL */
    CONSOLE_OP_SET_WINSIZE = 6,

    /* The foreground process (see above).
     *   request:    arg  kernel id of the process (getpid()), 0 = the
     *                    most recent connection
     *   completion: result 0; CHIME_ESRCH (no connection of that process) */
    CONSOLE_OP_SET_FG = 7,

    /*   completion: result the foreground process's id (0: no clients) */
    CONSOLE_OP_GET_FG = 8,

    /* Flush this client's partial line and answer once all output queued so
     * far (every client's) has left the UART: nothing is lost when the
     * machine stops right after (init drains before it powers off).
     *   completion: result 0 */
    CONSOLE_OP_DRAIN = 9,

    /* Throw away typed input not read yet (tcflush(TCIFLUSH)).
     *   completion: result 0 */
    CONSOLE_OP_FLUSH_INPUT = 10,

    /* Would a READ of one byte by this client answer at once (poll's
     * POLLIN)? Input ready, end of file, or a ^C owed to it: yes. The
     * answer may be stale when it arrives; a later READ still waits if so.
     *   completion: result 1 (yes) or 0 (no) */
    CONSOLE_OP_POLL = 11,
};

#endif
