/* The console's output side: per-client line assembly and the queue of
 * finished lines that waits for the UART. Pure code, tested on the host
 * (tests/unit/test_console_outq.c).
 *
 * A client's bytes collect in its struct outline until a newline or until
 * the line is full; only then is the line copied into the shared struct
 * outq, whole, with NL mapped to CR NL when asked (ONLCR). So the queue
 * holds whole lines one after another and two clients' lines never mix.
 * A line that does not fit in the queue stays in its outline (`full`) and
 * is tried again when the UART has made room. */
#ifndef CONSOLE_OUTQ_H
#define CONSOLE_OUTQ_H

#include <stddef.h>
#include <stdint.h>

#include <chime/proto/console.h>

#define OUTQ_SIZE 8192u /* bytes; a power of two */

struct outq {
    uint8_t buf[OUTQ_SIZE];
    uint32_t head, tail; /* free-running positions */
};

struct outline {
    uint8_t buf[CONSOLE_LINE_MAX];
    uint32_t len;
    int full; /* finished (newline or size limit), waiting for queue room */
};

static inline uint32_t outq_used(const struct outq *q)
{
    return q->tail - q->head;
}

static inline uint32_t outq_room(const struct outq *q)
{
    return OUTQ_SIZE - outq_used(q);
}

/* Bytes n source bytes take in the queue (NL doubles with onlcr). */
size_t outq_mapped_len(const uint8_t *src, size_t n, int onlcr);

/* Append n bytes, mapped; the caller has checked the room. */
void outq_put(struct outq *q, const uint8_t *src, size_t n, int onlcr);

/* Move l's bytes into q if they fit: returns 0 (l is empty again) or -1
 * (no room; l unchanged). An empty line is a no-op. */
int outq_commit(struct outq *q, struct outline *l, int onlcr);

/* Feed n bytes of a client's output through l into q, committing every
 * finished line. Returns the bytes taken (all n, unless a finished line
 * found no room: the caller tries the rest again once there is). */
size_t outq_feed(struct outq *q, struct outline *l, const uint8_t *src, size_t n, int onlcr);

/* The oldest queued bytes: a contiguous run of *n bytes at the return
 * value (*n = 0 when the queue is empty). */
const uint8_t *outq_peek(const struct outq *q, uint32_t *n);

/* Drop the n oldest bytes (n <= outq_used). */
static inline void outq_consume(struct outq *q, uint32_t n)
{
    q->head += n;
}

#endif
