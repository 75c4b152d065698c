/* libos rings: set-up and the tag table (the inline ring ops are in ring.h).
 * No syscalls here: tests/unit/test_ring.c runs this file on the host. */
#include "ring.h"

void ring_prod_init(struct ring_prod *p, void *slots, struct ipc_index *tail,
                    const struct ipc_index *head, uint32_t start)
{
    p->slot = slots;
    p->tail = &tail->value;
    p->head = &head->value;
    p->next = start;
    /* Pretend the ring is full so the first push reads the real head. */
    p->head_seen = p->next - RING_SLOTS;
}

void ring_cons_init(struct ring_cons *c, const void *slots, const struct ipc_index *tail,
                    struct ipc_index *head, uint32_t start)
{
    c->slot = slots;
    c->tail = &tail->value;
    c->head = &head->value;
    c->next = start;
    c->tail_seen = c->next;
}

void ring_tags_init(struct ring_tags *t)
{
    t->free = ~0ull;
    t->nfree = RING_SLOTS;
    for (uint32_t i = 0; i < RING_SLOTS; i++) {
        /* Pop order 0, 1, 2...: the lowest entries are handed out first. */
        t->stack[i] = (uint8_t)(RING_SLOTS - 1 - i);
        t->gen[i] = 1;
    }
}
