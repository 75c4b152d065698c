/* First and last code of every thread libos starts.
 *
 * libos_thread_entry: a0 = its struct chime_thread, tp = its TLS block,
 * sp = its stack (set by the kernel from SYS_THREAD_CREATE). Runs the
 * thread body, which ends in pthread_exit and never returns here.
 *
 * libos_thread_leave(done, lo, len, slot_word, slot_keep): the end of a
 * thread, touching no stack. A joinable thread passes done: store 1 there
 * (its joiner may then free everything) and wake the joiner. A detached
 * thread passes done = NULL: unmap its own stack [lo, lo + len), then give
 * its slot back (*slot_word &= slot_keep). Then SYS_THREAD_EXIT. Syscalls
 * preserve every register but a0 and a1. */
#include "private.h"

    .section .text.libos_thread_entry, "ax"
    .globl libos_thread_entry
    .type libos_thread_entry, @function
libos_thread_entry:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    mv      fp, zero
    mv      ra, zero
    call    libos_thread_main       /* never returns */
    unimp
    .size libos_thread_entry, . - libos_thread_entry

    .section .text.libos_thread_leave, "ax"
    .globl libos_thread_leave
    .type libos_thread_leave, @function
libos_thread_leave:
    mv      t3, a0
    mv      t4, a3
    mv      t5, a4
    beqz    t3, 1f
    fence   rw, w
    li      t0, 1
    sw      t0, LIBOS_THREAD_DONE_OFFSET(t3)
    mv      a0, t3
    li      a1, 0x7fffffff
    li      a7, LIBOS_SYS_FUTEX_WAKE
    ecall
    j       2f
1:  li      a0, LIBOS_CHIME_SELF        /* a1 = lo, a2 = len already */
    li      a7, LIBOS_SYS_SPACE_UNMAP
    ecall
    amoand.d.rl zero, t5, (t4)
2:  li      a7, LIBOS_SYS_THREAD_EXIT
    ecall
    unimp
    .size libos_thread_leave, . - libos_thread_leave
