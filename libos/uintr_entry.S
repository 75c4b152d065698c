/* uintr_entry: where the kernel enters a thread's uintr handler.
 *
 * On entry (include/chime/uintr.h): a0 = the pending bits the kernel took,
 * enabled = 0, sp = the interrupted sp rounded down to 16 minus
 * CHIME_UINTR_STACK_GAP, ra = 0, gp and tp unchanged. The kernel saved every
 * register of the interrupted code in the thread's TCB and SYS_URET restores
 * them all, so nothing needs saving here: the trampoline only calls the C
 * loop (uintr_dispatch, which runs the handler until pending is empty) and
 * returns through SYS_URET, which also stores enabled = 1. */

#define LIBOS_SYS_URET 48   /* SYS_URET in include/chime/syscall.h; checked in uintr.c */

    .section .text.uintr_entry, "ax"
    .globl uintr_entry
    .type uintr_entry, @function
    .balign 4
uintr_entry:
    mv      fp, zero            /* end of the frame chain for debuggers */
    call    uintr_dispatch      /* a0 = bits */
    li      a7, LIBOS_SYS_URET
    ecall
    unimp                       /* SYS_URET does not return here */
    .size uintr_entry, . - uintr_entry
