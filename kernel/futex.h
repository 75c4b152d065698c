/* Futexes: a thread sleeps on a 32-bit word of its own address space while
 * the word holds an expected value, and another thread of the space wakes
 * it (SYS_FUTEX_WAIT / SYS_FUTEX_WAKE). The key is (space, user address):
 * futexes are private to a process. A waiter is an ordinary blocked thread
 * (B_FUTEX) on a hash bucket list, so killing it or ending its space takes
 * it off like any other wait (sched_unlink). */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include <platform/trapframe.h>

long sys_futex_wait(struct trapframe *tf);
long sys_futex_wake(struct trapframe *tf);

#endif
