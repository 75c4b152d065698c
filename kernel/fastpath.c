/* The IPC fastpath: uintr_send_wait to a receiver blocked in a uintr wait
 * that may run on this hart now (DESIGN §7), seL4-style.
 *
 * trap_entry.S comes here straight from the trap vector with the user's a0
 * (sender index) and a1 (timeout) still in registers, having saved only what
 * a function call preserves (the syscall clobbers the rest, see
 * SYS_UINTR_SEND_WAIT) and pc past the ecall. sp is still the user's: this
 * function has no stack frame and touches no stack. It returns the
 * receiver's trapframe, which the entry resumes with trap_return; the slow
 * exits are tail calls to fastpath_slow (trap_entry.S), which loads
 * the kernel stack; they first store a0, a1 and a7 into tf, which the entry
 * did not, so the general path sees an ordinary syscall.
 *
 * Cheap guards first; then a point of no return after which there are only
 * stores; then a direct switch to the receiver with no scheduler pass and no
 * timer or delivery work: all the receiver's pending bits leave in its a1,
 * and the time slice carries over to it. Built with -mno-relax, so no access
 * goes through gp, which still holds the user's value. */
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

static void general(struct trapframe *tf, uint64_t ticket)
{
    syscall_locked(tf);
}

static void contended(struct trapframe *tf, uint64_t ticket)
{
    kernel_lock_wait(ticket);
    syscall_locked(tf);
}

/* Leave for the general path, the lock held (fn = general) or being waited
 * for (fn = contended). */
static inline struct trapframe *leave(struct trapframe *tf, uint64_t index, uint64_t timeout,
                                      uint64_t ticket, void (*fn)(struct trapframe *, uint64_t))
{
    tf->a0 = index;
    tf->a1 = timeout;
    tf->a7 = SYS_UINTR_SEND_WAIT;
    return fastpath_slow(ticket, fn, tf); /* a jump: it does not return */
}

__attribute__((optimize("omit-frame-pointer"))) struct trapframe *
fastpath_send_wait(uint64_t index, uint64_t timeout, struct trapframe *tf)
{
    struct cpu *c = this_cpu();
    struct ticket_lock *lock = &big_lock;
    __asm__("" : "+r"(lock)); /* one address for both words */
    uint64_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_ACQUIRE);
    if (unlikely(__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) != ticket))
        return leave(tf, index, timeout, ticket, contended);

    struct space *from = c->space;
    struct sender_table *senders = from->senders;
    if (unlikely(index >= CHIME_UINTR_MAX_SENDERS || timeout != CHIME_FOREVER || !senders))
        return leave(tf, index, timeout, ticket, general);
    struct vector *v = senders->entry[index];
    if (unlikely(!v))
        return leave(tf, index, timeout, ticket, general);
    struct thread *r = v->recv, *cur = c->current;
    struct uintr_state *me = cur->ustate;
    /* (A blocked uintr waiter is a receiver: r->ustate is set.) */
    if (unlikely(!r || !me || r->state != T_BLOCKED || r->block != B_UINTR || me->pending))
        return leave(tf, index, timeout, ticket, general);
    uint32_t bit = c->hartbit;
    struct space *to = r->space;
    /* (A dying sender's space is never S_ALIVE: this guard covers it.) */
    if (unlikely(!(r->affinity & bit) || !sched_may_run_now(c, r->prio) || from->state != S_ALIVE ||
                 (to != from && (to->stale_harts & bit))))
        return leave(tf, index, timeout, ticket, general);

    /* Point of no return: only stores from here on. */
    uintr_release_waiter(r, v->bit);
    r->state = T_RUNNING;
    me->blocked = 1;
    r->hart = (int32_t)c->hartid;
    if (unlikely(r->timeout_link.next != &r->timeout_link))
        list_remove(&r->timeout_link);
    cur->state = T_BLOCKED;
    cur->block = B_UINTR;
    c->current = r;
    if (to != from) {
        c->space = to;
        platform_set_satp(to->satp);
    }
    info_set_running(c->info, r->id, to->id);
    __atomic_store_n(&lock->serving, ticket + 1, __ATOMIC_RELEASE);
    return &r->tf;
}
