/* The pipe descriptor kind (fd.h): pipe(), pipe2(), over the kernel's
 * shared rings (include/chime/pipe.h). Bytes go writer -> ring -> reader
 * with one copy each way and no server; the kernel is entered only to
 * sleep (uintr_wait on this thread's pipe vector) and to wake a sleeper
 * (SYS_PIPE_NOTIFY, only when the peer said it sleeps).
 *
 * Writes of at most PIPE_BUF (512, picolibc's <limits.h>) bytes are
 * atomic: they go into the ring whole, under the writers' lock, or wait.
 * Longer writes go in pieces as room frees and may interleave with other
 * writers' at piece boundaries. The two locks are words in the shared
 * header held only while bytes are copied (never across a sleep):
 * libos_shared_lock (lock.h). */
#define _GNU_SOURCE /* pipe2 */
#include "fd.h"
#include "pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <chime/pipe.h>

#include "libos.h"
#include "lock.h"
#include "sig.h"
#include "syscall.h"
#include "uintr.h"

struct pipe_end_state {
    int handle; /* the end's kernel handle */
    int side;   /* 0 read, 1 write */
    struct chime_pipe_header *hdr;
    uint8_t *data;
    int watched; /* the vector handle last registered with SYS_PIPE_WATCH, -1 */
};

static ssize_t pipe_read(struct libos_file *f, void *buf, size_t n);
static ssize_t pipe_write(struct libos_file *f, const void *buf, size_t n);
static int pipe_fstat(struct libos_file *f, struct stat *st);
static int pipe_close(struct libos_file *f);
static int pipe_inherit(struct libos_file *f, long space, struct libos_fd_record *rec);
static int pipe_poll(struct libos_file *f, int events, int arm);

const struct fd_ops pipe_ops = {
    .kind = "pipe",
    .read = pipe_read,
    .write = pipe_write,
    .fstat = pipe_fstat,
    .close = pipe_close,
    .inherit = pipe_inherit,
    .poll = pipe_poll,
};

/* This thread's pipe vector handle (-1: not made yet). */
static __thread int pipe_vector_h = -1;

long libos_pipe_vector(void)
{
    if (pipe_vector_h < 0) {
        long h = uintr_vector_create(LIBOS_PIPE_VECTOR);

        if (h < 0)
            return h;
        pipe_vector_h = (int)h;
    }
    return pipe_vector_h;
}

/* Copy n bytes to or from the ring: 128 bytes a turn when both sides share
 * their 8-byte alignment (the ring is page-aligned, buffers usually are),
 * which spends 35 instructions on each 128 bytes instead of memcpy's 48. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static void
pipe_copy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (n >= 128 && (((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        while ((uintptr_t)d & 7) {
            *d++ = *s++;
            n--;
        }
        uint64_t *dw = (uint64_t *)(void *)d;
        const uint64_t *sw = (const uint64_t *)(const void *)s;
        const uint64_t *end = sw + (n / 128) * 16;

        for (; sw != end; sw += 16, dw += 16) {
            uint64_t a0 = sw[0], a1 = sw[1], a2 = sw[2], a3 = sw[3], a4 = sw[4], a5 = sw[5];
            uint64_t a6 = sw[6], a7 = sw[7], b0 = sw[8], b1 = sw[9], b2 = sw[10], b3 = sw[11];
            uint64_t b4 = sw[12], b5 = sw[13], b6 = sw[14], b7 = sw[15];

            dw[0] = a0, dw[1] = a1, dw[2] = a2, dw[3] = a3, dw[4] = a4, dw[5] = a5;
            dw[6] = a6, dw[7] = a7, dw[8] = b0, dw[9] = b1, dw[10] = b2, dw[11] = b3;
            dw[12] = b4, dw[13] = b5, dw[14] = b6, dw[15] = b7;
        }
        n %= 128;
        d = (unsigned char *)dw;
        s = (const unsigned char *)sw;
    }
    memcpy(d, s, n);
}

static uint64_t used(const struct chime_pipe_header *h)
{
    return __atomic_load_n(&h->head, __ATOMIC_ACQUIRE) -
           __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE);
}

/* What a poll of this end would report now (POLLIN/POLLOUT/POLLHUP/POLLERR
 * among events plus the ones always reported). */
