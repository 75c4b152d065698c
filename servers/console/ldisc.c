/* The console's line discipline (see ldisc.h). */
#include "ldisc.h"

#include <string.h>

void ld_init(struct ldisc *ld)
{
    memset(ld, 0, sizeof(*ld));
    ld->mode = CONSOLE_M_DEFAULT;
    ld->vmin = 1;
}

static void echo_put(const struct ldisc *ld, struct ld_echo *e, const char *s, size_t n)
{
    if (!(ld->mode & CONSOLE_M_ECHO) || !e)
        return;
    for (size_t i = 0; i < n && e->len < e->cap; i++)
        e->buf[e->len++] = (uint8_t)s[i];
}

/* The echo of a newline: CR NL when output maps NL (ONLCR). */
static void echo_newline(const struct ldisc *ld, struct ld_echo *e)
{
    if (ld->mode & CONSOLE_M_ONLCR)
        echo_put(ld, e, "\r\n", 2);
    else
        echo_put(ld, e, "\n", 1);
}

static uint32_t in_room(const struct ldisc *ld)
{
    return LD_INPUT_MAX - (ld->in_tail - ld->in_head);
}

/* Move the line being typed into `in` as one record. Returns 0, or -1
 * when `in` or the record queue has no room (nothing moves then). */
static int commit_line(struct ldisc *ld)
{
    if (ld->edit_len > in_room(ld) || ld->rec_tail - ld->rec_head >= LD_RECORDS)
        return -1;
    for (uint32_t i = 0; i < ld->edit_len; i++)
        ld->in[ld->in_tail++ % LD_INPUT_MAX] = ld->edit[i];
    ld->edit_len = 0;
    ld->rec[ld->rec_tail++ % LD_RECORDS] = ld->in_tail;
    return 0;
}

void ld_flush_input(struct ldisc *ld)
{
    ld->edit_len = 0;
    ld->in_head = ld->in_tail;
    ld->rec_head = ld->rec_tail;
}

void ld_set_mode(struct ldisc *ld, unsigned mode, unsigned vmin, unsigned vtime)
{
    int was_cooked = (ld->mode & CONSOLE_M_ICANON) != 0;
    int cooked = (mode & CONSOLE_M_ICANON) != 0;

    ld->mode = mode;
    ld->vmin = vmin;
    ld->vtime = vtime;
    if (was_cooked && !cooked) {
        /* Finished and unfinished lines alike become plain bytes. */
        uint32_t n = ld->edit_len < in_room(ld) ? ld->edit_len : in_room(ld);

        for (uint32_t i = 0; i < n; i++)
            ld->in[ld->in_tail++ % LD_INPUT_MAX] = ld->edit[i];
        ld->edit_len = 0;
        ld->rec_head = ld->rec_tail;
    } else if (!was_cooked && cooked && ld->in_tail != ld->in_head) {
        ld->rec_head = ld->rec_tail;
        ld->rec[ld->rec_tail++ % LD_RECORDS] = ld->in_tail;
    }
}

/* Cooked mode: one byte of line editing. */
static unsigned input_cooked(struct ldisc *ld, uint8_t c, struct ld_echo *e)
{
    switch (c) {
    case CONSOLE_CH_BS:
    case CONSOLE_CH_DEL:
        if (ld->edit_len > 0) {
            ld->edit_len--;
            echo_put(ld, e, "\b \b", 3);
        }
        return 0;
    case CONSOLE_CH_KILL:
        for (; ld->edit_len > 0; ld->edit_len--)
            echo_put(ld, e, "\b \b", 3);
        return 0;
    case CONSOLE_CH_EOF:
        /* At the start of a line: an empty record, end of file. Elsewhere
         * the line so far, without a newline. */
        if (commit_line(ld) < 0)
            return LD_DROPPED;
        return LD_READABLE;
    case '\n':
        if (ld->edit_len >= LD_EDIT_MAX) /* (never: one byte is kept for it) */
            return LD_DROPPED;
        ld->edit[ld->edit_len++] = '\n';
        if (commit_line(ld) < 0) {
            ld->edit_len--;
            echo_put(ld, e, "\a", 1);
            return LD_DROPPED;
        }
        echo_newline(ld, e);
        return LD_READABLE;
    default:
        /* The last byte of the edit buffer is kept for the newline. */
        if (ld->edit_len >= LD_EDIT_MAX - 1) {
            echo_put(ld, e, "\a", 1);
            return LD_DROPPED;
        }
        ld->edit[ld->edit_len++] = c;
        echo_put(ld, e, (const char *)&c, 1);
        return 0;
    }
}

