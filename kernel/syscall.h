/* Syscall dispatch: the table maps numbers (include/chime/syscall.h) to
 * handlers. A handler returns the value for a0; handlers that block call
 * sched_return() instead of returning, and their waker sets a0. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "trapframe.h"

typedef long (*syscall_fn)(struct trapframe *tf);

/* Syscalls that touch no shared state run without the kernel lock. */
static inline int syscall_is_lockless(uint64_t n)
{
    return n == 0 /* SYS_NULL */ || n == 2 /* SYS_CLOCK_GET */ || n == 3 /* SYS_HART_SELF */;
}

long syscall_lockless(uint64_t n, struct trapframe *tf);
long syscall_dispatch(uint64_t n, struct trapframe *tf);

#endif
