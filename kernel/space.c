/* Address spaces and processes (see space.h): ASIDs, switching, TLB
 * shootdown, user-memory access, exit, and the space syscalls. */
#include "space.h"
#include "cpu.h"
#include "frame.h"
#include "frames.h"
#include "info.h"
#include "ipc.h"
#include "irq.h"
#include "kalloc.h"
#include "pipe.h"
#include "platform.h"
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

/* ---- ASIDs ------------------------------------------------------------------
 * Handed out in increasing order; a freed ASID is reused only after the
 * counter wraps, and every wrap flushes every hart's TLB first, so no hart
 * can hold a stale translation for a reused ASID. */
static uint64_t asid_used[(ASID_MAX + 1) / 64];
static uint32_t asid_next = 1;

static void tlb_flush_all_harts(void);
static void karea_holes_free(struct space *s);

static int asid_alloc(void)
{
    for (int pass = 0; pass < 2; pass++) {
        for (; asid_next <= ASID_MAX; asid_next++) {
            if (!(asid_used[asid_next / 64] >> (asid_next % 64) & 1)) {
                asid_used[asid_next / 64] |= 1ull << (asid_next % 64);
                return (int)asid_next++;
            }
        }
        tlb_flush_all_harts();
        asid_next = 1;
    }
    return -1;
}

static void asid_free(uint16_t asid)
{
    asid_used[asid / 64] &= ~(1ull << (asid % 64));
}

/* ---- TLB shootdown ----------------------------------------------------------- */

void tlb_poll(struct cpu *c)
{
    if (__atomic_load_n(&c->tlb_flush_req, __ATOMIC_ACQUIRE)) {
        sfence_vma_all();
        __atomic_store_n(&c->tlb_flush_req, 0, __ATOMIC_RELEASE);
    }
}

/* Ask the harts in mask (not this one) to flush, and wait until they have.
 * They answer from their trap prologue or their lock spin (lock.c). */
static void tlb_shootdown(uint32_t mask)
{
    struct cpu *me = this_cpu();
    mask &= ~(1u << me->hartid);
    for (uint32_t h = 0; h < MAX_HARTS; h++) {
        if (mask >> h & 1) {
            __atomic_store_n(&cpus[h].tlb_flush_req, 1, __ATOMIC_RELEASE);
            platform_ipi_send(h);
        }
    }
    for (uint32_t h = 0; h < MAX_HARTS; h++)
        while ((mask >> h & 1) && __atomic_load_n(&cpus[h].tlb_flush_req, __ATOMIC_ACQUIRE))
            ;
}

static void tlb_flush_all_harts(void)
{
    sfence_vma_all();
    tlb_shootdown(sched_online_mask());
}

/* The harts whose satp holds s: those whose cpu->space is s. Every switch
 * stores cpu->space under the big lock, which the caller holds, so the
 * switch paths keep no per-space mask (the fastpath saves the stores). */
static uint32_t space_active_harts(const struct space *s)
{
    uint32_t mask = 0;

    for (uint32_t h = 0; h < MAX_HARTS; h++)
        if (cpus[h].space == s)
            mask |= 1u << h;
    return mask;
}

void space_tlb_flush(struct space *s)
{
    struct cpu *me = this_cpu();
    uint32_t active = space_active_harts(s);

    sfence_vma_asid(s->asid);
    tlb_shootdown(active);
    /* Harts that ran s before may still cache its ASID: flush at next load. */
    s->stale_harts = sched_online_mask() & ~active & ~(1u << me->hartid);
}

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
    karea_holes_free(s);
    sysinfo_space_remove(s);
    kfree(s);
}

