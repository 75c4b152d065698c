/* The IPC fastpath (fastpath.c). */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include <platform/trapframe.h>

/* SYS_UINTR_SEND_WAIT straight from trap_entry.S: kernel lock not held,
 * index and timeout are the user's a0 and a1, tf holds the callee-saved
 * registers, ra, sp, gp, tp and pc + 4; sp is not yet the kernel stack.
 * Returns the trapframe to resume (trap_return), or does not return. */
struct trapframe *fastpath_send_wait(uint64_t index, uint64_t timeout, struct trapframe *tf);

#endif
