/* The IPC fastpath (fastpath.c). */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include "trapframe.h"

/* SYS_UINTR_SEND_WAIT straight from trap_entry.S: kernel lock not held, tf
 * holds the callee-saved registers, ra, sp, gp, tp, a0, a1, a7 and pc + 4.
 * Never returns. */
void fastpath_send_wait(struct trapframe *tf);

#endif
