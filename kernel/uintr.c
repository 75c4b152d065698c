/* User-mode interrupts (see uintr.h and docs/uintr.md). */
#include "uintr.h"
#include "cpu.h"
#include "frame.h"
#include "kalloc.h"
#include "lock.h"
#include <platform/platform.h>
#include "sched.h"
#include "space.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/syscall.h>

/* ---- receivers ------------------------------------------------------------------ */

struct receiver *uintr_receiver_get(struct thread *t)
{
    if (likely(t->recv != NULL))
        return t->recv;
    if (sizeof(struct receiver) > KALLOC_MAX)
        panic("uintr: receiver too large");
    struct receiver *r = kalloc(sizeof(*r));
    if (!r)
        return NULL;
    r->state_pa = frame_alloc();
    r->state_va = r->state_pa ? space_karea_alloc(t->space, PAGE_SIZE) : 0;
    if (!r->state_va || space_map_frame(t->space, r->state_va, r->state_pa,
                                        CHIME_PROT_READ | CHIME_PROT_WRITE) < 0) {
        if (r->state_pa)
            frame_free(r->state_pa);
        kfree(r);
        return NULL;
    }
    r->state = phys_to_virt(r->state_pa);
    r->state->enabled = 1;
    t->recv = r;
    t->ustate = r->state;
    return r;
}

struct vector *uintr_vector_get(struct thread *t, unsigned v)
{
    struct receiver *r = uintr_receiver_get(t);
    if (!r)
        return NULL;
    if (r->vec[v])
        return r->vec[v];
    struct vector *vec = kalloc(sizeof(*vec));
    if (!vec)
        return NULL;
    kobj_init(&vec->obj, CHIME_OBJ_VECTOR); /* this reference: the receiver's */
    vec->recv = t;
    vec->bit = 1ull << v;
    r->vec[v] = vec;
    return vec;
}

void vector_destroy(struct vector *v)
{
    kfree(v);
}

void uintr_thread_exit(struct thread *t)
{
    struct receiver *r = t->recv;
    if (!r)
        return;
    t->recv = NULL;
    t->ustate = NULL;
    for (int v = 0; v < CHIME_UINTR_VECTORS; v++) {
        if (r->vec[v]) {
            r->vec[v]->recv = NULL;
            kobj_put(&r->vec[v]->obj);
        }
    }
    if (t->space->root) {
        pt_unmap_range(t->space->root, r->state_va, PAGE_SIZE);
        space_tlb_flush(t->space);
        space_karea_free(t->space, r->state_va, PAGE_SIZE);
    }
    frame_free(r->state_pa);
    kfree(r);
}

/* ---- senders --------------------------------------------------------------------
 * A table is SENDER_FRAMES contiguous frames, made at the first sender: the
 * fastpath checks an index against the constant CHIME_UINTR_MAX_SENDERS and
 * needs no size loaded from memory. */
#define SENDER_FRAMES (sizeof(struct sender_table) / PAGE_SIZE)
_Static_assert(sizeof(struct sender_table) % PAGE_SIZE == 0, "a sender table is whole frames");

int uintr_sender_add(struct space *s, struct vector *v)
{
    if (!s->senders) {
        uint64_t pa = frame_alloc_contig(SENDER_FRAMES);
        if (!pa)
            return CHIME_ENOMEM;
        s->senders = phys_to_virt(pa);
    }
    for (int i = 0; i < CHIME_UINTR_MAX_SENDERS; i++) {
        if (!s->senders->entry[i]) {
            kobj_get(&v->obj);
            s->senders->entry[i] = v;
            s->senders->sent[i] = 0;
            return i;
        }
    }
    return CHIME_ENOMEM;
}

void uintr_sender_remove(struct space *s, int index)
{
    struct vector *v = s->senders->entry[index];
    s->senders->entry[index] = NULL;
    kobj_put(&v->obj);
}

