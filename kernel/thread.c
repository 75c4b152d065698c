/* Threads: creation, ending, and the thread syscalls. */
#include "thread.h"
#include "cpu.h"
#include "kalloc.h"
#include <platform/platform.h>
#include "sched.h"
#include "space.h"
#include "uintr.h"
#include <chime/errno.h>
#include <chime/syscall.h>

static uint64_t next_thread_id = 1;

struct thread *thread_create(struct space *s, uint64_t pc, uint64_t sp, uint64_t arg, uint64_t tp,
                             uint32_t affinity)
{
    struct thread *t = kalloc(sizeof(*t));
    if (!t)
        return NULL;
    kobj_init(&t->obj, CHIME_OBJ_THREAD); /* this reference: "alive", dropped at finish */
    t->id = next_thread_id++;
    t->space = s;
    kobj_get(&s->obj);
    t->tf.pc = pc;
    t->tf.sp = sp;
    t->tf.a0 = arg;
    t->tf.tp = tp;
    t->prio = MIN(CHIME_PRIO_DEFAULT, s->prio_ceiling);
    t->affinity = affinity ? affinity : THREAD_ANY_HART;
    t->hart = -1;
    list_init(&t->link);
    list_init(&t->timeout_link);
    list_push_back(&s->threads, &t->space_link);
    s->nthreads++;
    sched_make_ready(t);
    return t;
}

void thread_kill(struct thread *t)
{
    if (t->state == T_DEAD)
        return;
    if (t->state == T_RUNNING) {
        t->dying = true;
        sched_kick((uint32_t)t->hart);
        return;
    }
    sched_unlink(t);
    thread_finish(t);
}

void thread_finish(struct thread *t)
{
    struct space *s = t->space;
    t->state = T_DEAD;
    uintr_thread_exit(t);
    list_remove(&t->space_link);
    s->nthreads--;
    if (s->nthreads == 0 && s->state == S_ALIVE)
        space_exit(s, 0);
    else
        space_maybe_finish(s);
    kobj_put(&t->obj);
}

void thread_destroy(struct thread *t)
{
    kobj_put(&t->space->obj);
    kfree(t);
}

/* The thread named by h (CHIME_SELF: the caller), or NULL with *err. */
static struct thread *thread_from_handle(int64_t h, uint32_t need, int *err)
{
    struct thread *cur = current_thread();
    if (h == CHIME_SELF)
        return cur;
    struct kobj *o = handle_lookup(&cur->space->handles, h, CHIME_OBJ_THREAD, need, err);
    return o ? container_of(o, struct thread, obj) : NULL;
}

long sys_thread_create(struct trapframe *tf)
{
    int err;
    struct space *s = space_from_handle((int64_t)tf->a0, CHIME_R_MANAGE, &err);
    if (!s)
        return err;
    if (s->state != S_ALIVE)
        return CHIME_ESRCH;
    uint32_t affinity = (uint32_t)tf->a5;
    if (affinity && !(affinity & sched_online_mask()))
        return CHIME_EINVAL;
    struct thread *t = thread_create(s, tf->a1, tf->a2, tf->a3, tf->a4, affinity);
    if (!t)
        return CHIME_ENOMEM;
    struct space *me = current_thread()->space;
    int h = handle_install(&me->handles, &t->obj, CHIME_R_ALL);
    if (h < 0)
        thread_kill(t);
    return h;
}

long sys_thread_exit(struct trapframe *tf)
{
    thread_kill(current_thread());
    return 0;
}

long sys_yield(struct trapframe *tf)
{
    struct thread *cur = current_thread();
    cur->state = T_READY;
    sched_make_ready(cur);
    return 0;
}

long sys_sleep(struct trapframe *tf)
{
    struct thread *cur = current_thread();
    uint64_t ns = tf->a0;
    if (ns == 0)
        return 0;
    sched_block(cur, B_SLEEP, sched_deadline(ns)); /* forever: no deadline at all */
    cur->tf.a0 = 0;
    sched_return();
}

void thread_set_priority(struct thread *t, uint8_t prio)
{
    if (t->state == T_READY) {
        sched_unlink(t);
        t->prio = prio;
        sched_make_ready(t);
    } else {
        t->prio = prio;
        if (t->state == T_RUNNING)
            sched_kick((uint32_t)t->hart);
    }
}

long sys_thread_priority(struct trapframe *tf)
{
    int err;
    struct thread *t = thread_from_handle((int64_t)tf->a0, CHIME_R_MANAGE, &err);
    if (!t)
        return err;
    if (tf->a1 > CHIME_PRIO_MAX)
        return CHIME_EINVAL;
    if (t->state == T_DEAD)
        return CHIME_ESRCH;
    if (tf->a1 > t->space->prio_ceiling)
        return CHIME_EPERM;
    thread_set_priority(t, (uint8_t)tf->a1);
    return 0;
}

long sys_thread_affinity(struct trapframe *tf)
{
    int err;
    struct thread *t = thread_from_handle((int64_t)tf->a0, CHIME_R_MANAGE, &err);
    if (!t)
        return err;
    uint32_t mask = (uint32_t)tf->a1;
    if (mask && !(mask & sched_online_mask()))
        return CHIME_EINVAL;
    if (t->state == T_DEAD)
        return CHIME_ESRCH;
    t->affinity = mask ? mask : THREAD_ANY_HART;
    if (t->state == T_READY) {
        sched_unlink(t);
        sched_make_ready(t);
    } else if (t->state == T_RUNNING && mask && !(mask >> t->hart & 1)) {
        /* Migrate: its hart puts it back through sched_make_ready. */
        sched_kick((uint32_t)t->hart);
    }
    return 0;
}

long sys_thread_id(struct trapframe *tf)
{
    int err;
    struct thread *t = thread_from_handle((int64_t)tf->a0, 0, &err);
    return t ? (long)t->id : err;
}

long sys_thread_stats(struct trapframe *tf)
{
    int err;
    struct thread *t = thread_from_handle((int64_t)tf->a0, 0, &err);
    return t ? (long)t->dispatches : err;
}
