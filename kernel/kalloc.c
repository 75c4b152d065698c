/* Size-class allocator over frames (see kalloc.h). */
#include "kalloc.h"
#include "frame.h"
#include "lib.h"
#include <platform/mmu.h>

#define NCLASSES 7 /* 32 .. 2048 */

/* Header at the start of every slab frame. */
struct slab {
    struct list link; /* in its class's list of frames with free blocks */
    void *free;       /* singly-linked free blocks */
    uint32_t inuse;
    uint32_t cls;
};

static struct list partial[NCLASSES];
static bool ready;

static unsigned size_class(size_t size)
{
    unsigned c = 0;
    while ((32u << c) < size)
        c++;
    return c;
}

static struct slab *slab_new(unsigned cls)
{
    uint64_t pa = frame_alloc();
    if (!pa)
        return NULL;
    struct slab *s = phys_to_virt(pa);
    size_t bsize = 32u << cls;
    list_init(&s->link);
    s->cls = cls;
    s->inuse = 0;
    s->free = NULL;
    /* Blocks start at the first multiple of the block size past the header. */
    for (size_t off = ALIGN_UP(sizeof(*s), bsize); off + bsize <= PAGE_SIZE; off += bsize) {
        void **blk = (void **)((char *)s + off);
        *blk = s->free;
        s->free = blk;
    }
    list_push_back(&partial[cls], &s->link);
    return s;
}

void *kalloc(size_t size)
{
    if (!ready) {
        for (int i = 0; i < NCLASSES; i++)
            list_init(&partial[i]);
        ready = true;
    }
    if (size == 0 || size > KALLOC_MAX)
        panic("kalloc: bad size %lu", (uint64_t)size);
    unsigned cls = size_class(size);
    struct slab *s;
    if (list_empty(&partial[cls])) {
        s = slab_new(cls);
        if (!s)
            return NULL;
    } else {
        s = container_of(partial[cls].next, struct slab, link);
    }
    void **blk = s->free;
    s->free = *blk;
    s->inuse++;
    if (!s->free)
        list_remove(&s->link);
    memset(blk, 0, 32u << cls);
    return blk;
}

void kfree(void *p)
{
    if (!p)
        return;
    struct slab *s = (struct slab *)ALIGN_DOWN((uint64_t)p, PAGE_SIZE);
    if (!s->free)
        list_push_back(&partial[s->cls], &s->link);
    *(void **)p = s->free;
    s->free = p;
    if (--s->inuse == 0) {
        list_remove(&s->link);
        frame_free(virt_to_phys(s));
    }
}
