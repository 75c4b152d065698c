/* The scheduler: per-hart run queues, time slices, timeouts, and the one
 * way back to user mode (sched_return). */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "cpu.h"
#include "thread.h"

#define SLICE_NS 10000000ull /* 10 ms round robin within a priority */

void sched_init_cpu(struct cpu *c);
/* Make t (not running, not queued) ready on a hart its affinity allows,
 * preempting or waking that hart if t should run there now. */
void sched_make_ready(struct thread *t);
/* The tick at which a wait of ns nanoseconds from now ends, for
 * sched_block: 0 (no timeout) for CHIME_FOREVER, saturating far off. */
uint64_t sched_deadline(uint64_t ns);
/* Block the current thread (the caller then calls sched_return). deadline
 * is in ticks; 0 = no timeout. */
void sched_block(struct thread *t, int reason, uint64_t deadline);
/* End t's wait at tick deadline (0: never) unless something wakes it first. */
void sched_timeout_arm(struct thread *t, uint64_t deadline);
/* End t's block: its pending syscall returns `result`. */
void sched_wake(struct thread *t, long result);
/* Take t off whatever queue it is on (run queue, wait list, timeouts). */
void sched_unlink(struct thread *t);
/* Return to user mode on this hart: the current thread if it can go on,
 * else the best ready one, else idle until there is one. Drops the kernel
 * lock on the way out. */
noreturn void sched_return(void);
/* Queue t (this hart's current) at the front of its priority: it resumes
 * first when the thread taking over blocks again. */
void sched_requeue_front(struct cpu *c, struct thread *t);
/* No ready thread on c outranks priority prio. */
static inline bool sched_may_run_now(const struct cpu *c, unsigned prio)
{
    return (c->rq.bitmap >> prio >> 1) == 0;
}

/* Interrupt work found pending in sip (timer, IPI, external). */
void sched_handle_interrupts(struct cpu *c);
/* Ask hart h to reschedule / look at its current thread. */
void sched_kick(uint32_t hartid);
/* Number of online harts and a mask of them. */
uint32_t sched_online_mask(void);

#include "info.h"
#include "lock.h"
#include <platform/platform.h>
#include "space.h"

/* How sched_switch_direct loads the new thread's address space. */
enum space_load {
    SPACE_SWITCH,    /* space_switch: may flush, finish or free the old space */
    SPACE_SATP_ONLY, /* the caller checked that only satp changes (fastpath) */
};

/* The direct switch, shared by the fastpath, uipi_send and the scheduler:
 * make t (released from its wait, or taken off a run queue) this hart's
 * running thread now, in the time slice it is in; the caller blocks or
 * queues c's previous thread (before or after: the lock is held throughout).
 * from is the space c has loaded, to is t's.
 * Only stores (and a satp write) with SPACE_SATP_ONLY, so the fastpath can
 * use it past its point of no return; always inlined, so `how` costs
 * nothing. */
static inline __attribute__((always_inline)) void
sched_switch_direct(struct cpu *c, struct thread *t, struct space *from, struct space *to,
                    enum space_load how)
{
    t->state = T_RUNNING;
    t->hart = (int32_t)c->hartid;
    if (unlikely(!list_empty(&t->timeout_link)))
        list_remove(&t->timeout_link);
    c->current = t;
    if (to != from) {
        if (how == SPACE_SATP_ONLY)
            space_load_satp(c, to);
        else
            space_switch(c, to);
    }
    info_set_running(c->info, t->id, to->id);
}

#endif