void uintr_space_exit(struct space *s)
{
    if (!s->senders)
        return;
    for (int i = 0; i < CHIME_UINTR_MAX_SENDERS; i++)
        if (s->senders->entry[i])
            uintr_sender_remove(s, i);
    frame_free_n(virt_to_phys(s->senders), SENDER_FRAMES);
    s->senders = NULL;
}

/* The vector behind sender index i of s, or NULL. */
static inline struct vector *sender_lookup(struct space *s, uint64_t i)
{
    if (unlikely(i >= CHIME_UINTR_MAX_SENDERS || !s->senders))
        return NULL;
    return s->senders->entry[i];
}

/* ---- posting and delivery --------------------------------------------------------- */

static inline uint64_t pending_take(struct receiver *r)
{
    return __atomic_exchange_n(&r->state->pending, 0, __ATOMIC_ACQ_REL);
}

void uintr_post(struct thread *t, uint64_t bits)
{
    if (t->state == T_BLOCKED && t->block == B_UINTR) {
        uintr_release_waiter(t, bits);
        sched_unlink(t);
        sched_make_ready(t);
        return;
    }
    __atomic_fetch_or(&t->recv->state->pending, bits, __ATOMIC_RELEASE);
    if (t->state == T_RUNNING && (uint32_t)t->hart != this_cpu()->hartid)
        platform_ipi_send((uint32_t)t->hart);
}

void uintr_wait_done(struct thread *t)
{
    if (t->recv)
        t->recv->state->blocked = 0;
}

/* Enter the handler if the receiver can take an interrupt now (rule 2). */
void uintr_deliver_check(struct thread *t)
{
    struct receiver *r = t->recv;
    struct uintr_state *st = r->state;
    if (likely(!st->pending || !st->enabled || !r->entry || r->in_handler))
        return;
    r->saved = t->tf;
    r->in_handler = true;
    st->enabled = 0;
    st->delivered++;
    t->tf.a0 = pending_take(r);
    t->tf.pc = r->entry;
    t->tf.sp = ALIGN_DOWN(t->tf.sp, 16) - CHIME_UINTR_STACK_GAP;
    t->tf.ra = 0;
}

/* Block the current thread in a uintr wait with a timeout in ns. */
static noreturn void wait_block(struct thread *cur, uint64_t timeout)
{
    cur->tf.a1 = 0;
    uintr_wait_begin(cur, cur->recv->state);
    sched_timeout_arm(cur, sched_deadline(timeout));
    sched_return();
}

/* ---- syscalls ----------------------------------------------------------------------- */

long sys_uintr_register_handler(struct trapframe *tf)
{
    struct thread *cur = current_thread();
    uint64_t entry = tf->a0;
    if (entry && !user_range_ok(entry, 4))
        return CHIME_EFAULT;
    struct receiver *r = uintr_receiver_get(cur);
    if (!r)
        return CHIME_ENOMEM;
    r->entry = entry;
    r->state->entry = entry;
    return (long)r->state_va;
}

long sys_uintr_unregister_handler(struct trapframe *tf)
{
    struct thread *cur = current_thread();
    if (!cur->recv)
        return CHIME_EINVAL;
    cur->recv->entry = 0;
    cur->recv->state->entry = 0;
    return 0;
}

long sys_uintr_vector_create(struct trapframe *tf)
{
    struct thread *cur = current_thread();
    if (tf->a0 >= CHIME_UINTR_VECTORS)
        return CHIME_EINVAL;
    if (cur->recv && cur->recv->vec[tf->a0])
        return CHIME_EEXIST;
    struct vector *v = uintr_vector_get(cur, (unsigned)tf->a0);
    if (!v)
        return CHIME_ENOMEM;
    return handle_install(&cur->space->handles, &v->obj,
                          CHIME_R_READ | CHIME_R_WRITE | CHIME_R_GRANT);
}

