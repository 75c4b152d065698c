/* Handle tables (see handle.h). */
#include "handle.h"
#include "frame.h"
#include "lib.h"
#include "mmu.h"
#include <chime/errno.h>

_Static_assert(sizeof(struct handle) * HANDLE_MAX == PAGE_SIZE, "a handle table is one frame");

int handle_table_init(struct handle_table *t)
{
    uint64_t pa = frame_alloc();
    if (!pa)
        return CHIME_ENOMEM;
    t->slot = phys_to_virt(pa);
    return 0;
}

void handle_table_destroy(struct handle_table *t)
{
    if (!t->slot)
        return;
    for (int h = 0; h < HANDLE_MAX; h++)
        handle_close(t, h);
    frame_free(virt_to_phys(t->slot));
    t->slot = NULL;
}

int handle_install(struct handle_table *t, struct kobj *obj, uint32_t rights)
{
    for (int h = 0; h < HANDLE_MAX; h++) {
        if (!t->slot[h].obj) {
            kobj_get(obj);
            t->slot[h].obj = obj;
            t->slot[h].rights = rights & CHIME_R_ALL;
            t->slot[h].reserved = 0;
            return h;
        }
    }
    return CHIME_ENOMEM;
}

struct kobj *handle_lookup(struct handle_table *t, int64_t h, uint32_t type, uint32_t need,
                           int *err)
{
    if (h < 0 || h >= HANDLE_MAX || !t->slot || !t->slot[h].obj ||
        (type && t->slot[h].obj->type != type)) {
        *err = CHIME_EBADH;
        return NULL;
    }
    if ((t->slot[h].rights & need) != need) {
        *err = CHIME_EPERM;
        return NULL;
    }
    return t->slot[h].obj;
}

uint32_t handle_rights(struct handle_table *t, int64_t h)
{
    return t->slot[h].rights;
}

int handle_close(struct handle_table *t, int64_t h)
{
    if (h < 0 || h >= HANDLE_MAX || !t->slot || !t->slot[h].obj)
        return CHIME_EBADH;
    struct kobj *o = t->slot[h].obj;
    bool weak = t->slot[h].reserved & HANDLE_WEAK;
    t->slot[h].obj = NULL;
    t->slot[h].rights = 0;
    t->slot[h].reserved = 0;
    if (!weak)
        kobj_put(o);
    return 0;
}
