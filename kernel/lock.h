/* The big kernel lock.
 *
 * Chime's kernel is short-running and non-preemptive, so like seL4 on SMP it
 * serialises with one lock: every trap takes it after its lock-free prologue,
 * every return to user mode drops it. While a hart spins it answers TLB
 * shootdown requests, so a holder waiting for a shootdown cannot deadlock. */
#ifndef KERNEL_LOCK_H
#define KERNEL_LOCK_H

#include "lib.h"

void kernel_lock(void);
void kernel_unlock(void);
bool kernel_lock_held(void);

#endif
