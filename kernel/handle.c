/* Handle tables (see handle.h). */
#include "handle.h"
#include "frame.h"
#include "lib.h"
#include <platform/mmu.h>
#include <chime/errno.h>

_Static_assert(sizeof(struct handle) * HANDLE_PER_PAGE == PAGE_SIZE,
               "a handle table page is one frame");

static int page_add(struct handle_table *t)
{
    if (t->npages == HANDLE_PAGES)
        return CHIME_ENOMEM;
    uint64_t pa = frame_alloc();
    if (!pa)
        return CHIME_ENOMEM;
    t->page[t->npages++] = phys_to_virt(pa);
    return 0;
}

int handle_table_init(struct handle_table *t)
{
    *t = (struct handle_table){0};
    return page_add(t);
}

void handle_table_destroy(struct handle_table *t)
{
    if (!t->npages)
        return;
    for (int h = 0; h < (int)t->npages * HANDLE_PER_PAGE; h++)
        handle_close(t, h);
    for (uint32_t p = 0; p < t->npages; p++)
        frame_free(virt_to_phys(t->page[p]));
    *t = (struct handle_table){0};
}

int handle_install(struct handle_table *t, struct kobj *obj, uint32_t rights)
{
    if (!t->npages)
        return CHIME_ENOMEM;
    if (t->used == t->npages * HANDLE_PER_PAGE && page_add(t) < 0)
        return CHIME_ENOMEM;
    for (int h = 0; h < (int)t->npages * HANDLE_PER_PAGE; h++) {
        struct handle *s = handle_slot(t, h);
        if (!s->obj) {
            kobj_get(obj);
            s->obj = obj;
            s->rights = rights & CHIME_R_ALL;
            s->reserved = 0;
            t->used++;
            return h;
        }
    }
    return CHIME_ENOMEM;
}

/* The slot of h if it holds an object, else NULL. */
static struct handle *slot_used(struct handle_table *t, int64_t h)
{
    if (h < 0 || h >= (int64_t)t->npages * HANDLE_PER_PAGE)
        return NULL;
    struct handle *s = handle_slot(t, h);
    return s->obj ? s : NULL;
}

struct kobj *handle_lookup(struct handle_table *t, int64_t h, uint32_t type, uint32_t need,
                           int *err)
{
    struct handle *s = slot_used(t, h);
    if (!s || (type && s->obj->type != type)) {
        *err = CHIME_EBADH;
        return NULL;
    }
    if ((s->rights & need) != need) {
        *err = CHIME_EPERM;
        return NULL;
    }
    return s->obj;
}

uint32_t handle_rights(struct handle_table *t, int64_t h)
{
    return handle_slot(t, h)->rights;
}

int handle_close(struct handle_table *t, int64_t h)
{
    struct handle *s = slot_used(t, h);
    if (!s)
        return CHIME_EBADH;
    struct kobj *o = s->obj;
    bool weak = s->reserved & HANDLE_WEAK;
    s->obj = NULL;
    s->rights = 0;
    s->reserved = 0;
    t->used--;
    if (!weak)
        kobj_put(o);
    return 0;
}
