/* Per-hart state. tp points at this hart's struct cpu while in the kernel;
 * sscratch holds it while the hart runs user code (see platform/riscv/trap_entry.S). */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include "lib.h"
#include <platform/cpu_asm.h>
#include <platform/trapframe.h>
#include <chime/layout.h>
#include <chime/syscall.h>

#define MAX_HARTS CHIME_MAX_HARTS
#define NPRIO     (CHIME_PRIO_MAX + 1)

struct thread;
struct space;

/* Ready threads of one hart: one FIFO per priority and a bitmap of the
 * non-empty ones, so the highest is found with one count-leading-zeros. */
struct runqueue {
    uint32_t bitmap;
    uint32_t count;
    struct list queue[NPRIO];
};

struct cpu {
    uint64_t scratch;       /* CPU_SCRATCH: trap_entry.S temporary */
    struct thread *current; /* CPU_CURRENT: NULL while idle; its trapframe is first */
    uint64_t kstack_top;    /* CPU_KSTACK */
    uint32_t hartid;
    uint32_t hartbit;    /* 1 << hartid */
    bool need_resched;   /* a higher-priority thread became ready here */
    struct space *space; /* address space loaded in satp (NULL: kernel) */
    struct runqueue rq;
    uint64_t slice_end;              /* time-slice deadline of `current`, ticks */
    uint64_t timer_armed;            /* value in stimecmp */
    struct chime_hart_info *info;    /* this hart's entry in the info page */
    volatile uint32_t tlb_flush_req; /* set by a remote hart, cleared here */
};

_Static_assert(offsetof(struct cpu, scratch) == CPU_SCRATCH, "cpu scratch");
_Static_assert(offsetof(struct cpu, current) == CPU_CURRENT, "cpu current");
_Static_assert(offsetof(struct cpu, kstack_top) == CPU_KSTACK, "cpu kstack");

extern struct cpu cpus[MAX_HARTS];

#ifndef HOST_TEST
/* In the kernel, tp always holds this hart's struct cpu (trap_entry.S). */
register struct cpu *cpu_tp __asm__("tp");
#else
extern struct cpu *cpu_tp; /* host tests: the hart the code "runs" on */
#endif

static inline struct cpu *this_cpu(void)
{
    return cpu_tp;
}

/* The thread this hart runs: in a syscall, the caller. */
static inline struct thread *current_thread(void)
{
    return cpu_tp->current;
}

/* Answer a pending TLB shootdown request (lock-free; see tlb.c). */
void tlb_poll(struct cpu *c);

#endif
