/* Offsets in struct cpu (kernel/cpu.h) that trap_entry.S reads; checked there. */
#ifndef PLATFORM_CPU_ASM_H
#define PLATFORM_CPU_ASM_H

#define CPU_SCRATCH 0  /* one register's worth of room during trap entry */
#define CPU_CURRENT 8  /* struct thread * running in U-mode; its trapframe is first */
#define CPU_KSTACK  16 /* top of this hart's kernel stack */

#endif
