/* The IPC fastpath: uintr_send_wait to a receiver blocked in a uintr wait
 * that may run on this hart now (DESIGN §7), seL4-style.
 *
 * platform/riscv/trap_entry.S comes here straight from the trap vector with
 * the user's a0 (sender index) and a1 (timeout) still in registers, having
 * saved only what a function call preserves (the syscall clobbers the rest,
 * see SYS_UINTR_SEND_WAIT) and pc past the ecall. sp is still the user's:
 * this function has no stack frame and touches no stack. It returns the
 * receiver's trapframe, which the entry resumes with trap_return; the slow
 * exits are tail calls to fastpath_slow (trap_entry.S), which loads the
 * kernel stack; they first store a0, a1 and a7 into tf, which the entry did
 * not, so the general path sees an ordinary syscall.
 *
 * The shape is seL4's: one guard per reason to leave, each cheap; then the
 * point of no return, after which there are only stores, made through the
 * helpers the general path uses too (uintr_release_waiter, uintr_wait_begin,
 * sched_switch_direct, ticket_release); no scheduler pass and no timer or
 * delivery work: all the receiver's pending bits leave in its a1, and the
 * time slice carries over to it. Built with -mno-relax, so no access goes
 * through gp, which still holds the user's value. */
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

/* trap_entry.S: load the kernel stack and gp, then continue in fn(tf, ticket).
 * (tf comes last: it stays where the fastpath received it.) */
struct trapframe *fastpath_slow(uint64_t ticket, void (*fn)(struct trapframe *, uint64_t),
                                struct trapframe *tf) __asm__("fastpath_slow");

/* The lock is ours (ticket is being served): run the general syscall. */
static void syscall_lock_held(struct trapframe *tf, uint64_t ticket)
{
    syscall_locked(tf);
}

/* Another hart holds the lock: wait for ticket, then run the general syscall. */
static void syscall_lock_wait(struct trapframe *tf, uint64_t ticket)
{
    kernel_lock_wait(ticket);
    syscall_locked(tf);
}

/* Leave for the general path with the registers it expects in tf; fn is
 * syscall_lock_held or syscall_lock_wait. A jump: it does not return. */
static inline struct trapframe *to_general_path(struct trapframe *tf, uint64_t index,
                                                uint64_t timeout, uint64_t ticket,
                                                void (*fn)(struct trapframe *, uint64_t))
{
    tf->a0 = index;
    tf->a1 = timeout;
    tf->a7 = SYS_UINTR_SEND_WAIT;
    return fastpath_slow(ticket, fn, tf);
}

__attribute__((optimize("omit-frame-pointer"))) struct trapframe *
fastpath_send_wait(uint64_t index, uint64_t timeout, struct trapframe *tf)
{
    struct cpu *c = this_cpu();
    struct ticket_lock *lock = &big_lock;
    __asm__("" : "+r"(lock)); /* one address for both words */
    uint64_t ticket;
    /* Another hart is in the kernel: waiting needs the kernel stack. */
    if (unlikely(!ticket_take(lock, &ticket)))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_wait);

    struct space *from = c->space;
    struct sender_table *senders = from->senders;
    /* Not a sender index at all: the general path returns CHIME_EINVAL. */
    if (unlikely(index >= CHIME_UINTR_MAX_SENDERS))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    /* A timeout other than forever: it needs the timeout list. */
    if (unlikely(timeout != CHIME_FOREVER))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    /* This process has no sender table yet (CHIME_EINVAL). */
    if (unlikely(!senders))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    struct vector *v = senders->entry[index];
    /* An empty slot (CHIME_EINVAL). */
    if (unlikely(!v))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    struct thread *receiver = v->recv, *sender = c->current;
    struct uintr_state *sender_st = sender->ustate;
    /* The receiver thread has ended (CHIME_EPIPE). */
    if (unlikely(!receiver))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    /* The sender has no uintr state: its wait makes one. */
    if (unlikely(!sender_st))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    /* The receiver is not blocked in a uintr wait: the send only posts.
     * (A blocked uintr waiter is a receiver: receiver->ustate is set.) */
    if (unlikely(receiver->state != T_BLOCKED || receiver->block != B_UINTR))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    /* The sender has bits pending: its wait returns at once. */
    if (unlikely(sender_st->pending))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    uint32_t bit = c->hartbit;
    struct space *to = receiver->space;
    /* The receiver's affinity excludes this hart. */
    if (unlikely(!(receiver->affinity & bit)))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    /* A ready thread here outranks the receiver: the scheduler decides. */
    if (unlikely(!sched_may_run_now(c, receiver->prio)))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    /* The sender's process is exiting (a dying thread's space is never
     * S_ALIVE): leaving its space is space_switch's work. */
    if (unlikely(from->state != S_ALIVE))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);
    /* This hart owes a TLB flush for the receiver's space (stale_harts). */
    if (unlikely(to != from && (to->stale_harts & bit)))
        return to_general_path(tf, index, timeout, ticket, syscall_lock_held);

    /* Point of no return: only stores from here on. */
    uintr_wait_begin(sender, sender_st);
    uintr_release_waiter(receiver, v->bit);
    sched_switch_direct(c, receiver, from, to, SPACE_SATP_ONLY);
    ticket_release(lock, ticket);
    return &receiver->tf;
}
