/* The big kernel lock.
 *
 * Chime's kernel is short-running and non-preemptive, so like seL4 on SMP it
 * serialises with one lock: every trap takes it after its lock-free prologue,
 * every return to user mode drops it. It is a ticket lock (harts get it in
 * arrival order); the uncontended path is inline, a few instructions. A
 * waiter backs off in proportion to the tickets ahead of it, then parks in
 * wfi (lock.c); it answers TLB shootdown requests all along, so a holder
 * waiting for a shootdown cannot deadlock. */
#ifndef KERNEL_LOCK_H
#define KERNEL_LOCK_H

#include "lib.h"

/* Both words are 64-bit: the fastpath compares them without sign
 * extension. */
struct ticket_lock {
    volatile uint64_t next;
    volatile uint64_t serving;
};

extern struct ticket_lock big_lock;

void kernel_lock_wait(uint64_t ticket); /* lock.c: the contended path */

/* Take the next ticket of l into *ticket: true when it is the one being
 * served, so l is ours; false when the holder must be waited for. */
static inline __attribute__((always_inline)) bool ticket_take(struct ticket_lock *l,
                                                              uint64_t *ticket)
{
    *ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
    return __atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) == *ticket;
}

/* Hand l, held with ticket, to the next ticket. */
static inline __attribute__((always_inline)) void ticket_release(struct ticket_lock *l,
                                                                 uint64_t ticket)
{
    __atomic_store_n(&l->serving, ticket + 1, __ATOMIC_RELEASE);
}

static inline __attribute__((always_inline)) void kernel_lock(void)
{
    uint64_t ticket;
    if (unlikely(!ticket_take(&big_lock, &ticket)))
        kernel_lock_wait(ticket);
}

static inline __attribute__((always_inline)) void kernel_unlock(void)
{
    ticket_release(&big_lock, big_lock.serving);
}

#endif
