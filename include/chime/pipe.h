/* Pipes: a byte ring shared by the processes that hold its ends, set up
 * by the kernel; the data never passes through the kernel or a server.
 *
 * SYS_PIPE_CREATE makes a pipe and returns two handles (CHIME_OBJ_PIPE): a
 * read end (rights READ | GRANT) and a write end (WRITE | GRANT). Handles
 * pass to other processes with SYS_SPACE_GRANT; an end lives while some
 * handle names it, in any process. SYS_PIPE_MAP maps the pipe's area
 * (struct chime_pipe_header, then CHIME_PIPE_DATA bytes of ring) read-write
 * into the caller; one mapping per process and pipe, counted, so mapping
 * through both ends gives the same address. SYS_PIPE_UNMAP drops one count.
 *
 * The ring: head and tail count bytes ever written and read (they never
 * wrap; the byte at position p is data[p % CHIME_PIPE_DATA]). Writers
 * serialise on write_lock and readers on read_lock (0 free, 1 held; words
 * in the shared header, libos/pipe.c takes them). The kernel never reads
 * any field of the header: peers may scribble on it, and only hurt
 * themselves.
 *
 * Notifications are uintr vectors: SYS_PIPE_WATCH(end, vector) registers a
 * vector of the caller's to be raised when the far side acts:
 *   on a read end   SYS_PIPE_NOTIFY through a write end (data arrived),
 *                   and the close of the last write-end handle (EOF)
 *   on a write end  SYS_PIPE_NOTIFY through a read end (room freed), and
 *                   the close of the last read-end handle (EPIPE)
 * A side that sleeps first adds itself to readers_waiting/writers_waiting,
 * re-checks the ring, then waits on its vector; the other side calls
 * SYS_PIPE_NOTIFY only when the count is non-zero, so a transfer between
 * two busy processes makes no syscall. When the last handle of an end goes
 * (close, or exit or kill of its process) the kernel sets read_closed or
 * write_closed and raises the far side's vectors. A watch ends with the
 * caller's mapping (SYS_PIPE_UNMAP of its last count) or its exit. */
#ifndef CHIME_PIPE_H
#define CHIME_PIPE_H

#include <stdint.h>

#define CHIME_PIPE_DATA    16384u /* ring bytes (a power of two) */
#define CHIME_PIPE_HDR     4096u  /* the header page; data follows it */
#define CHIME_PIPE_AREA    (CHIME_PIPE_HDR + CHIME_PIPE_DATA)
#define CHIME_PIPE_WATCHES 16 /* vectors per side */
#define CHIME_PIPE_MAPS    32 /* processes that may map one pipe at once */

struct chime_pipe_header {
    volatile uint64_t head;            /* bytes ever written (writers) */
    volatile uint64_t tail;            /* bytes ever read (readers) */
    volatile uint32_t read_closed;     /* kernel: 1 once no read end remains */
    volatile uint32_t write_closed;    /* kernel: 1 once no write end remains */
    volatile uint32_t readers_waiting; /* readers about to sleep (readers) */
    volatile uint32_t writers_waiting; /* writers about to sleep (writers) */
    volatile uint32_t write_lock;      /* writers' lock */
    volatile uint32_t read_lock;       /* readers' lock */
    uint32_t size;                     /* kernel: CHIME_PIPE_DATA */
    uint32_t reserved[5];
};
_Static_assert(sizeof(struct chime_pipe_header) == 64, "pipe header is one cache line");
_Static_assert((CHIME_PIPE_DATA & (CHIME_PIPE_DATA - 1)) == 0, "ring size is a power of two");

#endif
