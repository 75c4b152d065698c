/* Run queues and placement (see runqueue.h). */
#include "runqueue.h"

void rq_push(struct cpu *c, struct thread *t, bool front)
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

void rq_remove(struct cpu *c, struct thread *t)
{
    list_remove(&t->link);
    if (list_empty(&c->rq.queue[t->prio]))
        c->rq.bitmap &= ~(1u << t->prio);
    c->rq.count--;
}

struct thread *rq_pop(struct cpu *c)
{
    int p = rq_best(c);
    struct thread *t = container_of(c->rq.queue[p].next, struct thread, link);
    rq_remove(c, t);
    return t;
}

static uint32_t hart_load(const struct cpu *c)
{
    return c->rq.count + (c->current != NULL);
}

struct cpu *rq_pick_hart(struct cpu *cpus, uint32_t online_mask, const struct thread *t)
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

struct thread *rq_steal(struct cpu *cpus, uint32_t online_mask, struct cpu *c)
{
    for (uint32_t h = 0; h < MAX_HARTS; h++) {
        struct cpu *o = &cpus[h];
        if (o == c || !(online_mask >> h & 1) || o->rq.count == 0)
            continue;
        for (int p = NPRIO - 1; p >= 0; p--) {
            struct list *pos, *tmp;
            list_for_each_safe(pos, tmp, &o->rq.queue[p])
            {
                struct thread *t = container_of(pos, struct thread, link);
                if (t->affinity >> c->hartid & 1) {
                    rq_remove(o, t);
                    return t;
                }
            }
        }
    }
    return NULL;
}