long sys_uintr_register_sender(struct trapframe *tf)
{
    struct space *s = current_thread()->space;
    int err;
    struct kobj *o =
        handle_lookup(&s->handles, (int64_t)tf->a0, CHIME_OBJ_VECTOR, CHIME_R_WRITE, &err);
    if (!o)
        return err;
    struct vector *v = container_of(o, struct vector, obj);
    if (!v->recv)
        return CHIME_EPIPE;
    return uintr_sender_add(s, v);
}

long sys_uintr_unregister_sender(struct trapframe *tf)
{
    struct space *s = current_thread()->space;
    if (!sender_lookup(s, tf->a0))
        return CHIME_EINVAL;
    uintr_sender_remove(s, (int)tf->a0);
    return 0;
}

/* The vector behind sender index i of s, if its receiver still lives: 0,
 * CHIME_EINVAL for an index not registered, CHIME_EPIPE when the receiver
 * has ended. */
static inline long sender_target(struct space *s, uint64_t i, struct vector **vp)
{
    struct vector *v = sender_lookup(s, i);
    if (unlikely(!v))
        return CHIME_EINVAL;
    if (unlikely(!v->recv))
        return CHIME_EPIPE;
    *vp = v;
    return 0;
}

long sys_uipi_send(struct trapframe *tf)
{
    struct cpu *c = this_cpu();
    struct thread *cur = c->current;
    struct vector *v;
    long err = sender_target(cur->space, tf->a0, &v);
    if (err)
        return err;
    cur->space->senders->sent[tf->a0]++;
    struct thread *r = v->recv;
    /* A blocked receiver of higher priority that may run here: hand over
     * the hart at once, the sender resumes first at its priority. */
    if (r->state == T_BLOCKED && r->block == B_UINTR && r->prio > cur->prio &&
        (r->affinity >> c->hartid & 1)) {
        uintr_release_waiter(r, v->bit);
        cur->tf.a0 = 0;
        sched_requeue_front(c, cur);
        sched_switch_direct(c, r, c->space, r->space, SPACE_SWITCH);
        /* Its pending bits are all in a1: nothing to deliver, and its timer
         * is the time slice cur leaves. */
        kernel_unlock();
        trap_return(&r->tf);
    }
    uintr_post(r, v->bit);
    return 0;
}

long sys_uintr_wait(struct trapframe *tf)
{
    struct thread *cur = current_thread();
    struct receiver *r = uintr_receiver_get(cur);
    if (!r)
        return CHIME_ENOMEM;
    tf->a1 = pending_take(r);
    if (tf->a1)
        return 0;
    if (tf->a0 == 0)
        return CHIME_ETIMEDOUT;
    wait_block(cur, tf->a0);
}

/* Send, then wait, in one kernel entry: the general path. The common case,
 * a receiver blocked in a uintr wait that may run here now, never gets here:
 * kernel/fastpath.c switches to it directly. */
long sys_uintr_send_wait(struct trapframe *tf)
{
    struct thread *cur = current_thread();
    struct vector *v;
    long err = sender_target(cur->space, tf->a0, &v);
    if (err)
        return err;
    cur->space->senders->sent[tf->a0]++;
    uintr_post(v->recv, v->bit);
    struct receiver *mine = uintr_receiver_get(cur);
    if (!mine)
        return CHIME_ENOMEM;
    uint64_t timeout = tf->a1;
    tf->a1 = pending_take(mine);
    if (tf->a1)
        return 0;
    if (timeout == 0)
        return CHIME_ETIMEDOUT;
    wait_block(cur, timeout);
}

long sys_uret(struct trapframe *tf)
{
    struct thread *cur = current_thread();
    struct receiver *r = cur->recv;
    if (!r || !r->in_handler)
        return CHIME_EINVAL;
    *tf = r->saved;
    r->in_handler = false;
    r->state->enabled = 1;
    return (long)tf->a0; /* the dispatcher stores this back into a0 */
}
