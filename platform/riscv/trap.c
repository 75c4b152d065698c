/* Trap decoding: what trap_entry.S calls. From U-mode, a syscall, an
 * interrupt or a fault, each handed to the kernel (kernel/entry.h), which
 * decides what it means; from S-mode, only faults, which are fatal unless
 * they come from the user-copy helper. */
#include "entry.h"
#include <platform/csr.h>
#include <platform/platform.h>

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

/* From trap_entry.S with the user registers saved in tf. Kept a leaf that
 * only tail-calls, so the cheapest syscalls pay for no stack frame. */
noreturn void trap_user(struct trapframe *tf)
{
    uint64_t cause = csr_read_scause();
    if (likely(cause == EXC_ECALL_U)) {
        tf->pc += 4;
        kernel_syscall(tf);
    }
    if (cause & SCAUSE_INTERRUPT)
        kernel_interrupt();
    kernel_user_fault(tf, exception_name(cause), csr_read_stval());
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
