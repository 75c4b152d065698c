/* The space syscalls: making, mapping into, writing, granting to, waiting
 * for and ending address spaces (see space.h). */
#include "space.h"
#include "cpu.h"
#include "frame.h"
#include "frames.h"
#include "ipc.h"
#include "sched.h"
#include "thread.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/layout.h>
#include <chime/syscall.h>

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
    struct space *me = current_thread()->space;
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
    struct space *me = current_thread()->space;
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

long sys_space_grant(struct trapframe *tf)
{
    int err;
    struct space *s = space_from_handle((int64_t)tf->a0, CHIME_R_MANAGE, &err);
    if (!s)
        return err;
    struct space *me = current_thread()->space;
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
    struct thread *cur = current_thread();
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
    if (ceiling > current_thread()->space->prio_ceiling)
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
    space_exit(current_thread()->space, exit_status_from_user(tf->a0));
    return 0;
}
