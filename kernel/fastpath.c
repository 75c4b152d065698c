/* The IPC fastpath: uintr_send_wait to a receiver blocked in a uintr wait
 * that may run on this hart now (DESIGN §7), seL4-style.
 *
 * trap_entry.S comes here straight from the trap vector, having saved only
 * what a function call preserves plus a0, a1, a7 (the syscall clobbers the
 * rest, see SYS_UINTR_SEND_WAIT), with pc already past the ecall.
 *
 * Cheap guards first, each falling back to the general path with the kernel
 * lock held; then a point of no return after which there are only stores;
 * then a direct switch to the receiver with no scheduler pass and no timer
 * or delivery work: all the receiver's pending bits leave in its a1, and the
 * time slice carries over to it. Every exit is a tail call, so the function
 * needs no stack frame. */
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

/* The same symbols declared as returning, so calls in tail position compile
 * to jumps. */
void fastpath_trap_return(struct trapframe *tf) __asm__("trap_return");
void fastpath_fallback(struct trapframe *tf) __asm__("syscall_locked");

/* Contended lock: wait for our ticket, then take the general path. */
static __attribute__((noinline)) void fastpath_contended(struct trapframe *tf, uint32_t ticket)
{
    kernel_lock_wait(ticket);
    syscall_locked(tf);
}

__attribute__((optimize("omit-frame-pointer"))) void fastpath_send_wait(struct trapframe *tf)
{
    struct cpu *c = this_cpu();
    uint32_t ticket = __atomic_fetch_add(&big_lock.next, 1, __ATOMIC_ACQUIRE);
    if (unlikely(__atomic_load_n(&big_lock.serving, __ATOMIC_ACQUIRE) != ticket))
        return fastpath_contended(tf, ticket);

    struct thread *cur = c->current;
    struct sender_table *senders = cur->space->senders;
    uint64_t index = tf->a0;
    if (unlikely(index >= CHIME_UINTR_MAX_SENDERS || !senders || tf->a1 != CHIME_FOREVER))
        return fastpath_fallback(tf);
    struct vector *v = senders->entry[index];
    if (unlikely(!v))
        return fastpath_fallback(tf);
    struct thread *r = v->recv;
    struct receiver *me = cur->recv;
    if (unlikely(!r || !me || r->state != T_BLOCKED || r->block != B_UINTR))
        return fastpath_fallback(tf);
    if (unlikely(me->state->pending || (r->affinity && !(r->affinity >> c->hartid & 1)) ||
                 !sched_may_run_now(c, r->prio)))
        return fastpath_fallback(tf);
    struct space *from = c->space, *to = r->space;
    uint32_t bit = 1u << c->hartid;
    /* (A dying sender's space is never S_ALIVE: this guard covers it.) */
    if (unlikely(from->state != S_ALIVE || (to != from && (to->stale_harts & bit))))
        return fastpath_fallback(tf);

    /* Point of no return: only stores from here on. */
    uintr_release_waiter(r, 1ull << v->vector);
    r->state = T_RUNNING;
    r->hart = (int32_t)c->hartid;
    if (unlikely(r->timeout_link.next != &r->timeout_link))
        list_remove(&r->timeout_link);
    me->state->blocked = 1;
    cur->state = T_BLOCKED;
    cur->block = B_UINTR;
    c->current = r;
    if (to != from) {
        c->space = to;
        to->active_harts |= bit;
        from->active_harts &= ~bit;
        platform_set_satp(to->satp);
    }
    info_set_running(c->info, r->id, to->id);
    c->tf = &r->tf;
    kernel_unlock();
    return fastpath_trap_return(&r->tf);
}
