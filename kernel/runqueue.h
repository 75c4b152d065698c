/* Run queues: the ready threads of each hart (struct runqueue, cpu.h), one
 * FIFO per priority, and where a thread that becomes ready should go. The
 * scheduler (sched.c) calls these with the big lock held; they touch only
 * the harts and threads they are given, so host tests run them
 * (tests/unit/test_runqueue.c). */
#ifndef KERNEL_RUNQUEUE_H
#define KERNEL_RUNQUEUE_H

#include "cpu.h"
#include "thread.h"

/* Queue t (ready, on no queue) on c, at the back of its priority or, with
 * front, at the front; t->hart becomes c's. */
void rq_push(struct cpu *c, struct thread *t, bool front);
/* Take t off c's queue. */
void rq_remove(struct cpu *c, struct thread *t);
/* Take the first thread of c's highest non-empty priority (c has one). */
struct thread *rq_pop(struct cpu *c);

/* Highest ready priority on c, or -1. */
static inline int rq_best(const struct cpu *c)
{
    return c->rq.bitmap ? 31 - __builtin_clz(c->rq.bitmap) : -1;
}

/* The hart of cpus[] (those in online_mask) that t should be queued on:
 * its last hart if allowed and no allowed hart is less loaded, else the
 * least loaded allowed hart; any online hart if t allows none of them. */
struct cpu *rq_pick_hart(struct cpu *cpus, uint32_t online_mask, const struct thread *t);
/* Take a ready thread that may run on c from another online hart: the
 * first found, highest priority first within each hart; NULL if none. */
struct thread *rq_steal(struct cpu *cpus, uint32_t online_mask, struct cpu *c);

#endif
