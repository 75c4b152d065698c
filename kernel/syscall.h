/* Syscall dispatch: the table maps numbers (include/chime/syscall.h) to
 * handlers. A handler returns the value for a0; handlers that block call
 * sched_return() instead of returning, and their waker sets a0. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <platform/trapframe.h>

typedef long (*syscall_fn)(struct trapframe *tf);

#include <chime/errno.h>
#include <chime/syscall.h>

extern const syscall_fn syscall_table[SYS_COUNT];

/* SYS_CLOCK_GET, which kernel_syscall (entry.h) runs without the kernel
 * lock, as it does SYS_NULL and SYS_HART_SELF: it touches no shared state. */
long sys_clock_get(struct trapframe *tf);
/* The general syscall path, kernel lock held: run the call in tf->a7, then
 * return to user mode (whichever thread should run). */
__attribute__((__noreturn__)) void syscall_locked(struct trapframe *tf);

static inline long syscall_dispatch(uint64_t n, struct trapframe *tf)
{
    if (__builtin_expect(n >= SYS_COUNT || !syscall_table[n], 0))
        return CHIME_ENOSYS;
    return syscall_table[n](tf);
}

#endif
