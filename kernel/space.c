/* Address spaces and processes (see space.h): switching, creation and
 * exit, the kernel-placed area, and user-memory access. ASIDs and TLB
 * shootdown are in tlb.c; the space syscalls in sys_space.c. */
#include "space.h"
#include "tlb.h"
#include "cpu.h"
#include "frame.h"
#include "frames.h"
#include "info.h"
#include "ipc.h"
#include "irq.h"
#include "kalloc.h"
#include "pipe.h"
#include <platform/platform.h>
#include "sched.h"
#include "thread.h"
#include "uintr.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/layout.h>
#include <chime/syscall.h>

uint64_t kernel_root;
static uint64_t next_space_id = 1;

static void karea_holes_free(struct space *s);

void space_switch(struct cpu *c, struct space *s)
{
    uint32_t bit = 1u << c->hartid;
    struct space *old = c->space;
    c->space = s;
    if (s) {
        platform_set_satp(s->satp);
        if (s->stale_harts & bit) {
            s->stale_harts &= ~bit;
            sfence_vma_asid(s->asid);
        }
    } else {
        platform_set_satp(satp_make(kernel_root, 0));
    }
    if (old && old != s) {
        if (old->state == S_EXITING)
            space_maybe_finish(old);
        if (old->destroy_deferred && !space_active_harts(old))
            space_destroy(old);
    }
}

/* ---- creation and exit --------------------------------------------------------- */

struct space *space_create(const char *name, size_t len)
{
    struct space *s = kalloc(sizeof(*s));
    if (!s)
        return NULL;
    kobj_init(&s->obj, CHIME_OBJ_SPACE);
    int asid = asid_alloc();
    s->root = asid > 0 ? pt_create(kernel_root) : 0;
    if (!s->root || handle_table_init(&s->handles) < 0 ||
        pt_map_range(s->root, CHIME_INFO_VA, PAGE_SIZE, info_page_pa, CHIME_PROT_READ) < 0) {
        if (s->root)
            pt_destroy(s->root);
        if (s->handles.npages)
            handle_table_destroy(&s->handles);
        if (asid > 0)
            asid_free((uint16_t)asid);
        kfree(s);
        return NULL;
    }
    s->asid = (uint16_t)asid;
    s->satp = satp_make(s->root, s->asid);
    s->id = next_space_id++;
    len = MIN(len, sizeof(s->name) - 1);
    memcpy(s->name, name, len);
    s->name[len] = 0;
    list_init(&s->threads);
    list_init(&s->waiters);
    list_init(&s->conns);
    list_init(&s->karea_holes);
    s->karea_next = CHIME_KAREA_BASE;
    s->prio_ceiling = CHIME_PRIO_DEFAULT;
    /* Slot 0 names the space itself and, like every handle a space holds
     * to itself, holds no reference: a process cannot keep itself alive. */
    space_handle_install(s, &s->obj, CHIME_R_ALL);
    return s;
}

void space_exit(struct space *s, int status)
{
    if (s->state != S_ALIVE)
        return;
    kobj_get(&s->obj); /* stay alive through the teardown below */
    s->state = S_EXITING;
    s->exit_status = status;
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &s->threads)
    {
        thread_kill(container_of(pos, struct thread, space_link));
    }
    ipc_space_exit(s);
    handle_table_destroy(&s->handles); /* disconnects its connection ends */
    pipe_space_exit(s);                /* after its pipe ends are closed */
    uintr_space_exit(s);
    irq_space_exit(s);
    space_maybe_finish(s);
    kobj_put(&s->obj);
}

void space_maybe_finish(struct space *s)
{
    if (s->state != S_EXITING || s->nthreads || space_active_harts(s))
        return;
    pt_destroy(s->root);
    s->root = 0;
    asid_free(s->asid);
    s->state = S_DEAD;
    while (!list_empty(&s->waiters)) {
        struct thread *w = container_of(s->waiters.next, struct thread, link);
        sched_wake(w, s->exit_status);
    }
}

void space_destroy(struct space *s)
{
    /* A hart may still run on s's page table (a thread just ended there):
     * that hart finishes the job when it loads another space. */
    if (space_active_harts(s)) {
        s->destroy_deferred = true;
        return;
    }
    if (s->state == S_ALIVE) {
        /* Never started, and the last handle is gone: nothing can run it. */
        kobj_get(&s->obj);
        space_exit(s, CHIME_STATUS_KILLED);
        s->obj.refs--;
    }
    while (!list_empty(&s->waiters))
        sched_wake(container_of(s->waiters.next, struct thread, link), CHIME_EBADH);
    karea_holes_free(s);
    kfree(s);
}

struct space *space_from_handle(int64_t h, uint32_t need, int *err)
{
    struct space *me = current_thread()->space;
    if (h == CHIME_SELF)
        return me;
    struct kobj *o = handle_lookup(&me->handles, h, CHIME_OBJ_SPACE, need, err);
    return o ? container_of(o, struct space, obj) : NULL;
}

/* ---- kernel-placed mappings ----------------------------------------------------
 * [CHIME_KAREA_BASE, karea_next) has been handed out; the holes list (sorted
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

static void karea_holes_free(struct space *s)
{
    while (!list_empty(&s->karea_holes)) {
        struct karea_hole *h = hole_of(s->karea_holes.next);
        list_remove(&h->link);
        kfree(h);
    }
}

int space_map_frame(struct space *s, uint64_t va, uint64_t pa, uint32_t prot)
{
    return pt_map_range(s->root, va, PAGE_SIZE, pa, prot);
}

/* ---- user memory ---------------------------------------------------------------- */

bool user_range_ok(uint64_t va, uint64_t len)
{
    return va != 0 && va < CHIME_USER_TOP && len <= CHIME_USER_TOP - va;
}

long copy_from_user(void *dst, uint64_t usrc, size_t len)
{
    if (!user_range_ok(usrc, len))
        return CHIME_EFAULT;
    return uaccess_copy(dst, (const void *)usrc, len);
}

long copy_to_user(uint64_t udst, const void *src, size_t len)
{
    if (!user_range_ok(udst, len))
        return CHIME_EFAULT;
    return uaccess_copy((void *)udst, src, len);
}

int space_handle_install(struct space *holder, struct kobj *o, uint32_t rights)
{
    int h = handle_install(&holder->handles, o, rights);
    if (h >= 0 && o == &holder->obj) {
        /* Someone else names holder (the caller's handle, or holder is the
         * caller), so refs stays above zero. */
        handle_slot(&holder->handles, h)->reserved = HANDLE_WEAK;
        holder->obj.refs--;
    }
    return h;
}
