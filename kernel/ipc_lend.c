/* IPC lends (see ipc.h): a client's pages mapped into a slot of the
 * server's lend window, and every way a lend ends. */
#include "ipc_priv.h"
#include "cpu.h"
#include "frame.h"
#include "frames.h"
#include "kalloc.h"
#include <platform/mmu.h>
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

/* ---- DMA pins ------------------------------------------------------------
 * A pin keeps the frames of one lend (slot, generation) allocated: frames
 * the client frees meanwhile (unlend then unmap, or exit) go back only when
 * the pin goes, so a device still writing them writes nobody else's. A
 * server's side of a connection may close with pins held (a server library
 * lets a client's connection go at once): they become orphans of that
 * server, found by the old window address, whose range stays reserved in
 * the server's kernel-placed area until the last of them goes. */
struct lend_pin {
    struct lend_pin *next;
    struct space *srv; /* orphans: the server, and its old lend window */
    uint64_t base;
    uint32_t slot, gen;
    uint64_t npages;
    uint64_t pa_at;  /* frames holding the page addresses */
    uint64_t frames; /* how many */
};

static void pin_free(struct lend_pin *p)
{
    uint64_t *pa = phys_to_virt(p->pa_at);
    for (uint64_t i = 0; i < p->npages; i++)
        frame_unpin(pa[i]);
    frame_free_n(p->pa_at, p->frames);
    kfree(p);
}

/* The connection s serves whose lend window holds va, and the slot. */
static struct conn *lend_window_find(struct space *s, uint64_t va, int *slot)
{
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &s->conns)
    {
        struct conn_end *e = container_of(pos, struct conn_end, link);
        struct conn *c = e->conn;
        if (e->side == CONN_SERVER && c->lend_base && va >= c->lend_base &&
            va - c->lend_base < LEND_WINDOW) {
            *slot = (int)((va - c->lend_base) / IPC_LEND_SLOT_SIZE);
            return c;
        }
    }
    return NULL;
}

long ipc_lend_pin(struct space *s, uint64_t va, uint64_t len)
{
    int i;
    struct conn *c = lend_window_find(s, va, &i);
    if (!c)
        return 0;
    uint64_t base = lend_slot_va(c, i), n = c->lend[i].npages;
    if (!c->lend[i].client_va || len > n * PAGE_SIZE - (va - base))
        return CHIME_EFAULT;
    uint32_t gen = lend_table(c)[i].gen;
    for (struct lend_pin *p = c->pins; p; p = p->next)
        if (p->slot == (uint32_t)i && p->gen == gen)
            return 0;
    struct lend_pin *p = kalloc(sizeof(*p));
    uint64_t frames = ALIGN_UP(n * sizeof(uint64_t), PAGE_SIZE) / PAGE_SIZE;
    uint64_t at = p ? frame_alloc_contig(frames) : 0;
    if (!at) {
        kfree(p);
        return CHIME_ENOMEM;
    }
    *p = (struct lend_pin){.slot = (uint32_t)i, .gen = gen, .pa_at = at, .frames = frames};
    uint64_t *pa = phys_to_virt(at);
    for (; p->npages < n; p->npages++) {
        pa[p->npages] = pt_translate(s->root, base + p->npages * PAGE_SIZE, 0);
        if (!pa[p->npages] || !frame_pin(pa[p->npages])) {
            pin_free(p);
            return CHIME_ENOMEM;
        }
    }
    p->next = c->pins;
    c->pins = p;
    return 0;
}

static struct lend_pin *orphans;

bool lend_pins_orphan(struct conn *c, struct space *srv)
{
    if (!c->pins)
        return false;
    while (c->pins) {
        struct lend_pin *p = c->pins;
        c->pins = p->next;
        p->srv = srv;
        p->base = c->lend_base;
        p->next = orphans;
        orphans = p;
    }
    return true;
}

/* Drop s's orphan pin (va's slot, gen), and the window once it was the
 * last of that window: 0, or CHIME_EINVAL / CHIME_ENOENT. */
static long orphan_unpin(struct space *s, uint64_t va, uint32_t gen)
{
    bool window = false;
    for (struct lend_pin **pp = &orphans; *pp; pp = &(*pp)->next) {
        struct lend_pin *p = *pp;
        if (p->srv != s || va < p->base || va - p->base >= LEND_WINDOW)
            continue;
        window = true;
        if (p->slot != (va - p->base) / IPC_LEND_SLOT_SIZE || p->gen != gen)
            continue;
        uint64_t base = p->base;
        *pp = p->next;
        pin_free(p);
        for (p = orphans; p; p = p->next)
            if (p->srv == s && p->base == base)
                return 0;
        space_karea_free(s, base, LEND_WINDOW);
        return 0;
    }
    return window ? CHIME_ENOENT : CHIME_EINVAL;
}

void lend_orphans_drop(struct space *s)
{
    for (struct lend_pin **pp = &orphans; *pp;) {
        struct lend_pin *p = *pp;
        if (p->srv == s) {
            *pp = p->next;
            pin_free(p);
        } else {
            pp = &p->next;
        }
    }
}

long ipc_lend_unpin(struct space *s, uint64_t va, uint32_t gen)
{
    int i;
    struct conn *c = lend_window_find(s, va, &i);
    if (!c)
        return orphan_unpin(s, va, gen);
    for (struct lend_pin **pp = &c->pins; *pp; pp = &(*pp)->next) {
        struct lend_pin *p = *pp;
        if (p->slot == (uint32_t)i && p->gen == gen) {
            *pp = p->next;
            pin_free(p);
            return 0;
        }
    }
    return CHIME_ENOENT;
}

void lend_pins_drop_all(struct conn *c)
{
    while (c->pins) {
        struct lend_pin *p = c->pins;
        c->pins = p->next;
        pin_free(p);
    }
}
