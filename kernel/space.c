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
#include "sys_info.h"
#include "thread.h"
#include "uintr.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/layout.h>
#include <chime/syscall.h>

uint64_t kernel_root;
static uint64_t next_space_id = 1;

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
    sysinfo_space_add(s);
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
    space_karea_destroy(s);
    sysinfo_space_remove(s);
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
