/* The raw syscall of sysfuzz, and the code it starts in its own space.
 *
 * long fz_syscall(long n, const long args[6], struct fz_ret *out)
 *   a7 = n, a0..a5 = args, every other register a syscall must preserve
 *   (a6, t0..t6) loaded with FZ_CANARY(x-register number). After the ecall
 *   out->a0/a1 get the results and out->clobbered one bit per x-register
 *   that came back changed (a1..a7, t0..t6); calls.c decides which changes
 *   the ABI allows. Being a real function, the C caller already assumes
 *   every caller-saved register is clobbered, so no libos stub is needed. */
#include "asm.h"

    .option norelax

.macro check_canary reg, num
    li      a0, FZ_CANARY(\num)
    beq     \reg, a0, 1f
    li      a0, 1 << \num
    or      s3, s3, a0
1:
.endm

.macro check_arg reg, num, off
    ld      a0, \off(s2)
    beq     \reg, a0, 1f
    li      a0, 1 << \num
    or      s3, s3, a0
1:
.endm

    .section .text.fz_syscall, "ax"
    .globl fz_syscall
    .type fz_syscall, @function
fz_syscall:
    addi    sp, sp, -48
    sd      s1, 0(sp)
    sd      s2, 8(sp)
    sd      s3, 16(sp)
    sd      s4, 24(sp)
    mv      s1, a2
    mv      s2, a1
    mv      s4, a0
    mv      a7, a0
    ld      a0, 0(s2)
    ld      a1, 8(s2)
    ld      a2, 16(s2)
    ld      a3, 24(s2)
    ld      a4, 32(s2)
    ld      a5, 40(s2)
    li      a6, FZ_CANARY(16)
    li      t0, FZ_CANARY(5)
    li      t1, FZ_CANARY(6)
    li      t2, FZ_CANARY(7)
    li      t3, FZ_CANARY(28)
    li      t4, FZ_CANARY(29)
    li      t5, FZ_CANARY(30)
    li      t6, FZ_CANARY(31)
    ecall
    sd      a0, 0(s1)
    sd      a1, 8(s1)
    li      s3, 0
    check_arg a1, 11, 8
    check_arg a2, 12, 16
    check_arg a3, 13, 24
    check_arg a4, 14, 32
    check_arg a5, 15, 40
    check_canary a6, 16
    beq     a7, s4, 2f
    li      a0, 1 << 17
    or      s3, s3, a0
2:
    check_canary t0, 5
    check_canary t1, 6
    check_canary t2, 7
    check_canary t3, 28
    check_canary t4, 29
    check_canary t5, 30
    check_canary t6, 31
    sd      s3, 16(s1)
    ld      a0, 0(s1)
    ld      s1, 0(sp)
    ld      s2, 8(sp)
    ld      s3, 16(sp)
    ld      s4, 24(sp)
    addi    sp, sp, 48
    ret
    .size fz_syscall, . - fz_syscall

/* A thread sysfuzz starts in its own space: it needs no stack, yields once
 * and ends. */
    .section .text.fz_tiny_thread, "ax"
    .globl fz_tiny_thread
    .type fz_tiny_thread, @function
    .balign 4
fz_tiny_thread:
    li      a7, FZ_SYS_YIELD
    ecall
    li      a7, FZ_SYS_THREAD_EXIT
    ecall
    unimp
    .size fz_tiny_thread, . - fz_tiny_thread

/* A uintr handler that takes the bits and returns at once (SYS_URET
 * restores every register of the interrupted code). */
    .section .text.fz_tiny_handler, "ax"
    .globl fz_tiny_handler
    .type fz_tiny_handler, @function
    .balign 4
fz_tiny_handler:
    li      a7, FZ_SYS_URET
    ecall
    unimp
    .size fz_tiny_handler, . - fz_tiny_handler

/* Position-independent programs copied to the code page of spaces sysfuzz
 * creates (SYS_SPACE_WRITE), entered at the FZ_BLOB_* offsets. Each one
 * ends by itself, so a space nobody holds any more cannot run forever. */
    .section .rodata.fz_blob, "a"
    .globl fz_blob
    .balign 256
fz_blob:
    andi    a0, a0, 0xff
    li      a7, FZ_SYS_EXIT
    ecall
    unimp
    .skip   FZ_BLOB_YIELD - (. - fz_blob)
    andi    t0, a0, 0x3ff
3:  li      a7, FZ_SYS_YIELD
    ecall
    addi    t0, t0, -1
    bgez    t0, 3b
    li      a7, FZ_SYS_THREAD_EXIT
    ecall
    unimp
    .skip   FZ_BLOB_CALLS - (. - fz_blob)
    mv      s1, a0
    andi    a0, s1, 0xff
    li      a7, FZ_SYS_HANDLE_INFO
    ecall
    srli    a0, s1, 8
    andi    a0, a0, 0xff
    li      a7, FZ_SYS_HANDLE_CLOSE
    ecall
    li      a0, 5
    li      a7, FZ_SYS_UINTR_VECTOR_CREATE
    ecall
    li      a0, 100000
    li      a7, FZ_SYS_UINTR_WAIT
    ecall
    li      a0, 0
    li      a7, FZ_SYS_EXIT
    ecall
    unimp
    .skip   FZ_BLOB_SIZE - (. - fz_blob)
