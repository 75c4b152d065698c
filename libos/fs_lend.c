/* The lend cache (fs_client.h): a thread keeps the buffers it reads into
 * and writes from lent to the fs server on its connection, so the next
 * READ or WRITE of the same pages is one copy (server cache <-> the
 * caller's buffer) with no lend or unlend syscall, whatever its size.
 *
 * A kept lend lets the fs server reach those pages between requests too:
 * the fs server is trusted with every file's bytes already, and the pages
 * are the program's own. What makes a kept lend safe is that its pages stay
 * what they were: the kernel revokes a lend when its pages are unmapped
 * (docs/ipc.md), and a later lend may take the same server addresses, so a
 * stale entry could name someone else's buffer. Only memory that is never
 * unmapped while this thread lives is kept: the program image and heap
 * (below LIBOS_HEAP_END; the heap never shrinks its mapping), the main
 * stack, and the calling thread's own stack slot. Anything else is lent per
 * request (fs_io.c), as before.
 *
 * Entries are whole pages, lent read-write, at most FS_LEND_KEEP of them
 * (of the connection's IPC_LEND_SLOTS), least recently used out first.
 * A request that still fails with CHIME_EFAULT on a kept lend drops it. */
#include <stdint.h>

#include <chime/errno.h>
#include <chime/types.h>

#include "fs_client.h"
#include "ipc.h"
#include "libos.h"

#define FS_LEND_KEEP 4

struct kept {
    uintptr_t lo, hi; /* pages [lo, hi) of this thread, lent */
    uint64_t sva;     /* where the server sees lo; 0: free entry */
    uint64_t used;    /* last use, for LRU */
};

static __thread struct kept kept[FS_LEND_KEEP];
static __thread uint64_t kept_tick;

/* May [lo, hi) stay lent for as long as this thread lives? */
static int keepable(uintptr_t lo, uintptr_t hi)
{
    uintptr_t here = (uintptr_t)&kept_tick; /* in this thread's TLS, its slot */

    if (lo == 0 || hi <= lo || hi - lo > IPC_LEND_SLOT_SIZE)
        return 0;
    if (hi <= LIBOS_HEAP_END)
        return 1;
    if (lo >= LIBOS_STACK_TOP - LIBOS_STACK_SIZE && hi <= LIBOS_STACK_TOP)
        return 1;
    if (here >= LIBOS_THREAD_VA &&
        here < LIBOS_THREAD_VA + (uintptr_t)LIBOS_THREAD_SLOTS * LIBOS_THREAD_SLOT) {
        uintptr_t slot = here - (here - LIBOS_THREAD_VA) % LIBOS_THREAD_SLOT;

        return lo >= slot && hi <= slot + LIBOS_THREAD_SLOT;
    }
    return 0;
}

long fs_lend_cached(struct ipc_conn *c, const void *buf, size_t n)
{
    uintptr_t b = (uintptr_t)buf, lo, hi;
    struct kept *e, *victim;
    long va;

    for (e = kept; e < kept + FS_LEND_KEEP; e++) {
        if (e->sva != 0 && b >= e->lo && b + n <= e->hi && b + n >= b) {
            e->used = ++kept_tick;
            return (long)(e->sva + (b - e->lo));
        }
    }
    lo = b & ~(uintptr_t)(CHIME_PAGE_SIZE - 1);
    hi = (b + n + CHIME_PAGE_SIZE - 1) & ~(uintptr_t)(CHIME_PAGE_SIZE - 1);
    if (b + n < b || !keepable(lo, hi))
        return CHIME_EINVAL;
    victim = kept;
    for (e = kept; e < kept + FS_LEND_KEEP; e++)
        if (e->sva == 0 || (victim->sva != 0 && e->used < victim->used))
            victim = e;
    if (victim->sva != 0)
        ipc_unlend(c, victim->sva);
    victim->sva = 0;
    va = ipc_lend(c, (const void *)lo, hi - lo, CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (va < 0)
        return va;
    *victim = (struct kept){.lo = lo, .hi = hi, .sva = (uint64_t)va, .used = ++kept_tick};
    return (long)(victim->sva + (b - lo));
}

void fs_lend_drop(struct ipc_conn *c, const void *buf)
{
    uintptr_t b = (uintptr_t)buf;

    for (struct kept *e = kept; e < kept + FS_LEND_KEEP; e++) {
        if (e->sva != 0 && b >= e->lo && b < e->hi) {
            ipc_unlend(c, e->sva);
            e->sva = 0;
        }
    }
}

void fs_lend_clear(struct ipc_conn *c)
{
    for (struct kept *e = kept; e < kept + FS_LEND_KEEP; e++) {
        if (e->sva != 0)
            ipc_unlend(c, e->sva);
        e->sva = 0;
    }
}