static int end_ready(const struct pipe_end_state *p, int events)
{
    const struct chime_pipe_header *h = p->hdr;
    int r = 0;

    if (p->side == 0) {
        if (used(h) > 0)
            r |= events & POLLIN;
        if (h->write_closed)
            r |= POLLHUP;
    } else {
        if (h->read_closed)
            r |= POLLERR;
        else if (CHIME_PIPE_DATA - used(h) >= PIPE_BUF)
            r |= events & POLLOUT;
    }
    return r;
}

/* Arm (1) or disarm (0) a sleep on p: watch with this thread's vector and
 * count ourselves in the side's waiting word. Returns 0 or a CHIME_E*. */
static long end_arm(struct pipe_end_state *p, int arm)
{
    volatile uint32_t *w = p->side == 0 ? &p->hdr->readers_waiting : &p->hdr->writers_waiting;

    if (arm) {
        long v = libos_pipe_vector();

        if (v < 0)
            return v;
        /* The kernel keeps a watch until we unmap: register once per
         * thread (vector handle) and end. */
        if (p->watched != (int)v) {
            long r = syscall2(SYS_PIPE_WATCH, p->handle, v);

            if (r < 0)
                return r;
            p->watched = (int)v;
        }
        __atomic_fetch_add(w, 1, __ATOMIC_SEQ_CST);
    } else {
        __atomic_fetch_sub(w, 1, __ATOMIC_SEQ_CST);
        libos_pipe_quiet();
    }
    return 0;
}

void libos_pipe_quiet(void)
{
    uint64_t bits = uintr_read_pending();

    bits &= ~(1ull << LIBOS_PIPE_VECTOR);
    if (bits)
        uintr_repost(bits);
}

/* Sleep until the pipe vector is raised or timeout_ns passes; bits of other
 * vectors taken meanwhile go back at the end. Returns 0 or CHIME_ETIMEDOUT. */
long libos_pipe_sleep(uint64_t timeout_ns)
{
    uint64_t others = 0, bits;
    long r;

    for (;;) {
        r = uintr_wait(timeout_ns, &bits);
        if (r < 0 || (bits & (1ull << LIBOS_PIPE_VECTOR)))
            break;
        others |= bits;
    }
    if (others)
        uintr_repost(others);
    return r < 0 ? r : 0;
}

/* Block until end_ready(p, events) is non-zero. Returns 0 or -errno. */
static int end_wait(struct pipe_end_state *p, int events)
{
    for (;;) {
        long r = end_arm(p, 1);

        if (r < 0)
            return -libos_errno(r);
        if (end_ready(p, events)) {
            end_arm(p, 0);
            return 0;
        }
        libos_pipe_sleep(CHIME_FOREVER);
        end_arm(p, 0);
        if (end_ready(p, events))
            return 0;
    }
}

static ssize_t pipe_read(struct libos_file *f, void *buf, size_t n)
{
    struct pipe_end_state *p = f->priv;
    struct chime_pipe_header *h = p->hdr;

    if (n == 0)
        return 0;
    for (;;) {
        libos_shared_lock(&h->read_lock);
        uint64_t tail = h->tail, avail = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE) - tail;

        if (avail > 0) {
            size_t k = n < avail ? n : (size_t)avail;
            size_t at = (size_t)(tail % CHIME_PIPE_DATA), first = CHIME_PIPE_DATA - at;

            if (first > k)
                first = k;
            pipe_copy(buf, p->data + at, first);
            pipe_copy((uint8_t *)buf + first, p->data, k - first);
            __atomic_store_n(&h->tail, tail + k, __ATOMIC_RELEASE);
            libos_shared_unlock(&h->read_lock);
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            if (h->writers_waiting)
                syscall1(SYS_PIPE_NOTIFY, p->handle);
            return (ssize_t)k;
        }
        libos_shared_unlock(&h->read_lock);
        if (__atomic_load_n(&h->write_closed, __ATOMIC_ACQUIRE) && used(h) == 0)
            return 0;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        int r = end_wait(p, POLLIN);

        if (r < 0)
            return r;
    }
}

