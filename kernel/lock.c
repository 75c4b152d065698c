/* The contended path of the big kernel lock (lock.h).
 *
 * A waiter knows how many tickets are ahead of its own, and waits in two
 * phases, answering TLB shootdowns throughout (tlb_poll after every look):
 *
 *   1. spin for up to SPIN_NS, looking at the lock word after `ahead` *
 *      BACKOFF_RELAX pauses: proportional backoff, so a waiter far back
 *      reads the word less often than the one next in line;
 *   2. then park: wfi with the timer `ahead` * PARK_NS out (at most
 *      PARK_MAX_NS), look, and again. A hart in wfi gives its core away:
 *      under a host with fewer cores than harts (QEMU on a busy machine)
 *      the spinners otherwise take the cores the holder needs to finish.
 *      A shootdown IPI ends the wfi at once; a pending interrupt makes it
 *      return at once, so parking never loses one: the trap or the
 *      scheduler finds it pending, and timer_program rewrites the timer
 *      (timer_armed says what the park left there).
 *
 * The uncontended path (lock.h, the fastpath) is untouched. */
#include "lock.h"
#include "cpu.h"
#include <platform/csr.h>
#include <platform/platform.h>

#define BACKOFF_RELAX 16
#define SPIN_NS       20000ull
#define PARK_NS       10000ull
#define PARK_MAX_NS   100000ull

struct ticket_lock big_lock;

/* Tickets ahead of ours, 0 when it is our turn. */
static inline uint64_t lock_ahead(uint64_t ticket)
{
    return ticket - __atomic_load_n(&big_lock.serving, __ATOMIC_ACQUIRE);
}

void kernel_lock_wait(uint64_t ticket)
{
    struct cpu *c = this_cpu();
    uint64_t ahead, spin_end = platform_time_now() + platform_ns_to_ticks(SPIN_NS);

    while ((ahead = lock_ahead(ticket)) != 0) {
        tlb_poll(c);
        if (platform_time_now() < spin_end) {
            for (uint64_t i = ahead * BACKOFF_RELAX; i; i--)
                cpu_relax();
            continue;
        }
        uint64_t park = MIN(ahead * PARK_NS, PARK_MAX_NS);
        c->timer_armed = platform_time_now() + platform_ns_to_ticks(park);
        platform_timer_set(c->timer_armed);
        wfi();
    }
}
