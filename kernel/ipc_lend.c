/* IPC lends (see ipc.h): a client's pages mapped into a slot of the
 * server's lend window, and every way a lend ends. */
#include "ipc_priv.h"
#include "cpu.h"
#include "frame.h"
#include "frames.h"
#include "kalloc.h"
#include "mmu.h"
#include "sched.h"
#include "space.h"
#include "uintr.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/types.h>

/* A lend slot's pages in the server change only by rewriting their PTEs in
 * place, one store each, then one shootdown: a hart still reading through a
 * page sees the old frame or the new one, never a hole. Revoked pages point
 * at the connection's scratch frame; a page once mapped stays mapped while
 * the server's side lives. A new lend takes the free slot freed longest ago. */

uint64_t lend_slot_va(const struct conn *c, int i)
{
    return c->lend_base + (uint64_t)i * IPC_LEND_SLOT_SIZE;
}

static struct ipc_lend_entry *lend_table(const struct conn *c)
{
    return phys_to_virt(c->lend_table_pa);
}

/* Point srv's PTE at va to pa with CHIME_PROT_* prot (sys_ipc_lend made
 * its table; were it gone, the page would stay unmapped: safe too). */
static void lend_pte_set(struct space *srv, uint64_t va, uint64_t pa, uint32_t prot)
{
    uint64_t *pte = pt_walk(srv->root, va, false);
    if (pte)
        __atomic_store_n(pte, PA_TO_PTE(pa) | pt_user_flags(prot), __ATOMIC_RELAXED);
}

/* Clear lend i's record and table entry (the pages stay as they are). */
void lend_forget(struct conn *c, int i)
{
    struct ipc_lend_entry *e = &lend_table(c)[i];
    e->va = 0;
    e->len = 0;
    e->prot = 0;
    e->gen++;
    c->lend[i] = (struct lend){0};
    c->freed_at[i] = ++c->lend_clock;
}

/* End lend i: its entry is cleared, its pages in the server become scratch.
 * The caller flushes the server's TLB (once, for all it revoked) before
 * anything may free the lent frames. Returns whether the server needs it. */
static bool lend_revoke(struct conn *c, int i)
{
    struct space *srv = c->space[CONN_SERVER];
    uint64_t n = c->lend[i].npages;
    if (!c->lend[i].client_va)
        return false;
    lend_forget(c, i);
    if (!srv || !srv->root)
        return false;
    uint64_t base = lend_slot_va(c, i);
    for (uint64_t p = 0; p < n; p++)
        lend_pte_set(srv, base + p * PAGE_SIZE, c->scratch_pa, CHIME_PROT_READ | CHIME_PROT_WRITE);
    return true;
}

/* Revoke every lend of c, with one shootdown. */
void lends_revoke_all(struct conn *c)
{
    bool flush = false;
    for (int i = 0; i < IPC_LEND_SLOTS; i++)
        flush |= lend_revoke(c, i);
    if (flush)
        space_tlb_flush(c->space[CONN_SERVER]);
}

void ipc_revoke_range(struct space *s, uint64_t va, uint64_t len)
{
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &s->conns)
    {
        struct conn_end *e = container_of(pos, struct conn_end, link);
        if (e->side != CONN_CLIENT)
            continue;
        struct conn *c = e->conn;
        bool flush = false;
        for (int i = 0; i < IPC_LEND_SLOTS; i++) {
            uint64_t lo = c->lend[i].client_va, hi = lo + c->lend[i].npages * PAGE_SIZE;
            if (lo && lo < va + len && va < hi)
                flush |= lend_revoke(c, i);
        }
        if (flush)
            space_tlb_flush(c->space[CONN_SERVER]);
    }
}

/* The free lend slot freed longest ago (never used: first), or -1. */
static int lend_slot_pick(const struct conn *c)
{
    int best = -1;
    for (int i = 0; i < IPC_LEND_SLOTS; i++)
        if (!c->lend[i].client_va && (best < 0 || c->freed_at[i] < c->freed_at[best]))
            best = i;
    return best;
}

long sys_ipc_lend(struct trapframe *tf)
{
    int err;
    struct conn *c = conn_from_handle((int64_t)tf->a0, CONN_CLIENT, &err);
    if (!c)
        return err;
    struct space *cl = c->space[CONN_CLIENT], *srv = c->space[CONN_SERVER];
    uint64_t va = tf->a1, len = tf->a2, prot = tf->a3;
    if (!srv || srv->state != S_ALIVE)
        return CHIME_EPIPE;
    if (!prot || (prot & ~(uint64_t)(CHIME_PROT_READ | CHIME_PROT_WRITE)) || len == 0)
        return CHIME_EINVAL;
    uint64_t first = ALIGN_DOWN(va, PAGE_SIZE);
    if (va < CHIME_USER_BASE || va >= CHIME_KAREA_BASE || len > CHIME_KAREA_BASE - va)
        return CHIME_EFAULT;
    uint64_t npages = (ALIGN_UP(va + len, PAGE_SIZE) - first) / PAGE_SIZE;
    if (npages * PAGE_SIZE > IPC_LEND_SLOT_SIZE)
        return CHIME_EINVAL;
    uint64_t need = PTE_R | ((prot & CHIME_PROT_WRITE) ? PTE_W : 0);
    for (uint64_t p = 0; p < npages; p++)
        if (!pt_translate(cl->root, first + p * PAGE_SIZE, need))
            return CHIME_EFAULT;
    int i = lend_slot_pick(c);
    if (i < 0)
        return CHIME_EAGAIN;
    uint64_t base = lend_slot_va(c, i);
    /* Every page table the slot needs, before anything changes. */
    for (uint64_t p = c->mapped[i]; p < npages; p++)
        if (!pt_walk(srv->root, base + p * PAGE_SIZE, true))
            return CHIME_ENOMEM;
    for (uint64_t p = 0; p < npages; p++)
        lend_pte_set(srv, base + p * PAGE_SIZE, pt_translate(cl->root, first + p * PAGE_SIZE, need),
                     (uint32_t)prot);
    space_tlb_flush(srv);
    c->mapped[i] = (uint32_t)MAX(c->mapped[i], npages);
    c->lend[i] = (struct lend){.client_va = first, .npages = npages, .owner = cl};
    struct ipc_lend_entry *e = &lend_table(c)[i];
    e->va = base + (va - first);
    e->len = len;
    e->prot = (uint32_t)prot;
    e->gen++;
    return (long)e->va;
}

long sys_ipc_unlend(struct trapframe *tf)
{
    int err;
    struct conn *c = conn_from_handle((int64_t)tf->a0, CONN_CLIENT, &err);
    if (!c)
        return err;
    for (int i = 0; i < IPC_LEND_SLOTS; i++) {
        if (c->lend[i].client_va && lend_table(c)[i].va == tf->a1) {
            if (lend_revoke(c, i))
                space_tlb_flush(c->space[CONN_SERVER]);
            return 0;
        }
    }
    return CHIME_ENOENT;
}
