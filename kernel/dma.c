/* DMA syscalls (see dma.h and include/chime/syscall.h). No device code:
 * the kernel only hands out memory and physical addresses. */
#include "dma.h"
#include "cpu.h"
#include "frame.h"
#include "ipc.h"
#include "space.h"
#include "thread.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/layout.h>
#include <chime/types.h>

/* Largest SYS_DMA_ALLOC and longest SYS_DMA_PHYS answer. */
#define DMA_ALLOC_MAX (1ull << 20)
#define DMA_PHYS_MAX  512u

void dma_give_root(struct space *s)
{
    handle_slot(&s->handles, 0)->rights |= CHIME_R_DMA;
}

/* The caller's own space, if h is a handle to it carrying CHIME_R_DMA. */
static struct space *dma_self(int64_t h, int *err)
{
    struct space *me = current_thread()->space;
    if (h == CHIME_SELF) { /* the pseudo-handle carries CHIME_R_ALL only */
        *err = CHIME_EPERM;
        return NULL;
    }
    struct kobj *o = handle_lookup(&me->handles, h, CHIME_OBJ_SPACE, CHIME_R_DMA, err);
    if (!o)
        return NULL;
    if (container_of(o, struct space, obj) != me) {
        *err = CHIME_EINVAL;
        return NULL;
    }
    return me;
}

/* (dma h, space h) -> handle in that space naming itself with CHIME_R_DMA. */
long sys_dma_grant(struct trapframe *tf)
{
    int err;
    struct space *me = current_thread()->space;
    if (!handle_lookup(&me->handles, (int64_t)tf->a0, CHIME_OBJ_SPACE, CHIME_R_DMA, &err))
        return err;
    struct space *s = space_from_handle((int64_t)tf->a1, CHIME_R_MANAGE, &err);
    if (!s)
        return err;
    if (s->state != S_ALIVE)
        return CHIME_ESRCH;
    /* Like slot 0, a process's handle to itself holds no reference. */
    int h = space_handle_install(s, &s->obj, CHIME_R_READ | CHIME_R_WRITE);
    if (h < 0)
        return h;
    handle_slot(&s->handles, h)->rights |= CHIME_R_DMA;
    return h;
}

/* (dma h, len) -> va; a1 = physical address of the first byte. */
long sys_dma_alloc(struct trapframe *tf)
{
    int err;
    struct space *s = dma_self((int64_t)tf->a0, &err);
    if (!s)
        return err;
    uint64_t len = tf->a1;
    if (len == 0 || len > DMA_ALLOC_MAX)
        return CHIME_EINVAL;
    len = ALIGN_UP(len, PAGE_SIZE);
    uint64_t va = space_karea_alloc(s, len);
    if (!va)
        return CHIME_ENOMEM;
    uint64_t pa = frame_alloc_contig(len / PAGE_SIZE);
    if (!pa)
        return CHIME_ENOMEM;
    int r = pt_map_range(s->root, va, len, pa, CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (r < 0) {
        frame_free_n(pa, len / PAGE_SIZE);
        return r;
    }
    /* The mapping owns the frames: they go back when the space ends. */
    for (uint64_t off = 0; off < len; off += PAGE_SIZE)
        *pt_walk(s->root, va + off, false) |= PTE_SW_OWNED;
    tf->a1 = pa;
    return (long)va;
}

/* (dma h, va, len, out, max) -> pages: out[i] = physical address of the
 * i-th page of [va, va+len) (page-aligned; the first byte is at out[0] +
 * va % page size). Only kernel-placed memory (connection buffers, lend
 * windows, DMA memory) answers: that is memory the kernel keeps in place.
 * Pages of a lend get pinned (ipc_lend_pin) until sys_dma_release. */
long sys_dma_phys(struct trapframe *tf)
{
    int err;
    struct space *s = dma_self((int64_t)tf->a0, &err);
    if (!s)
        return err;
    uint64_t va = tf->a1, len = tf->a2, out = tf->a3, max = tf->a4;
    if (len == 0 || va < CHIME_KAREA_BASE || va >= CHIME_INFO_VA || len > CHIME_INFO_VA - va)
        return CHIME_EFAULT;
    uint64_t first = ALIGN_DOWN(va, PAGE_SIZE);
    uint64_t pages = (ALIGN_UP(va + len, PAGE_SIZE) - first) / PAGE_SIZE;
    if (pages > max || pages > DMA_PHYS_MAX)
        return CHIME_ERANGE;
    if (!user_range_ok(out, pages * sizeof(uint64_t)))
        return CHIME_EFAULT;
    uint64_t buf[64];
    for (uint64_t done = 0; done < pages;) {
        uint64_t n = MIN(pages - done, ARRAY_SIZE(buf));
        for (uint64_t i = 0; i < n; i++) {
            uint64_t pa = pt_translate(s->root, first + (done + i) * PAGE_SIZE, 0);
            if (!pa)
                return CHIME_EFAULT;
            buf[i] = pa;
        }
        if (copy_to_user(out + done * sizeof(uint64_t), buf, n * sizeof(uint64_t)) < 0)
            return CHIME_EFAULT;
        done += n;
    }
    /* Only a call that succeeds pins (the caller then knows to release). */
    long pin = ipc_lend_pin(s, va, len);
    return pin < 0 ? pin : (long)pages;
}

/* (dma h, lend va, gen) -> 0: the pin SYS_DMA_PHYS took on the lend with
 * generation gen in the lend slot holding va goes; frames the client freed
 * meanwhile go back to the allocator now. */
long sys_dma_release(struct trapframe *tf)
{
    int err;
    struct space *s = dma_self((int64_t)tf->a0, &err);
    if (!s)
        return err;
    if (tf->a2 > UINT32_MAX)
        return CHIME_EINVAL;
    return ipc_lend_unpin(s, tf->a1, (uint32_t)tf->a2);
}
