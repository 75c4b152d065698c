/* The kernel-placed area of an address space (see space.h): addresses the
 * kernel chooses in [CHIME_KAREA_BASE, CHIME_BOOTINFO_VA) for connection
 * buffers, lends, control and state pages, DMA memory. Pure bookkeeping:
 * it maps nothing, so host tests run it (tests/unit/test_karea.c). */
#include "space.h"
#include "kalloc.h"
#include <chime/layout.h>

/* [CHIME_KAREA_BASE, karea_next) has been handed out; the holes list (sorted
 * by address, never adjacent to each other nor to karea_next) holds what was
 * given back below karea_next. Every area is followed by a guard page, which
 * comes and goes with it. First fit: a server that opens and closes
 * connections all its life reuses the same addresses. */
struct karea_hole {
    struct list link;
    uint64_t va, len; /* len includes the guard page of the area it held */
};

static struct karea_hole *hole_of(struct list *l)
{
    return container_of(l, struct karea_hole, link);
}

uint64_t space_karea_alloc(struct space *s, uint64_t len)
{
    if (len == 0 || len > CHIME_USER_TOP)
        return 0;
    len = ALIGN_UP(len, PAGE_SIZE) + PAGE_SIZE; /* the guard page */
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &s->karea_holes)
    {
        struct karea_hole *h = hole_of(pos);
        if (h->len < len)
            continue;
        uint64_t va = h->va;
        h->va += len;
        h->len -= len;
        if (!h->len) {
            list_remove(&h->link);
            kfree(h);
        }
        return va;
    }
    uint64_t top = CHIME_BOOTINFO_VA - PAGE_SIZE; /* keep a guard page below */
    if (len > top - s->karea_next)
        return 0;
    uint64_t va = s->karea_next;
    s->karea_next += len;
    return va;
}

void space_karea_free(struct space *s, uint64_t va, uint64_t len)
{
    if (!va || !len)
        return;
    len = ALIGN_UP(len, PAGE_SIZE) + PAGE_SIZE;
    struct list *pos = s->karea_holes.next;
    while (pos != &s->karea_holes && hole_of(pos)->va < va)
        pos = pos->next;
    /* pos: the first hole above va (or the head); its prev: the one below. */
    struct karea_hole *below = pos->prev != &s->karea_holes ? hole_of(pos->prev) : NULL;
    struct karea_hole *above = pos != &s->karea_holes ? hole_of(pos) : NULL;
    if (below && below->va + below->len == va) {
        below->len += len;
    } else if (above && va + len == above->va) {
        above->va = va;
        above->len += len;
        below = above;
        above = NULL;
    } else {
        struct karea_hole *h = kalloc(sizeof(*h));
        if (!h)
            return; /* out of memory: those addresses stay unused */
        h->va = va;
        h->len = len;
        list_insert_after(pos->prev, &h->link);
        below = h;
    }
    if (above && below->va + below->len == above->va) {
        below->len += above->len;
        list_remove(&above->link);
        kfree(above);
    }
    if (below->va + below->len == s->karea_next) {
        s->karea_next = below->va;
        list_remove(&below->link);
        kfree(below);
    }
}

void space_karea_destroy(struct space *s)
{
    while (!list_empty(&s->karea_holes)) {
        struct karea_hole *h = hole_of(s->karea_holes.next);
        list_remove(&h->link);
        kfree(h);
    }
}
