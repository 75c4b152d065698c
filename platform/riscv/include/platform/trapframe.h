/* The saved user context of a thread: every register the user can see.
 * trap_entry.S saves into it on entry from U-mode and restores from it on
 * the way back, through the offsets below (register xN+1 at N * 8, then
 * pc); _Static_assert checks each against the struct. The S-mode trap
 * frame (kernel_trap) has the same layout, then sstatus at TF_SIZE. */
#ifndef PLATFORM_TRAPFRAME_H
#define PLATFORM_TRAPFRAME_H

#define TF_RA   (0 * 8)
#define TF_SP   (1 * 8)
#define TF_GP   (2 * 8)
#define TF_TP   (3 * 8)
#define TF_T0   (4 * 8)
#define TF_T1   (5 * 8)
#define TF_T2   (6 * 8)
#define TF_S0   (7 * 8)
#define TF_S1   (8 * 8)
#define TF_A0   (9 * 8)
#define TF_A1   (10 * 8)
#define TF_A2   (11 * 8)
#define TF_A3   (12 * 8)
#define TF_A4   (13 * 8)
#define TF_A5   (14 * 8)
#define TF_A6   (15 * 8)
#define TF_A7   (16 * 8)
#define TF_S2   (17 * 8)
#define TF_S3   (18 * 8)
#define TF_S4   (19 * 8)
#define TF_S5   (20 * 8)
#define TF_S6   (21 * 8)
#define TF_S7   (22 * 8)
#define TF_S8   (23 * 8)
#define TF_S9   (24 * 8)
#define TF_S10  (25 * 8)
#define TF_S11  (26 * 8)
#define TF_T3   (27 * 8)
#define TF_T4   (28 * 8)
#define TF_T5   (29 * 8)
#define TF_T6   (30 * 8)
#define TF_PC   (31 * 8)
#define TF_SIZE (32 * 8)

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct trapframe {
    uint64_t ra, sp, gp, tp;                           /* x1..x4 */
    uint64_t t0, t1, t2;                               /* x5..x7 */
    uint64_t s0, s1;                                   /* x8, x9 */
    uint64_t a0, a1, a2, a3, a4, a5, a6, a7;           /* x10..x17 */
    uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11; /* x18..x27 */
    uint64_t t3, t4, t5, t6;                           /* x28..x31 */
    uint64_t pc;                                       /* sepc: where the thread resumes */
};

_Static_assert(offsetof(struct trapframe, ra) == TF_RA, "tf ra");
_Static_assert(offsetof(struct trapframe, sp) == TF_SP, "tf sp");
_Static_assert(offsetof(struct trapframe, gp) == TF_GP, "tf gp");
_Static_assert(offsetof(struct trapframe, tp) == TF_TP, "tf tp");
_Static_assert(offsetof(struct trapframe, t0) == TF_T0, "tf t0");
_Static_assert(offsetof(struct trapframe, t1) == TF_T1, "tf t1");
_Static_assert(offsetof(struct trapframe, t2) == TF_T2, "tf t2");
_Static_assert(offsetof(struct trapframe, s0) == TF_S0, "tf s0");
_Static_assert(offsetof(struct trapframe, s1) == TF_S1, "tf s1");
_Static_assert(offsetof(struct trapframe, a0) == TF_A0, "tf a0");
_Static_assert(offsetof(struct trapframe, a1) == TF_A1, "tf a1");
_Static_assert(offsetof(struct trapframe, a2) == TF_A2, "tf a2");
_Static_assert(offsetof(struct trapframe, a3) == TF_A3, "tf a3");
_Static_assert(offsetof(struct trapframe, a4) == TF_A4, "tf a4");
_Static_assert(offsetof(struct trapframe, a5) == TF_A5, "tf a5");
_Static_assert(offsetof(struct trapframe, a6) == TF_A6, "tf a6");
_Static_assert(offsetof(struct trapframe, a7) == TF_A7, "tf a7");
_Static_assert(offsetof(struct trapframe, s2) == TF_S2, "tf s2");
_Static_assert(offsetof(struct trapframe, s3) == TF_S3, "tf s3");
_Static_assert(offsetof(struct trapframe, s4) == TF_S4, "tf s4");
_Static_assert(offsetof(struct trapframe, s5) == TF_S5, "tf s5");
_Static_assert(offsetof(struct trapframe, s6) == TF_S6, "tf s6");
_Static_assert(offsetof(struct trapframe, s7) == TF_S7, "tf s7");
_Static_assert(offsetof(struct trapframe, s8) == TF_S8, "tf s8");
_Static_assert(offsetof(struct trapframe, s9) == TF_S9, "tf s9");
_Static_assert(offsetof(struct trapframe, s10) == TF_S10, "tf s10");
_Static_assert(offsetof(struct trapframe, s11) == TF_S11, "tf s11");
_Static_assert(offsetof(struct trapframe, t3) == TF_T3, "tf t3");
_Static_assert(offsetof(struct trapframe, t4) == TF_T4, "tf t4");
_Static_assert(offsetof(struct trapframe, t5) == TF_T5, "tf t5");
_Static_assert(offsetof(struct trapframe, t6) == TF_T6, "tf t6");
_Static_assert(offsetof(struct trapframe, pc) == TF_PC, "tf pc");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "tf size");
#endif

#endif
