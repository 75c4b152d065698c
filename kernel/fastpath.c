/* The IPC fastpath: uintr_send_wait to a receiver blocked in a uintr wait
 * on this hart (DESIGN §7), seL4-style.
 *
 * trap_user() sends SYS_UINTR_SEND_WAIT here before anything else. Cheap
 * guards first, each of which falls back to the general path (still holding
 * the kernel lock); then a point of no return after which there are only
 * stores; then a direct switch to the receiver, with no scheduler pass and no
 * timer or delivery work: the receiver's pending bits all leave in its a0,
 * and the time slice carries over to it. */
#include "fastpath.h"
#include "cpu.h"
#include "info.h"
#include "lock.h"
#include "sched.h"
#include "space.h"
#include "syscall.h"
#include "thread.h"
#include "uintr.h"
#include <chime/syscall.h>

__attribute__((optimize("omit-frame-pointer"))) noreturn void
fastpath_send_wait(struct trapframe *tf)
{
    struct cpu *c = this_cpu();
    kernel_lock();
    struct thread *cur = c->current;
    struct sender_table *senders = cur->space->senders;
    uint64_t index = tf->a0;
    if (unlikely(index >= CHIME_UINTR_MAX_SENDERS || !senders || tf->a1 != CHIME_FOREVER))
        syscall_locked(tf);
    struct vector *v = senders->entry[index];
    if (unlikely(!v))
        syscall_locked(tf);
    struct thread *r = v->recv;
    struct receiver *me = cur->recv;
    if (unlikely(!r || !me || cur->dying || r->state != T_BLOCKED || r->block != B_UINTR))
        syscall_locked(tf);
    if (unlikely(me->state->pending || (r->affinity && !(r->affinity >> c->hartid & 1)) ||
                 !sched_may_run_now(c, r->prio)))
        syscall_locked(tf);

    /* Point of no return: only stores from here on. */
    struct uintr_state *rs = r->recv->state;
    r->tf.a0 = __atomic_exchange_n(&rs->pending, 0, __ATOMIC_ACQ_REL) | 1ull << v->vector;
    rs->blocked = 0;
    r->block = B_NONE;
    r->state = T_RUNNING;
    r->hart = (int32_t)c->hartid;
    if (unlikely(r->timeout_link.next != &r->timeout_link))
        list_remove(&r->timeout_link);
    me->state->blocked = 1;
    cur->state = T_BLOCKED;
    cur->block = B_UINTR;
    c->current = r;
    if (r->space != c->space)
        space_switch_fast(c, r->space);
    info_set_running(c->hartid, r->id, r->space->id);
    sched_return_fast(c, r);
}
