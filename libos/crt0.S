/* Program entry. The spawner (or, for init, the kernel) starts the first
 * thread here with sp at the top of a 16-byte-aligned stack and either
 * a0 = the startup block (libos.h) or, for the root task, a0 = argc and
 * a1 = argv. Nothing is assumed about other registers. */
#include "private.h"

    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    /* gp: relaxed accesses to small data go through it. */
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop

    /* The main thread's TLS block sits just below the initial stack. */
    la      t0, __tls_size
    addi    t0, t0, LIBOS_TLS_ALIGN - 1
    andi    t0, t0, -LIBOS_TLS_ALIGN
    sub     sp, sp, t0
    andi    sp, sp, -LIBOS_TLS_ALIGN
    mv      tp, sp

    mv      fp, zero
    mv      ra, zero
    mv      a2, tp
    call    libos_start     /* (a0, a1, tls block): never returns */
    unimp
    .size _start, . - _start
