/* The kernel's side of a trap from user mode: what the platform's trap
 * decoder (platform/riscv/trap.c) calls once it knows what the trap was.
 * Each runs on the hart's kernel stack with the user registers in tf, and
 * none returns: the way back is trap_return or sched_return. Which syscalls
 * need the kernel lock and what a user fault does are decided here. */
#ifndef KERNEL_ENTRY_H
#define KERNEL_ENTRY_H

#include "cpu.h"
#include <platform/platform.h>
#include <platform/trapframe.h>
#include <chime/syscall.h>

/* SYS_CLOCK_GET, which reads only the clock. */
noreturn void kernel_clock_get(struct trapframe *tf);
/* Every other syscall: take the kernel lock, run it, return to user mode. */
noreturn void kernel_syscall_locked(struct trapframe *tf);
/* An interrupt (timer, IPI, external): the kernel reads sip itself. */
noreturn void kernel_interrupt(void);
/* A fault of the current thread: what (a name for the log), at address
 * addr, pc in tf. It ends the faulting process only. */
noreturn void kernel_user_fault(struct trapframe *tf, const char *what, uint64_t addr);

/* A syscall, tf->pc already past the ecall. The ones that touch no shared
 * state run without the lock: SYS_NULL and SYS_HART_SELF right here
 * (inline into the decoder, which stays a leaf: the cheapest syscalls pay
 * for no stack frame), SYS_CLOCK_GET in kernel_clock_get. */
static inline __attribute__((always_inline)) noreturn void kernel_syscall(struct trapframe *tf)
{
    if (tf->a7 == SYS_NULL) {
        tf->a0 = 0;
        trap_return(tf);
    }
    if (tf->a7 == SYS_HART_SELF) {
        tf->a0 = this_cpu()->hartid;
        trap_return(tf);
    }
    if (tf->a7 == SYS_CLOCK_GET)
        kernel_clock_get(tf);
    kernel_syscall_locked(tf);
}

#endif
