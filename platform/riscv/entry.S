/* Boot entry. OpenSBI's fw_jump enters the boot hart at 0x80200000 in S-mode
 * with a0 = hartid, a1 = DTB physical address, paging off. Other harts come
 * in at secondary_entry through SBI HSM hart_start with a1 = opaque (unused).
 *
 * Both turn on Sv39 with boot_root (below: the direct map plus an identity
 * gigapage for this very code), jump to the kernel's high link address, take
 * their hart's stack and call into C. */
#include <platform/mmu.h>
#define PTE_KERNEL 0xef     /* V R W X G A D */

/* Interrupts off, Sv39 on with boot_root, then jump to `high` at its link
 * (virtual) address. Runs at the physical address, so `la` is pc-relative. */
.macro enter_high high
    csrw    sie, zero
    csrw    sscratch, zero
    la      t0, boot_root       /* pc-relative: its physical address */
    srli    t0, t0, 12
    li      t1, 8
    slli    t1, t1, 60          /* Sv39 */
    or      t0, t0, t1
    sfence.vma
    csrw    satp, t0
    sfence.vma
    la      t0, 1f
    ld      t0, 0(t0)
    jr      t0
    .balign 8
1:  .dword  \high
.endm

    .section .text.entry, "ax"
    .globl _start
_start:
    /* The first hart in is the boot hart. Under host load OpenSBI also lets
     * a hart that reached the firmware late in here (seen with -smp 4): it
     * waits until the boot hart lets secondaries run, then starts as one. */
    la      t0, boot_lottery
    li      t1, 1
    amoswap.w t1, t1, (t0)
    bnez    t1, late_hart
    enter_high boot_high

    .globl secondary_entry
secondary_entry:
    enter_high secondary_high

late_hart:
    la      t0, boot_secondaries_go
6:  lw      t1, 0(t0)
    bnez    t1, secondary_entry
    j       6b

    .section .text
/* gp, and this hart's stack: __stack_top - hartid (a0) * STACK_SIZE. */
.macro hart_stack
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    li      t0, STACK_SIZE
    mul     t0, t0, a0
    sub     sp, sp, t0
.endm

boot_high:
    hart_stack
    la      t0, __bss_start
    la      t1, __bss_end
2:  bgeu    t0, t1, 3f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       2b
3:  la      t0, trap_vector
    csrw    stvec, t0
    mv      s0, zero
    call    kmain               /* (hartid, dtb_pa) */
4:  wfi
    j       4b

secondary_high:
    hart_stack
    la      t0, trap_vector
    csrw    stvec, t0
    mv      s0, zero
    call    secondary_main      /* (hartid) */
5:  wfi
    j       5b

/* The boot root page table, also the kernel's root (idle harts run on it):
 * entries 256.. map physical GiB i at KERNEL_VBASE + i GiB; entry 2 maps
 * 0x8000_0000 to itself so the code above survives turning paging on. */
    .section .data
    /* In .data, not .bss: the boot hart clears .bss after it has won. */
    .balign 8
boot_lottery:
    .word 0
    .globl boot_secondaries_go
boot_secondaries_go:
    .word 0

    .balign 4096
    .globl boot_root
boot_root:
    .rept 2
    .dword 0
    .endr
    .dword (2 << 28) | 0xcf
    .rept 256 - 3
    .dword 0
    .endr
    .set gib, 0
    .rept 16
    .dword (gib << 28) | PTE_KERNEL
    .set gib, gib + 1
    .endr
    .rept 512 - 256 - 16
    .dword 0
    .endr
