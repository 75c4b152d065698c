/* Trap entry and exit.
 *
 * In U-mode, sscratch holds this hart's struct cpu; in S-mode it holds 0.
 * Entry from U saves all user registers into the current thread's trapframe
 * (cpu->tf), switches to the hart's kernel stack, reloads gp (user code sets
 * its own) and calls trap_user(), which never returns: every way back to user
 * mode goes through trap_return(). Entry from S (a fault in kernel code, e.g.
 * a user-copy helper touching a bad user page) saves a frame on the current
 * kernel stack and returns through sret after trap_kernel(). */
#include <platform/trapframe.h>
#include <platform/cpu_asm.h>
#include <platform/csr.h>
#include <chime/errno.h>
#include <chime/syscall.h>

#define KFRAME (TF_SIZE + 16)

    .section .text
    .globl trap_vector
    .balign 4
trap_vector:
    csrrw   tp, sscratch, tp
    beqz    tp, kernel_trap
    sd      t0, CPU_SCRATCH(tp)
    ld      t0, CPU_CURRENT(tp)
    /* What every entry saves first: what a call preserves. Once saved, the
     * s registers are free to use as scratch. */
    sd      ra, TF_RA(t0)
    sd      sp, TF_SP(t0)
    sd      gp, TF_GP(t0)
    sd      s0, TF_S0(t0)
    sd      s1, TF_S1(t0)
    sd      s2, TF_S2(t0)
    sd      s3, TF_S3(t0)
    sd      s4, TF_S4(t0)
    sd      s5, TF_S5(t0)
    sd      s6, TF_S6(t0)
    sd      s7, TF_S7(t0)
    sd      s8, TF_S8(t0)
    sd      s9, TF_S9(t0)
    sd      s10, TF_S10(t0)
    sd      s11, TF_S11(t0)
    csrrw   s1, sscratch, zero
    sd      s1, TF_TP(t0)
    /* uintr_send_wait clobbers the other registers (syscall.h): take the
     * fastpath without saving them, index and timeout still in a0, a1. */
    csrr    s0, scause
    addi    s0, s0, -EXC_ECALL_U
    bnez    s0, trap_vector_slow
    addi    s0, a7, -SYS_UINTR_SEND_WAIT
    bnez    s0, trap_vector_slow
    csrr    s0, sepc
    addi    s0, s0, 4
    sd      s0, TF_PC(t0)
    mv      a2, t0
    call    fastpath_send_wait
    /* falls through: resume the thread whose trapframe it returned */

/* void trap_return(struct trapframe *tf) -- noreturn.
 * Resume user mode from tf; tp is this hart's struct cpu. */
    .globl trap_return
trap_return:
    csrw    sscratch, tp
    ld      t0, TF_PC(a0)
    csrw    sepc, t0
    /* sstatus.SPP is 0 here: set once per hart, and every trap from U and
     * every sret leaves it 0. */
    ld      ra, TF_RA(a0)
    ld      sp, TF_SP(a0)
    ld      gp, TF_GP(a0)
    ld      tp, TF_TP(a0)
    ld      t0, TF_T0(a0)
    ld      t1, TF_T1(a0)
    ld      t2, TF_T2(a0)
    ld      s0, TF_S0(a0)
    ld      s1, TF_S1(a0)
    ld      a1, TF_A1(a0)
    ld      a2, TF_A2(a0)
    ld      a3, TF_A3(a0)
    ld      a4, TF_A4(a0)
    ld      a5, TF_A5(a0)
    ld      a6, TF_A6(a0)
    ld      a7, TF_A7(a0)
    ld      s2, TF_S2(a0)
    ld      s3, TF_S3(a0)
    ld      s4, TF_S4(a0)
    ld      s5, TF_S5(a0)
    ld      s6, TF_S6(a0)
    ld      s7, TF_S7(a0)
    ld      s8, TF_S8(a0)
    ld      s9, TF_S9(a0)
    ld      s10, TF_S10(a0)
    ld      s11, TF_S11(a0)
    ld      t3, TF_T3(a0)
    ld      t4, TF_T4(a0)
    ld      t5, TF_T5(a0)
    ld      t6, TF_T6(a0)
    ld      a0, TF_A0(a0)
    sret

/* The general entry, for everything but the fastpath. */
trap_vector_slow:
    sd      t1, TF_T1(t0)
    sd      t2, TF_T2(t0)
    sd      a0, TF_A0(t0)
    sd      a1, TF_A1(t0)
    sd      a2, TF_A2(t0)
    sd      a3, TF_A3(t0)
    sd      a4, TF_A4(t0)
    sd      a5, TF_A5(t0)
    sd      a6, TF_A6(t0)
    sd      a7, TF_A7(t0)
    sd      t3, TF_T3(t0)
    sd      t4, TF_T4(t0)
    sd      t5, TF_T5(t0)
    sd      t6, TF_T6(t0)
    ld      t1, CPU_SCRATCH(tp)
    sd      t1, TF_T0(t0)
    csrr    t1, sepc
    sd      t1, TF_PC(t0)
    ld      sp, CPU_KSTACK(tp)
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    mv      a0, t0
    tail    trap_user


