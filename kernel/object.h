/* Kernel objects: everything a handle can name starts with struct kobj.
 * Each handle and each internal owner holds one reference; the last
 * kobj_put() destroys the object through its type (object.c). */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include <stdint.h>
#include <chime/types.h>

struct kobj {
    uint32_t type; /* enum chime_object_type */
    uint32_t refs;
};

static inline void kobj_init(struct kobj *o, uint32_t type)
{
    o->type = type;
    o->refs = 1;
}

static inline void kobj_get(struct kobj *o)
{
    o->refs++;
}

/* Called when the last reference goes (object.c, or a host test's stub). */
void kobj_release(struct kobj *o);

static inline void kobj_put(struct kobj *o)
{
    if (--o->refs == 0)
        kobj_release(o);
}

#endif
