/* First code of every thread chime_thread_create starts: a0 = its struct
 * chime_thread, tp = its TLS block, sp = its stack (set by the kernel from
 * SYS_THREAD_CREATE). Runs the thread body, then publishes "done" and exits
 * without touching the stack again, so a joiner may unmap it at once. */
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
    mv      s1, a0
    call    libos_thread_main       /* runs fn(arg), stores its result */
    fence   rw, w
    li      t0, 1
    sw      t0, LIBOS_THREAD_DONE_OFFSET(s1)
    li      a7, LIBOS_SYS_THREAD_EXIT
    ecall
    unimp
    .size libos_thread_entry, . - libos_thread_entry
