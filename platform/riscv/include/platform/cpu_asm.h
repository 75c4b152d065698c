/* Offsets in struct cpu (kernel/cpu.h) that trap_entry.S reads: every field
 * the assembly touches, each checked by a _Static_assert there. */
#ifndef PLATFORM_CPU_ASM_H
#define PLATFORM_CPU_ASM_H

#define CPU_SCRATCH (0 * 8) /* one register's worth of room during trap entry */
#define CPU_CURRENT (1 * 8) /* struct thread * running in U-mode; its trapframe is first */
#define CPU_KSTACK  (2 * 8) /* top of this hart's kernel stack */

#endif
