/* The saved user context of a thread: every register the user can see.
 * trap_entry.S saves into it on entry from U-mode and restores from it on the way
 * back; the offsets below are what trap_entry.S uses, checked by _Static_assert. */
#ifndef PLATFORM_TRAPFRAME_H
#define PLATFORM_TRAPFRAME_H

#define TF_RA   0
#define TF_SP   8
#define TF_GP   16
#define TF_TP   24
#define TF_T0   32
#define TF_A0   72
#define TF_PC   248
#define TF_SIZE 256

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
_Static_assert(offsetof(struct trapframe, tp) == TF_TP, "tf tp");
_Static_assert(offsetof(struct trapframe, t0) == TF_T0, "tf t0");
_Static_assert(offsetof(struct trapframe, a0) == TF_A0, "tf a0");
_Static_assert(offsetof(struct trapframe, pc) == TF_PC, "tf pc");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "tf size");

#endif

#endif