unsigned ld_input(struct ldisc *ld, uint8_t c, struct ld_echo *e)
{
    if (c == '\r' && (ld->mode & CONSOLE_M_ICRNL))
        c = '\n';
    if (c == CONSOLE_CH_INTR && (ld->mode & CONSOLE_M_ISIG)) {
        ld_flush_input(ld);
        echo_put(ld, e, "^C", 2);
        echo_newline(ld, e);
        return LD_INTR;
    }
    if (ld->mode & CONSOLE_M_ICANON)
        return input_cooked(ld, c, e);
    if (in_room(ld) == 0)
        return LD_DROPPED;
    ld->in[ld->in_tail++ % LD_INPUT_MAX] = c;
    if (c == '\n')
        echo_newline(ld, e);
    else
        echo_put(ld, e, (const char *)&c, 1);
    return LD_READABLE;
}

/* Copy n bytes from position in_head on and consume them. */
static void take(struct ldisc *ld, uint8_t *buf, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        buf[i] = ld->in[ld->in_head++ % LD_INPUT_MAX];
}

/* Raw mode: the bytes a read waits for before its timer matters (VMIN, or
 * one byte for a VMIN 0 read with a timer). */
static uint32_t raw_need(const struct ldisc *ld)
{
    return ld->vmin ? ld->vmin : (ld->vtime ? 1u : 0u);
}

long ld_read(struct ldisc *ld, uint8_t *buf, size_t n)
{
    uint32_t avail = ld->in_tail - ld->in_head;

    if (n == 0)
        return 0;
    if (ld->mode & CONSOLE_M_ICANON) {
        uint32_t end, len;

        if (ld->rec_head == ld->rec_tail)
            return LD_WAIT;
        end = ld->rec[ld->rec_head % LD_RECORDS];
        len = end - ld->in_head;
        if (len > n)
            len = (uint32_t)n;
        take(ld, buf, len);
        if (ld->in_head == end)
            ld->rec_head++;
        return len;
    }
    if (avail == 0 && raw_need(ld) == 0)
        return 0;
    if (avail < raw_need(ld) && avail < n)
        return LD_WAIT;
    if (avail > n)
        avail = (uint32_t)n;
    take(ld, buf, avail);
    return avail;
}

int ld_readable(const struct ldisc *ld, size_t n)
{
    uint32_t avail = ld->in_tail - ld->in_head;

    if (ld->mode & CONSOLE_M_ICANON)
        return ld->rec_head != ld->rec_tail;
    return !(avail < raw_need(ld) && avail < n);
}

uint64_t ld_read_deadline(const struct ldisc *ld, uint64_t start, uint64_t last_rx)
{
    uint64_t t = (uint64_t)ld->vtime * LD_VTIME_NS;

    if ((ld->mode & CONSOLE_M_ICANON) || ld->vtime == 0)
        return LD_NO_DEADLINE;
    if (ld->vmin == 0)
        return start + t;
    if (ld->in_tail == ld->in_head)
        return LD_NO_DEADLINE; /* the inter-byte timer waits for a byte */
    return (last_rx > start ? last_rx : start) + t;
}

long ld_read_expired(struct ldisc *ld, uint8_t *buf, size_t n)
{
    uint32_t avail = ld->in_tail - ld->in_head;

    if (ld->mode & CONSOLE_M_ICANON)
        return ld_read(ld, buf, n);
    if (avail > n)
        avail = (uint32_t)n;
    take(ld, buf, avail);
    return avail;
}
