/* Scheduling (see sched.h). All of it runs under the big kernel lock. */
#include "sched.h"
#include "runqueue.h"
#include "info.h"
#include "irq.h"
#include "lock.h"
#include <platform/platform.h>
#include "space.h"
#include "uintr.h"
#include <platform/csr.h>
#include <chime/errno.h>

struct cpu cpus[MAX_HARTS];
static struct list timeouts = {&timeouts, &timeouts}; /* sorted by wake_at */
static uint32_t online_mask;
static uint64_t slice_ticks; /* SLICE_NS in ticks */

uint32_t sched_online_mask(void)
{
    return online_mask;
}

void sched_init_cpu(struct cpu *c)
{
    for (int p = 0; p < NPRIO; p++)
        list_init(&c->rq.queue[p]);
    c->timer_armed = ~0ull;
    c->info = &info_page->hart[c->hartid];
    online_mask |= 1u << c->hartid;
    slice_ticks = platform_ns_to_ticks(SLICE_NS);
}

void sched_requeue_front(struct cpu *c, struct thread *t)
{
    t->state = T_READY;
    rq_push(c, t, true);
}

void sched_kick(uint32_t hartid)
{
    cpus[hartid].need_resched = true;
    if (hartid != this_cpu()->hartid)
        platform_ipi_send(hartid);
}

void sched_make_ready(struct thread *t)
{
    struct cpu *c = rq_pick_hart(cpus, online_mask, t);
    t->state = T_READY;
    rq_push(c, t, false);
    if (!c->current || t->prio > c->current->prio)
        sched_kick(c->hartid);
}

/* ---- blocking and timeouts ----------------------------------------------------- */

static void timeout_add(struct thread *t, uint64_t deadline)
{
    struct list *pos = timeouts.prev;
    t->wake_at = deadline;
    while (pos != &timeouts && container_of(pos, struct thread, timeout_link)->wake_at > deadline)
        pos = pos->prev;
    list_insert_after(pos, &t->timeout_link);
}

uint64_t sched_deadline(uint64_t ns)
{
    if (ns == CHIME_FOREVER)
        return 0;
    uint64_t now = platform_time_now(), ticks = platform_ns_to_ticks(ns);
    return ticks > ~0ull - now - 1 ? ~0ull - 1 : now + ticks;
}

void sched_timeout_arm(struct thread *t, uint64_t deadline)
{
    if (deadline)
        timeout_add(t, deadline);
}

void sched_block(struct thread *t, int reason, uint64_t deadline)
{
    t->state = T_BLOCKED;
    t->block = (uint8_t)reason;
    sched_timeout_arm(t, deadline);
}

void sched_unlink(struct thread *t)
{
    if (t->state == T_READY)
        rq_remove(&cpus[t->hart], t);
    else
        list_remove(&t->link);
    list_remove(&t->timeout_link);
}

void sched_wake(struct thread *t, long result)
{
    sched_unlink(t);
    if (t->block == B_UINTR)
        uintr_wait_done(t);
    t->tf.a0 = (uint64_t)result;
    t->block = B_NONE;
    sched_make_ready(t);
}

static void timeouts_expire(uint64_t now)
{
    while (!list_empty(&timeouts)) {
        struct thread *t = container_of(timeouts.next, struct thread, timeout_link);
        if (t->wake_at > now)
            break;
        sched_wake(t, t->block == B_SLEEP ? 0 : CHIME_ETIMEDOUT);
    }
}

/* Arm stimecmp for the earlier of this hart's slice end and the first timeout. */
static void timer_program(struct cpu *c)
{
    uint64_t deadline = c->current ? c->slice_end : ~0ull;
    if (!list_empty(&timeouts)) {
        uint64_t first = container_of(timeouts.next, struct thread, timeout_link)->wake_at;
        deadline = MIN(deadline, first);
    }
    if (deadline != c->timer_armed) {
        c->timer_armed = deadline;
        platform_timer_set(deadline);
    }
}

/* ---- interrupts -------------------------------------------------------------- */

void sched_handle_interrupts(struct cpu *c)
{
    uint64_t sip = csr_read_sip();
    if (sip & SIE_SSIE) {
        platform_ipi_clear(c->hartid);
        tlb_poll(c);
        c->need_resched = true; /* a remote hart queued work or changed our thread */
    }
    if (sip & SIE_STIE) {
        uint64_t now = platform_time_now();
        c->timer_armed = ~0ull;
        platform_timer_set(~0ull);
        timeouts_expire(now);
        if (c->current && now >= c->slice_end)
            c->need_resched = true;
    }
    if (sip & SIE_SEIE)
        irq_handle(c);
}

/* ---- switching ------------------------------------------------------------------ */

/* Decide what this hart runs next; idles (dropping the lock) while nothing can. */
static struct thread *sched_pick(struct cpu *c)
{
    for (;;) {
        c->need_resched = false;
        struct thread *prev = c->current;
        if (prev && prev->dying) {
            c->current = NULL;
            thread_finish(prev);
            prev = NULL;
        }
        int best = rq_best(c);
        if (prev && prev->state == T_RUNNING && !(prev->affinity >> c->hartid & 1)) {
            c->current = NULL; /* its affinity moved it away */
            sched_make_ready(prev);
            prev = NULL;
            best = rq_best(c);
        }
        if (prev && prev->state == T_RUNNING) {
            uint64_t now = platform_time_now();
            bool expired = now >= c->slice_end;
            if (best < prev->prio || (best == prev->prio && !expired)) {
                if (expired)
                    c->slice_end = now + slice_ticks;
                return prev;
            }
            /* Preempted by a higher priority: it resumes first at its level. */
            prev->state = T_READY;
            rq_push(c, prev, !expired);
        } else if (prev) {
            c->current = NULL;
        }
        struct thread *next = best >= 0 ? rq_pop(c) : rq_steal(cpus, online_mask, c);
        if (next) {
            next->dispatches++;
            sched_switch_direct(c, next, c->space, next->space, SPACE_SWITCH);
            c->slice_end = platform_time_now() + slice_ticks;
            return next;
        }
        c->current = NULL;
        if (c->space) {
            space_switch(c, NULL); /* may finish an exit and wake its waiters */
            continue;
        }
        info_set_running(c->info, 0, 0);
        timer_program(c);
        kernel_unlock();
        wfi();
        kernel_lock();
        sched_handle_interrupts(c);
    }
}

void sched_return(void)
{
    struct cpu *c = this_cpu();
    struct thread *t = c->current;
    if (unlikely(!t || t->state != T_RUNNING || t->dying || c->need_resched))
        t = sched_pick(c);
    if (unlikely(t->recv != NULL))
        uintr_deliver_check(t);
    timer_program(c);
    kernel_unlock();
    trap_return(&t->tf);
}
