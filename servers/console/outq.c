/* The console's output line assembly and queue (see outq.h). */
#include "outq.h"

#include <string.h>

_Static_assert((OUTQ_SIZE & (OUTQ_SIZE - 1)) == 0, "OUTQ_SIZE is a power of two");

size_t outq_mapped_len(const uint8_t *src, size_t n, int onlcr)
{
    size_t len = n;

    if (onlcr)
        for (size_t i = 0; i < n; i++)
            len += src[i] == '\n';
    return len;
}

void outq_put(struct outq *q, const uint8_t *src, size_t n, int onlcr)
{
    uint32_t t = q->tail;

    for (size_t i = 0; i < n; i++) {
        if (src[i] == '\n' && onlcr)
            q->buf[t++ & (OUTQ_SIZE - 1)] = '\r';
        q->buf[t++ & (OUTQ_SIZE - 1)] = src[i];
    }
    q->tail = t;
}

int outq_commit(struct outq *q, struct outline *l, int onlcr)
{
    if (l->len == 0) {
        l->full = 0;
        return 0;
    }
    if (outq_mapped_len(l->buf, l->len, onlcr) > outq_room(q))
        return -1;
    outq_put(q, l->buf, l->len, onlcr);
    l->len = 0;
    l->full = 0;
    return 0;
}

size_t outq_feed(struct outq *q, struct outline *l, const uint8_t *src, size_t n, int onlcr)
{
    size_t done = 0;

    while (done < n || l->full) {
        if (l->full) {
            if (outq_commit(q, l, onlcr) < 0)
                return done;
            continue;
        }
        /* Whole lines straight from the source when nothing is pending
         * in l: one copy fewer for the common case, a write of lines. */
        if (l->len == 0) {
            const uint8_t *nl = memchr(src + done, '\n', n - done);
            size_t len = nl ? (size_t)(nl - (src + done)) + 1 : 0;

            if (len > 0 && len <= CONSOLE_LINE_MAX &&
                outq_mapped_len(src + done, len, onlcr) <= outq_room(q)) {
                outq_put(q, src + done, len, onlcr);
                done += len;
                continue;
            }
        }
        while (done < n && l->len < CONSOLE_LINE_MAX) {
            uint8_t c = src[done++];

            l->buf[l->len++] = c;
            if (c == '\n')
                break;
        }
        if (l->len == CONSOLE_LINE_MAX || l->buf[l->len - 1] == '\n')
            l->full = 1;
    }
    return done;
}

const uint8_t *outq_peek(const struct outq *q, uint32_t *n)
{
    uint32_t used = outq_used(q), at = q->head & (OUTQ_SIZE - 1);
    uint32_t run = OUTQ_SIZE - at;

    *n = used < run ? used : run;
    return &q->buf[at];
}