/* void fastpath_slow(uint64_t ticket, fn, struct trapframe *tf) -- noreturn.
 * The fastpath's way out to the general path: it ran on the user's sp and
 * gp; continue in fn(tf, ticket) on this hart's kernel stack. */
    .globl fastpath_slow
fastpath_slow:
    ld      sp, CPU_KSTACK(tp)
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    mv      t0, a1
    mv      a1, a0
    mv      a0, a2
    jr      t0

kernel_trap:
    csrrw   tp, sscratch, tp    /* tp = kernel tp again, sscratch = 0 */
    addi    sp, sp, -KFRAME
    sd      ra, TF_RA(sp)
    sd      gp, TF_GP(sp)
    sd      tp, TF_TP(sp)
    sd      t0, TF_T0(sp)
    sd      t1, TF_T1(sp)
    sd      t2, TF_T2(sp)
    sd      s0, TF_S0(sp)
    sd      s1, TF_S1(sp)
    sd      a0, TF_A0(sp)
    sd      a1, TF_A1(sp)
    sd      a2, TF_A2(sp)
    sd      a3, TF_A3(sp)
    sd      a4, TF_A4(sp)
    sd      a5, TF_A5(sp)
    sd      a6, TF_A6(sp)
    sd      a7, TF_A7(sp)
    sd      s2, TF_S2(sp)
    sd      s3, TF_S3(sp)
    sd      s4, TF_S4(sp)
    sd      s5, TF_S5(sp)
    sd      s6, TF_S6(sp)
    sd      s7, TF_S7(sp)
    sd      s8, TF_S8(sp)
    sd      s9, TF_S9(sp)
    sd      s10, TF_S10(sp)
    sd      s11, TF_S11(sp)
    sd      t3, TF_T3(sp)
    sd      t4, TF_T4(sp)
    sd      t5, TF_T5(sp)
    sd      t6, TF_T6(sp)
    addi    t0, sp, KFRAME
    sd      t0, TF_SP(sp)
    csrr    t0, sepc
    sd      t0, TF_PC(sp)
    csrr    t0, sstatus
    sd      t0, TF_SIZE(sp)
    mv      a0, sp
    call    trap_kernel
    ld      t0, TF_PC(sp)
    csrw    sepc, t0
    ld      t0, TF_SIZE(sp)
    csrw    sstatus, t0
    ld      ra, TF_RA(sp)
    ld      gp, TF_GP(sp)
    ld      t0, TF_T0(sp)
    ld      t1, TF_T1(sp)
    ld      t2, TF_T2(sp)
    ld      s0, TF_S0(sp)
    ld      s1, TF_S1(sp)
    ld      a0, TF_A0(sp)
    ld      a1, TF_A1(sp)
    ld      a2, TF_A2(sp)
    ld      a3, TF_A3(sp)
    ld      a4, TF_A4(sp)
    ld      a5, TF_A5(sp)
    ld      a6, TF_A6(sp)
    ld      a7, TF_A7(sp)
    ld      s2, TF_S2(sp)
    ld      s3, TF_S3(sp)
    ld      s4, TF_S4(sp)
    ld      s5, TF_S5(sp)
    ld      s6, TF_S6(sp)
    ld      s7, TF_S7(sp)
    ld      s8, TF_S8(sp)
    ld      s9, TF_S9(sp)
    ld      s10, TF_S10(sp)
    ld      s11, TF_S11(sp)
    ld      t3, TF_T3(sp)
    ld      t4, TF_T4(sp)
    ld      t5, TF_T5(sp)
    ld      t6, TF_T6(sp)
    addi    sp, sp, KFRAME
    sret

/* long uaccess_copy(void *dst, const void *src, size_t len)
 * memcpy with SUM set, for copies to or from user memory. Returns 0, or
 * CHIME_EFAULT when a page fault hits: trap_kernel() sees the faulting
 * pc inside [uaccess_copy, uaccess_copy_end) and resumes at uaccess_fault. */
    .globl uaccess_copy, uaccess_copy_start, uaccess_copy_end, uaccess_fault
uaccess_copy:
uaccess_copy_start:
    li      t0, SSTATUS_SUM
    csrs    sstatus, t0
    or      t1, a0, a1
    or      t1, t1, a2
    andi    t1, t1, 7
    bnez    t1, 2f
1:  beqz    a2, 3f              /* 8-byte aligned: word loop */
    ld      t1, 0(a1)
    sd      t1, 0(a0)
    addi    a0, a0, 8
    addi    a1, a1, 8
    addi    a2, a2, -8
    j       1b
2:  beqz    a2, 3f              /* byte loop */
    lb      t1, 0(a1)
    sb      t1, 0(a0)
    addi    a0, a0, 1
    addi    a1, a1, 1
    addi    a2, a2, -1
    j       2b
3:  csrc    sstatus, t0
    li      a0, 0
    ret
uaccess_copy_end:
uaccess_fault:
    li      t0, SSTATUS_SUM
    csrc    sstatus, t0
    li      a0, CHIME_EFAULT
    ret
