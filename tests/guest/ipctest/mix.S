/* ipctest_mix(uint64_t state[24], uint64_t iterations): a compute loop that
 * keeps 24 values live in registers (t0-t6, a2-a7, s1-s11) for its whole
 * run, so a uintr handler entered in the middle of it must have every one
 * of them restored exactly. mix_ref in regs.c does the same in C. */
    .section .text.ipctest_mix, "ax"
    .globl ipctest_mix
    .type ipctest_mix, @function
ipctest_mix:
    addi    sp, sp, -96
    sd      s1, 0(sp)
    sd      s2, 8(sp)
    sd      s3, 16(sp)
    sd      s4, 24(sp)
    sd      s5, 32(sp)
    sd      s6, 40(sp)
    sd      s7, 48(sp)
    sd      s8, 56(sp)
    sd      s9, 64(sp)
    sd      s10, 72(sp)
    sd      s11, 80(sp)
    sd      a0, 88(sp)

    ld      t0, 0(a0)
    ld      t1, 8(a0)
    ld      t2, 16(a0)
    ld      t3, 24(a0)
    ld      t4, 32(a0)
    ld      t5, 40(a0)
    ld      t6, 48(a0)
    ld      a2, 56(a0)
    ld      a3, 64(a0)
    ld      a4, 72(a0)
    ld      a5, 80(a0)
    ld      a6, 88(a0)
    ld      a7, 96(a0)
    ld      s1, 104(a0)
    ld      s2, 112(a0)
    ld      s3, 120(a0)
    ld      s4, 128(a0)
    ld      s5, 136(a0)
    ld      s6, 144(a0)
    ld      s7, 152(a0)
    ld      s8, 160(a0)
    ld      s9, 168(a0)
    ld      s10, 176(a0)
    ld      s11, 184(a0)
    beqz    a1, 2f
1:
    /* v[i] op= v[i+1] around the ring, then the counter into v[0]. */
    add     t0, t0, t1
    xor     t1, t1, t2
    add     t2, t2, t3
    xor     t3, t3, t4
    add     t4, t4, t5
    xor     t5, t5, t6
    add     t6, t6, a2
    xor     a2, a2, a3
    add     a3, a3, a4
    xor     a4, a4, a5
    add     a5, a5, a6
    xor     a6, a6, a7
    add     a7, a7, s1
    xor     s1, s1, s2
    add     s2, s2, s3
    xor     s3, s3, s4
    add     s4, s4, s5
    xor     s5, s5, s6
    add     s6, s6, s7
    xor     s7, s7, s8
    add     s8, s8, s9
    xor     s9, s9, s10
    add     s10, s10, s11
    xor     s11, s11, t0
    add     t0, t0, a1
    addi    a1, a1, -1
    bnez    a1, 1b
2:
    ld      a0, 88(sp)
    sd      t0, 0(a0)
    sd      t1, 8(a0)
    sd      t2, 16(a0)
    sd      t3, 24(a0)
    sd      t4, 32(a0)
    sd      t5, 40(a0)
    sd      t6, 48(a0)
    sd      a2, 56(a0)
    sd      a3, 64(a0)
    sd      a4, 72(a0)
    sd      a5, 80(a0)
    sd      a6, 88(a0)
    sd      a7, 96(a0)
    sd      s1, 104(a0)
    sd      s2, 112(a0)
    sd      s3, 120(a0)
    sd      s4, 128(a0)
    sd      s5, 136(a0)
    sd      s6, 144(a0)
    sd      s7, 152(a0)
    sd      s8, 160(a0)
    sd      s9, 168(a0)
    sd      s10, 176(a0)
    sd      s11, 184(a0)

    ld      s1, 0(sp)
    ld      s2, 8(sp)
    ld      s3, 16(sp)
    ld      s4, 24(sp)
    ld      s5, 32(sp)
    ld      s6, 40(sp)
    ld      s7, 48(sp)
    ld      s8, 56(sp)
    ld      s9, 64(sp)
    ld      s10, 72(sp)
    ld      s11, 80(sp)
    addi    sp, sp, 96
    ret
    .size ipctest_mix, . - ipctest_mix
