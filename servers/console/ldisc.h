/* The console's line discipline: what typed bytes become, for readers and
 * for the echo. Pure code (no UART, no IPC), so the host unit tests
 * (tests/unit/test_console_ldisc.c) can drive it byte by byte.
 *
 * Bytes typed reach readers through `in`, a byte ring. In cooked mode a
 * line enters it only when it is finished (newline, or ^D), and each
 * finished line is a record: its end position is queued in `rec`, and a
 * read returns at most one record. An empty record is end of file. In raw
 * mode bytes enter `in` as they arrive and there are no records.
 *
 * Ring positions are free-running 32-bit counters: the byte at position p
 * is in[p % LD_INPUT_MAX]; a ring is full when tail - head equals its size. */
#ifndef CONSOLE_LDISC_H
#define CONSOLE_LDISC_H

#include <stddef.h>
#include <stdint.h>

#include <chime/proto/console.h>

#define LD_EDIT_MAX  CONSOLE_LINE_MAX /* the line being typed, newline included */
#define LD_INPUT_MAX 1024u            /* finished bytes not read yet */
#define LD_RECORDS   32u              /* finished lines not read yet */

struct ldisc {
    unsigned mode;  /* CONSOLE_M_* */
    unsigned vmin;  /* raw reads: bytes to wait for (0: none) */
    unsigned vtime; /* raw reads: timer, tenths of a second (0: none) */
    uint8_t edit[LD_EDIT_MAX];
    uint32_t edit_len;
    uint8_t in[LD_INPUT_MAX];
    uint32_t in_head, in_tail;
    uint32_t rec[LD_RECORDS]; /* end positions in `in` */
    uint32_t rec_head, rec_tail;
};

/* Where ld_input puts the echo: up to cap bytes at buf[len..]; what does
 * not fit is dropped (len stays <= cap). */
struct ld_echo {
    uint8_t *buf;
    size_t len;
    size_t cap;
};

/* ld_input's result bits. */
#define LD_INTR     0x1u /* ^C: an interrupt for the foreground client */
#define LD_READABLE 0x2u /* a read may now be satisfied */
#define LD_DROPPED  0x4u /* the byte was dropped: no room (the echo rings a bell) */

/* ld_read's answer when the read must wait. */
#define LD_WAIT (-1L)

/* ld_read_deadline's answer when no timer runs; one VTIME unit in ns. */
#define LD_NO_DEADLINE UINT64_MAX
#define LD_VTIME_NS    100000000ull

/* Reset ld to the default mode (CONSOLE_M_DEFAULT, VMIN 1, VTIME 0) with
 * no input. */
void ld_init(struct ldisc *ld);

/* Set the mode (VTIME in tenths of a second). Switching cooked -> raw makes
 * the line being typed readable; raw -> cooked makes what is unread one
 * record. */
void ld_set_mode(struct ldisc *ld, unsigned mode, unsigned vmin, unsigned vtime);

/* One typed byte: edit, echo (into *echo, when CONSOLE_M_ECHO), and say
 * what changed (LD_* bits). */
unsigned ld_input(struct ldisc *ld, uint8_t c, struct ld_echo *echo);

/* Take up to n bytes for a reader into buf. Returns how many (> 0), 0 for
 * end of file (cooked) or for nothing in raw mode with VMIN 0 and VTIME 0,
 * or LD_WAIT when the read must wait for more input (or for its timer).
 *
 * Raw reads follow POSIX termios (VTIME in tenths of a second):
 *   VMIN 0, VTIME 0   at once, with what is there (maybe nothing)
 *   VMIN n, VTIME 0   once min(n, buffer) bytes are there
 *   VMIN 0, VTIME t   once a byte is there, or after t with nothing
 *   VMIN n, VTIME t   once min(n, buffer) bytes are there, or t after the
 *                     latest byte (the timer starts with the first byte, or
 *                     at the read when bytes wait already)
 * The timers are the caller's: ld_read_deadline says when a read's runs
 * out, ld_read_expired answers it then. */
long ld_read(struct ldisc *ld, uint8_t *buf, size_t n);

/* Would ld_read(n) return without LD_WAIT? */
int ld_readable(const struct ldisc *ld, size_t n);

/* When a raw read that began at time `start` (ns) must end with what there
 * is, unless input satisfies it first; last_rx is when the latest input
 * byte arrived (any time, 0: never). LD_NO_DEADLINE when no timer runs:
 * cooked mode, VTIME 0, or VMIN > 0 with no byte there yet. */
uint64_t ld_read_deadline(const struct ldisc *ld, uint64_t start, uint64_t last_rx);

/* The answer of a read whose deadline passed: up to n bytes of what is
 * there, 0 when nothing is (ld_read's answer in cooked mode). */
long ld_read_expired(struct ldisc *ld, uint8_t *buf, size_t n);

/* Discard everything typed and not read (the line being typed too). */
void ld_flush_input(struct ldisc *ld);

#endif
