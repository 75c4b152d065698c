/* Stealing from other harts' run queues (see runqueue.h). */
#include "runqueue.h"

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
