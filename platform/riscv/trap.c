/* Trap handling in C: what trap.S calls. From U-mode: syscalls, interrupts
 * and faults; from S-mode: only faults, which are fatal unless they come
 * from the user-copy helper. */
#include "platform.h"
#include "csr.h"
#include "cpu.h"
#include "lock.h"
#include "sched.h"
#include "space.h"
#include "syscall.h"
#include <chime/layout.h>
#include <chime/syscall.h>

extern char uaccess_copy_start[], uaccess_copy_end[], uaccess_fault[];

static const char *exception_name(uint64_t cause)
{
    static const char *const names[] = {
        [EXC_INST_MISALIGNED] = "misaligned fetch",  [EXC_INST_ACCESS] = "instruction access fault",
        [EXC_ILLEGAL] = "illegal instruction",       [EXC_BREAKPOINT] = "breakpoint",
        [EXC_LOAD_MISALIGNED] = "misaligned load",   [EXC_LOAD_ACCESS] = "load access fault",
        [EXC_STORE_MISALIGNED] = "misaligned store", [EXC_STORE_ACCESS] = "store access fault",
        [EXC_INST_PAGE] = "instruction page fault",  [EXC_LOAD_PAGE] = "load page fault",
        [EXC_STORE_PAGE] = "store page fault",
    };
    if (cause < ARRAY_SIZE(names) && names[cause])
        return names[cause];
    return "unknown exception";
}

/* A user fault ends the faulting process only, with one line saying why. */
static void fault_user(struct cpu *c, struct trapframe *tf, uint64_t cause)
{
    struct thread *t = c->current;
    struct space *s = t->space;
    kprintf("chime: process '%s' (id %lu) killed: %s at 0x%lx (pc 0x%lx, hart %u)\n", s->name,
            s->id, exception_name(cause), csr_read_stval(), tf->pc, c->hartid);
    space_exit(s, CHIME_STATUS_FAULT);
}

/* Syscalls that need the kernel lock, and every other trap from U-mode. */
static noreturn __attribute__((noinline)) void trap_user_slow(struct trapframe *tf, uint64_t cause)
{
    kernel_lock();
    struct cpu *c = this_cpu();
    if (cause == EXC_ECALL_U)
        syscall_locked(tf);
    if (cause & SCAUSE_INTERRUPT) {
        sched_handle_interrupts(c);
    } else if (!c->current->dying) {
        fault_user(c, tf, cause);
    }
    sched_return();
}

static noreturn __attribute__((noinline)) void trap_clock_get(struct trapframe *tf)
{
    tf->a0 = (uint64_t)sys_clock_get(tf);
    trap_return(tf);
}

/* From trap_entry.S with the user registers saved in tf. Kept a leaf that
 * only tail-calls, so the cheapest syscalls pay for no stack frame. */
noreturn void trap_user(struct trapframe *tf)
{
    uint64_t cause = csr_read_scause();
    if (likely(cause == EXC_ECALL_U)) {
        tf->pc += 4;
        if (tf->a7 == SYS_NULL) {
            tf->a0 = 0;
            trap_return(tf);
        }
        if (tf->a7 == SYS_HART_SELF) {
            tf->a0 = this_cpu()->hartid;
            trap_return(tf);
        }
        if (tf->a7 == SYS_CLOCK_GET)
            trap_clock_get(tf);
    }
    trap_user_slow(tf, cause);
}

/* Faults in kernel code. The user-copy helper's are expected: resume at its
 * error exit. Anything else is a kernel bug. */
void trap_kernel(struct trapframe *frame)
{
    uint64_t cause = csr_read_scause();
    uint64_t pc = frame->pc;
    bool fault = cause == EXC_LOAD_PAGE || cause == EXC_STORE_PAGE || cause == EXC_LOAD_ACCESS ||
                 cause == EXC_STORE_ACCESS;
    if (fault && pc >= (uint64_t)uaccess_copy_start && pc < (uint64_t)uaccess_copy_end) {
        frame->pc = (uint64_t)uaccess_fault;
        return;
    }
    panic("%s in kernel, sepc=0x%lx stval=0x%lx scause=0x%lx",
          (cause & SCAUSE_INTERRUPT) ? "interrupt" : exception_name(cause), pc, csr_read_stval(),
          cause);
}
