/* ASIDs and TLB shootdown (see tlb.h): which harts may cache a space's
 * translations, and making them forget. */
#include "tlb.h"
#include "cpu.h"
#include "sched.h"
#include "space.h"
#include <platform/platform.h>

/* ---- ASIDs ------------------------------------------------------------------
 * Handed out in increasing order; a freed ASID is reused only after the
 * counter wraps, and every wrap flushes every hart's TLB first, so no hart
 * can hold a stale translation for a reused ASID. */
static uint64_t asid_used[(ASID_MAX + 1) / 64];
static uint32_t asid_next = 1;

static void tlb_flush_all_harts(void);

int asid_alloc(void)
{
    for (int pass = 0; pass < 2; pass++) {
        for (; asid_next <= ASID_MAX; asid_next++) {
            if (!(asid_used[asid_next / 64] >> (asid_next % 64) & 1)) {
                asid_used[asid_next / 64] |= 1ull << (asid_next % 64);
                return (int)asid_next++;
            }
        }
        tlb_flush_all_harts();
        asid_next = 1;
    }
    return -1;
}

void asid_free(uint16_t asid)
{
    asid_used[asid / 64] &= ~(1ull << (asid % 64));
}

/* ---- TLB shootdown ----------------------------------------------------------- */

void tlb_poll(struct cpu *c)
{
    if (__atomic_load_n(&c->tlb_flush_req, __ATOMIC_ACQUIRE)) {
        sfence_vma_all();
        __atomic_store_n(&c->tlb_flush_req, 0, __ATOMIC_RELEASE);
    }
}

/* Ask the harts in mask (not this one) to flush, and wait until they have.
 * They answer from their trap prologue or their lock spin (lock.c). */
static void tlb_shootdown(uint32_t mask)
{
    struct cpu *me = this_cpu();
    mask &= ~(1u << me->hartid);
    for (uint32_t h = 0; h < MAX_HARTS; h++) {
        if (mask >> h & 1) {
            __atomic_store_n(&cpus[h].tlb_flush_req, 1, __ATOMIC_RELEASE);
            platform_ipi_send(h);
        }
    }
    for (uint32_t h = 0; h < MAX_HARTS; h++)
        while ((mask >> h & 1) && __atomic_load_n(&cpus[h].tlb_flush_req, __ATOMIC_ACQUIRE))
            ;
}

static void tlb_flush_all_harts(void)
{
    sfence_vma_all();
    tlb_shootdown(sched_online_mask());
}

/* The harts whose satp holds s: those whose cpu->space is s. Every switch
 * stores cpu->space under the big lock, which the caller holds, so the
 * switch paths keep no per-space mask (the fastpath saves the stores). */
uint32_t space_active_harts(const struct space *s)
{
    uint32_t mask = 0;

    for (uint32_t h = 0; h < MAX_HARTS; h++)
        if (cpus[h].space == s)
            mask |= 1u << h;
    return mask;
}

void space_tlb_flush(struct space *s)
{
    struct cpu *me = this_cpu();
    uint32_t active = space_active_harts(s);

    sfence_vma_asid(s->asid);
    tlb_shootdown(active);
    /* Harts that ran s before may still cache its ASID: flush at next load. */
    s->stale_harts = sched_online_mask() & ~active & ~(1u << me->hartid);
}
