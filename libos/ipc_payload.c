/* libos IPC, server side: checking the memory a request names (libos/ipc.h).
 *
 * Pure code over a connection's data area and its kernel-written lend
 * table, with no system call: servers use it on every request, and host
 * tests build it to drive a server's request handler without a kernel.
 *
 * The lend table is written by the kernel at any moment (a client's unlend
 * or exit revokes an entry: its pages become a scratch frame and its gen
 * changes), so each entry is read once into locals before it is judged. */
#include "ipc.h"

#include <chime/errno.h>

void *ipc_sconn_data(struct ipc_sconn *c, uint64_t off, uint64_t len)
{
    if (len > c->data_size || off > c->data_size - len)
        return NULL;
    return c->data + off;
}

/* Does lend entry e (read once) cover [va, va+len) with prot? */
static long lend_covers(const volatile struct ipc_lend_entry *e, uint64_t va, uint64_t len,
                        unsigned prot)
{
    uint64_t base = e->va, size = e->len;
    uint32_t eprot = e->prot;

    if (!base || va < base || va - base > size || len > size - (va - base))
        return CHIME_EFAULT;
    return (eprot & prot) == prot ? 0 : CHIME_EPERM;
}

long ipc_lend_find(struct ipc_sconn *c, uint64_t va, uint64_t len, unsigned prot, uint32_t *gen)
{
    uint64_t slot;
    long r = CHIME_EFAULT;

    if (!c->lends || va < c->lend_base || va - c->lend_base >= c->lend_size)
        return CHIME_EFAULT;
    /* Each lend owns one IPC_LEND_SLOT_SIZE window; try that entry first and
     * fall back to a scan, which does not depend on the window order. The
     * generation is read before the entry, so a revocation that lands after
     * the check shows in ipc_lend_unchanged. */
    slot = (va - c->lend_base) / IPC_LEND_SLOT_SIZE;
    for (unsigned n = 0; n <= IPC_LEND_SLOTS; n++) {
        unsigned i = n == 0 ? (unsigned)slot : n - 1;
        uint32_t g;
        long ri;

        if (i >= IPC_LEND_SLOTS)
            continue;
        g = __atomic_load_n(&c->lends[i].gen, __ATOMIC_ACQUIRE);
        ri = lend_covers(&c->lends[i], va, len, prot);
        if (ri == 0) {
            if (gen)
                *gen = g;
            return (long)i;
        }
        if (ri == CHIME_EPERM)
            r = ri;
    }
    return r;
}

int ipc_lend_unchanged(struct ipc_sconn *c, long index, uint32_t gen)
{
    if (index < 0 || index >= (long)IPC_LEND_SLOTS)
        return 0;
    return __atomic_load_n(&c->lends[index].gen, __ATOMIC_ACQUIRE) == gen;
}

long ipc_lend_check(struct ipc_sconn *c, uint64_t va, uint64_t len, unsigned prot)
{
    long r = ipc_lend_find(c, va, len, prot, NULL);

    return r >= 0 ? 0 : r;
}

void *ipc_payload(struct ipc_sconn *c, const struct ipc_slot *req, uint64_t len, unsigned prot)
{
    if (req->flags & IPC_F_LENT)
        return ipc_lend_check(c, req->data, len, prot) == 0 ? (void *)(uintptr_t)req->data : NULL;
    return ipc_sconn_data(c, req->data, len);
}