struct space *space_from_handle(int64_t h, uint32_t need, int *err)
{
    struct space *me = this_cpu()->current->space;
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

/* ---- syscalls ------------------------------------------------------------------- */

/* A user range for mapping: page-aligned, non-empty, below the kernel
 * area, and no longer than one call may cover (CHIME_MAP_RANGE_MAX). */
static bool map_range_ok(uint64_t va, uint64_t len)
{
    return (va | len) % PAGE_SIZE == 0 && len && len <= CHIME_MAP_RANGE_MAX &&
           va >= CHIME_USER_BASE && va < CHIME_KAREA_BASE && len <= CHIME_KAREA_BASE - va;
}

static bool prot_ok(uint64_t prot)
{
    return prot && !(prot & ~(uint64_t)(CHIME_PROT_READ | CHIME_PROT_WRITE | CHIME_PROT_EXEC));
}

long sys_space_create(struct trapframe *tf)
{
    char name[32];
    uint64_t len = MIN(tf->a1, sizeof(name) - 1);
    if (copy_from_user(name, tf->a0, tf->a1 ? len : 1) < 0)
        return CHIME_EFAULT;
    struct space *s = space_create(name, tf->a1 ? len : 0);
    if (!s)
        return CHIME_ENOMEM;
    struct space *me = this_cpu()->current->space;
    s->prio_ceiling = MIN(me->prio_ceiling, CHIME_PRIO_DEFAULT);
    int h = handle_install(&me->handles, &s->obj, CHIME_R_ALL);
    kobj_put(&s->obj); /* the handle holds it now (or it goes, if the table was full) */
    return h;
}

/* The live space a mapping syscall names in a0, checked with the range
 * [va, va+len) and, unless prot is NO_PROT, the protection. NULL with *err
 * set when anything is wrong. */
#define NO_PROT (~0ull)
static struct space *map_target(const struct trapframe *tf, uint64_t va, uint64_t len,
                                uint64_t prot, int *err)
{
    struct space *s = space_from_handle((int64_t)tf->a0, CHIME_R_MANAGE, err);
    if (!s)
        return NULL;
    if (!map_range_ok(va, len) || (prot != NO_PROT && !prot_ok(prot))) {
        *err = CHIME_EINVAL;
        return NULL;
    }
    if (s->state != S_ALIVE) {
        *err = CHIME_ESRCH;
        return NULL;
    }
    return s;
}

/* At most CHIME_MAP_ANON_MAX bytes of frames to zero per call, and a map
 * of more pages than are free is refused before any work. */
long sys_space_map_anon(struct trapframe *tf)
{
    int err;
    struct space *s = map_target(tf, tf->a1, tf->a2, tf->a3, &err);
    if (!s)
        return err;
    if (tf->a2 > CHIME_MAP_ANON_MAX)
        return CHIME_EINVAL;
    if (tf->a2 / PAGE_SIZE > kernel_frames.nfree)
        return CHIME_ENOMEM;
    return pt_map_range(s->root, tf->a1, tf->a2, 0, (uint32_t)tf->a3);
}

/* The CHIME_PROT_* bits the frames rights allow. */
static uint32_t rights_to_prot(uint32_t rights)
{
    return ((rights & CHIME_R_READ) ? CHIME_PROT_READ : 0) |
           ((rights & CHIME_R_WRITE) ? CHIME_PROT_WRITE : 0) |
           ((rights & CHIME_R_EXEC) ? CHIME_PROT_EXEC : 0);
}

long sys_space_map_frames(struct trapframe *tf)
{
    int err;
    uint64_t off = tf->a2, va = tf->a3, len = tf->a4, prot = tf->a5;
    struct space *s = map_target(tf, va, len, prot, &err);
    if (!s)
        return err;
    if (off % PAGE_SIZE)
        return CHIME_EINVAL;
    uint32_t need = ((prot & CHIME_PROT_READ) ? CHIME_R_READ : 0) |
                    ((prot & CHIME_PROT_WRITE) ? CHIME_R_WRITE : 0) |
                    ((prot & CHIME_PROT_EXEC) ? CHIME_R_EXEC : 0);
    struct space *me = this_cpu()->current->space;
    struct kobj *o = handle_lookup(&me->handles, (int64_t)tf->a1, CHIME_OBJ_FRAMES, need, &err);
    if (!o)
        return err;
    struct frames *f = container_of(o, struct frames, obj);
    if (off > f->size || len > f->size - off)
        return CHIME_ERANGE;
    /* The handle's rights stay with the mapping: PROTECT never exceeds them. */
    uint32_t max = rights_to_prot(handle_rights(&me->handles, (int64_t)tf->a1));
    return pt_map_frames(s->root, va, len, f->base + off, (uint32_t)prot, max);
}

long sys_space_unmap(struct trapframe *tf)
{
    int err;
    struct space *s = map_target(tf, tf->a1, tf->a2, NO_PROT, &err);
    if (!s)
        return err;
    ipc_revoke_range(s, tf->a1, tf->a2); /* no server keeps a frame that goes */
    pt_unmap_range(s->root, tf->a1, tf->a2);
    space_tlb_flush(s);
    return 0;
}

long sys_space_protect(struct trapframe *tf)
{
    int err;
    struct space *s = map_target(tf, tf->a1, tf->a2, tf->a3, &err);
    if (!s)
        return err;
    ipc_revoke_range(s, tf->a1, tf->a2); /* a lend keeps no rights the client dropped */
    int r = pt_protect_range(s->root, tf->a1, tf->a2, (uint32_t)tf->a3);
    if (r == 0)
        space_tlb_flush(s);
    return r;
}

long sys_space_write(struct trapframe *tf)
{
    int err;
    struct space *s = space_from_handle((int64_t)tf->a0, CHIME_R_WRITE, &err);
    if (!s)
        return err;
    uint64_t dst = tf->a1, src = tf->a2, len = tf->a3;
    if (!user_range_ok(src, len))
        return CHIME_EFAULT;
    if (!user_range_ok(dst, len) || dst + len > CHIME_KAREA_BASE)
        return CHIME_EFAULT;
    if (s->state != S_ALIVE)
        return CHIME_ESRCH;
    /* The target's protection holds: only writable pages take bytes, and a
     * range with any other page changes nothing. */
    for (uint64_t va = ALIGN_DOWN(dst, PAGE_SIZE); len && va < dst + len; va += PAGE_SIZE) {
        if (!pt_translate(s->root, va, 0))
            return CHIME_EFAULT;
        if (!pt_translate(s->root, va, PTE_W))
            return CHIME_EPERM;
    }
    while (len) {
        uint64_t chunk = MIN(len, PAGE_SIZE - (dst & (PAGE_SIZE - 1)));
        uint64_t pa = pt_translate(s->root, dst, PTE_W);
        if (copy_from_user(phys_to_virt(pa), src, chunk) < 0)
            return CHIME_EFAULT;
        dst += chunk;
        src += chunk;
        len -= chunk;
    }
    return 0;
}

/* A space no thread has run in yet: alive with no thread (the last
 * thread's end ends a process, so it cannot be one that ran). */
static bool space_unstarted(const struct space *s)
{
    return s->state == S_ALIVE && s->nthreads == 0;
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

long sys_space_grant(struct trapframe *tf)
{
    int err;
    struct space *s = space_from_handle((int64_t)tf->a0, CHIME_R_MANAGE, &err);
    if (!s)
        return err;
    struct space *me = this_cpu()->current->space;
    int64_t h = (int64_t)tf->a1;
    struct kobj *o =
        h == CHIME_SELF ? &me->obj : handle_lookup(&me->handles, h, 0, CHIME_R_GRANT, &err);
    if (!o)
        return err;
    uint32_t rights = h == CHIME_SELF ? CHIME_R_ALL : handle_rights(&me->handles, h);
    if (s->state != S_ALIVE)
        return CHIME_ESRCH;
    /* Two spaces that have not started could hold each other with nothing
     * else holding either: a cycle that nothing could ever end. */
    if (o != &s->obj && o->type == CHIME_OBJ_SPACE && space_unstarted(s) &&
        space_unstarted(container_of(o, struct space, obj)))
        return CHIME_EPERM;
    return space_handle_install(s, o, rights & (uint32_t)tf->a2);
}

long sys_space_wait(struct trapframe *tf)
{
    int err;
    struct space *s = space_from_handle((int64_t)tf->a0, CHIME_R_WAIT, &err);
    if (!s)
        return err;
    struct thread *cur = this_cpu()->current;
    if (s == cur->space)
        return CHIME_EINVAL;
    if (s->state == S_DEAD)
        return s->exit_status;
    uint64_t timeout = tf->a1;
    if (timeout == 0)
        return CHIME_ETIMEDOUT;
    sched_block(cur, B_SPACE_WAIT, sched_deadline(timeout));
    list_push_back(&s->waiters, &cur->link);
    sched_return();
}

/* An exit status from user space: its low 8 bits, as a shell sees it, so
 * a waiter never reads one as a (negative) error code. */
static int exit_status_from_user(uint64_t status)
{
    return (int)(status & CHIME_STATUS_MASK);
}

long sys_space_kill(struct trapframe *tf)
{
    int err;
    struct space *s = space_from_handle((int64_t)tf->a0, CHIME_R_MANAGE, &err);
    if (!s)
        return err;
    space_exit(s, exit_status_from_user(tf->a1));
    return 0;
}

long sys_space_prio_ceiling(struct trapframe *tf)
{
    int err;
    struct space *s = space_from_handle((int64_t)tf->a0, CHIME_R_MANAGE, &err);
    if (!s)
        return err;
    uint64_t ceiling = tf->a1;
    if (ceiling > CHIME_PRIO_MAX)
        return CHIME_EINVAL;
    if (ceiling > this_cpu()->current->space->prio_ceiling)
        return CHIME_EPERM; /* no one hands out more than it has */
    if (s->state != S_ALIVE)
        return CHIME_ESRCH;
    s->prio_ceiling = (uint8_t)ceiling;
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &s->threads)
    {
        struct thread *t = container_of(pos, struct thread, space_link);
        if (t->prio > ceiling)
            thread_set_priority(t, (uint8_t)ceiling);
    }
    return 0;
}

long sys_exit(struct trapframe *tf)
{
    space_exit(this_cpu()->current->space, exit_status_from_user(tf->a0));
    return 0;
}

/* ---- frames objects ------------------------------------------------------------- */

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