static ssize_t broken_pipe(void)
{
    libos_signal_post(SIGPIPE);
    libos_signal_deliver();
    return -EPIPE;
}

static ssize_t pipe_write(struct libos_file *f, const void *buf, size_t n)
{
    struct pipe_end_state *p = f->priv;
    struct chime_pipe_header *h = p->hdr;
    size_t done = 0;

    while (done < n) {
        if (__atomic_load_n(&h->read_closed, __ATOMIC_ACQUIRE))
            return done > 0 ? (ssize_t)done : broken_pipe();
        libos_shared_lock(&h->write_lock);
        uint64_t head = h->head,
                 room = CHIME_PIPE_DATA - (head - __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE));
        size_t want = n - done;

        if ((n <= PIPE_BUF && room >= n) || (n > PIPE_BUF && room > 0)) {
            size_t k = want < room ? want : (size_t)room;
            size_t at = (size_t)(head % CHIME_PIPE_DATA), first = CHIME_PIPE_DATA - at;

            if (first > k)
                first = k;
            pipe_copy(p->data + at, (const uint8_t *)buf + done, first);
            pipe_copy(p->data, (const uint8_t *)buf + done + first, k - first);
            __atomic_store_n(&h->head, head + k, __ATOMIC_RELEASE);
            libos_shared_unlock(&h->write_lock);
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            if (h->readers_waiting)
                syscall1(SYS_PIPE_NOTIFY, p->handle);
            done += k;
            continue;
        }
        libos_shared_unlock(&h->write_lock);
        if (f->flags & O_NONBLOCK)
            return done > 0 ? (ssize_t)done : -EAGAIN;
        int r = end_wait(p, POLLOUT);

        if (r < 0)
            return done > 0 ? (ssize_t)done : r;
    }
    return (ssize_t)done;
}

static int pipe_fstat(struct libos_file *f, struct stat *st)
{
    struct pipe_end_state *p = f->priv;

    *st = (struct stat){
        .st_mode = S_IFIFO | 0600, .st_blksize = PIPE_BUF, .st_size = (off_t)used(p->hdr)};
    return 0;
}

static int pipe_close(struct libos_file *f)
{
    struct pipe_end_state *p = f->priv;

    syscall1(SYS_PIPE_UNMAP, p->handle);
    syscall1(SYS_HANDLE_CLOSE, p->handle);
    free(p);
    return 0;
}

static int pipe_inherit(struct libos_file *f, long space, struct libos_fd_record *rec)
{
    struct pipe_end_state *p = f->priv;
    long h = syscall3(SYS_SPACE_GRANT, space, p->handle,
                      (p->side == 0 ? CHIME_R_READ : CHIME_R_WRITE) | CHIME_R_GRANT);

    if (h < 0)
        return -libos_errno(h);
    rec->kind = LIBOS_FD_PIPE;
    rec->handle = (int32_t)h;
    return 0;
}

static int pipe_poll(struct libos_file *f, int events, int arm)
{
    struct pipe_end_state *p = f->priv;

    if (arm == 0)
        return end_ready(p, events);
    long r = end_arm(p, arm > 0);

    return r < 0 ? -libos_errno(r) : 0;
}

struct libos_file *pipe_file_adopt(int handle, int flags, int *err)
{
    struct pipe_end_state *p = calloc(1, sizeof(*p));
    long va, type;
    struct libos_file *f;

    type = syscall1(SYS_HANDLE_INFO, handle);
    if (type != CHIME_OBJ_PIPE) {
        *err = -EBADF;
        free(p);
        return NULL;
    }
    va = p ? syscall1(SYS_PIPE_MAP, handle) : CHIME_ENOMEM;
    if (va < 0) {
        *err = -libos_errno(va);
        free(p);
        return NULL;
    }
    p->handle = handle;
    p->watched = -1;
    p->side = (flags & O_ACCMODE) == O_RDONLY ? 0 : 1;
    p->hdr = (struct chime_pipe_header *)va;
    p->data = (uint8_t *)va + CHIME_PIPE_HDR;
    f = fd_file_new(&pipe_ops, p, flags);
    if (!f) {
        syscall1(SYS_PIPE_UNMAP, handle);
        free(p);
        *err = -ENOMEM;
    }
    return f;
}
