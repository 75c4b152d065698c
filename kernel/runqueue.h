/* Run queues: the ready threads of each hart (struct runqueue, cpu.h), one
 * FIFO per priority, and where a thread that becomes ready should go. The
 * scheduler (sched.c) calls these with the big lock held; they touch only
 * the harts and threads they are given, so host tests run them
 * (tests/unit/test_runqueue.c). Inline, as they were in sched.c: they are
 * on the way of every block and wake; stealing (runqueue.c) is not. */
#ifndef KERNEL_RUNQUEUE_H
#define KERNEL_RUNQUEUE_H

#include "cpu.h"
#include "thread.h"

/* Highest ready priority on c, or -1. */
static inline int rq_best(const struct cpu *c)
{
    return c->rq.bitmap ? 31 - __builtin_clz(c->rq.bitmap) : -1;
}

/* Queue t (ready, on no queue) on c, at the back of its priority or, with
 * front, at the front; t->hart becomes c's. */
static inline void rq_push(struct cpu *c, struct thread *t, bool front)
{
    struct list *q = &c->rq.queue[t->prio];
    if (front)
        list_push_front(q, &t->link);
    else
        list_push_back(q, &t->link);
    c->rq.bitmap |= 1u << t->prio;
    c->rq.count++;
    t->hart = (int32_t)c->hartid;
}

/* Take t off c's queue. */
static inline void rq_remove(struct cpu *c, struct thread *t)
{
    list_remove(&t->link);
    if (list_empty(&c->rq.queue[t->prio]))
        c->rq.bitmap &= ~(1u << t->prio);
    c->rq.count--;
}

/* Take the first thread of c's highest non-empty priority (c has one). */
static inline struct thread *rq_pop(struct cpu *c)
{
    int p = rq_best(c);
    struct thread *t = container_of(c->rq.queue[p].next, struct thread, link);
    rq_remove(c, t);
    return t;
}

/* Threads queued on c, and the one it runs. */
static inline uint32_t hart_load(const struct cpu *c)
{
    return c->rq.count + (c->current != NULL);
}

/* The hart of cpus[] (those in online_mask) that t should be queued on:
 * its last hart if allowed and no allowed hart is less loaded, else the
 * least loaded allowed hart; any online hart if t allows none of them. */
static inline struct cpu *rq_pick_hart(struct cpu *cpus, uint32_t online_mask,
                                       const struct thread *t)
{
    uint32_t mask = t->affinity & online_mask;
    if (!mask)
        mask = online_mask;
    struct cpu *best = NULL;
    if (t->hart >= 0 && (mask >> t->hart & 1))
        best = &cpus[t->hart];
    for (uint32_t h = 0; h < MAX_HARTS; h++) {
        if (!(mask >> h & 1))
            continue;
        if (!best || hart_load(&cpus[h]) < hart_load(best))
            best = &cpus[h];
    }
    return best;
}

/* Take a ready thread that may run on c from another online hart: the
 * first found, highest priority first within each hart; NULL if none. */
struct thread *rq_steal(struct cpu *cpus, uint32_t online_mask, struct cpu *c);

#endif
