/* The IPC fastpath (fastpath.c). */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include "lib.h"
#include "trapframe.h"

/* SYS_UINTR_SEND_WAIT from user mode, kernel lock not held. */
noreturn void fastpath_send_wait(struct trapframe *tf);

#endif
