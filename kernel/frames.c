/* Frames objects (see frames.h). */
#include "frames.h"
#include "frame.h"
#include "kalloc.h"
#include <platform/mmu.h>
#include <chime/syscall.h>

struct frames *frames_create(uint64_t base, uint64_t size, bool owned)
{
    struct frames *f = kalloc(sizeof(*f));
    if (!f)
        return NULL;
    kobj_init(&f->obj, CHIME_OBJ_FRAMES);
    f->base = base;
    f->size = size;
    f->owned = owned;
    return f;
}

void frames_destroy(struct frames *f)
{
    if (f->owned)
        frame_free_n(f->base, f->size / PAGE_SIZE);
    kfree(f);
}
