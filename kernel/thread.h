/* Threads (TCBs). A thread's user context lives in its trapframe; the kernel
 * keeps no stack per thread (one kernel stack per hart, seL4-style): a thread
 * blocked in a syscall is just a trapframe plus a state, and the waker writes
 * the syscall's result into tf.a0. */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include "lib.h"
#include "object.h"
#include <platform/trapframe.h>

enum thread_state {
    T_READY,   /* on a run queue */
    T_RUNNING, /* some hart's current */
    T_BLOCKED, /* waiting: see block */
    T_DEAD,    /* finished; the struct lives while handles refer to it */
};

enum block_reason {
    B_NONE,
    B_SLEEP,      /* SYS_SLEEP: only the timeout ends it */
    B_UINTR,      /* SYS_UINTR_WAIT / SEND_WAIT */
    B_SPACE_WAIT, /* SYS_SPACE_WAIT: on the space's waiter list */
    B_FUTEX,      /* SYS_FUTEX_WAIT: on a futex bucket (futex.c) */
};

/* Affinity mask of a thread that may run anywhere (0 from user space). */
#define THREAD_ANY_HART 0xffffffffu

struct space;
struct receiver;
struct uintr_state;

struct thread {
    struct trapframe tf; /* first: the trap entry finds it as cpu->current */
    struct kobj obj;
    uint64_t id;                /* kernel-wide, never reused */
    struct space *space;        /* holds a reference */
    uint8_t state;              /* enum thread_state */
    uint8_t block;              /* enum block_reason while T_BLOCKED */
    uint8_t prio;               /* 0 .. CHIME_PRIO_MAX, higher first */
    bool dying;                 /* killed while running on some hart */
    int32_t hart;               /* hart it runs on, is queued on, or last ran on */
    uint32_t affinity;          /* mask of harts it may run on (all bits: any) */
    uint64_t wake_at;           /* timeout deadline (ticks) while on the timeout list */
    struct list link;           /* run queue, or the wait list of what it waits for */
    struct list timeout_link;   /* global timeout list (sched.c) */
    struct list space_link;     /* its space's thread list */
    struct receiver *recv;      /* uintr receiver state, NULL if none */
    struct uintr_state *ustate; /* recv->state, one load closer (fastpath) */
    uint64_t futex_va;          /* word it waits on while B_FUTEX */
    uint64_t dispatches;        /* times the scheduler switched to it (SYS_THREAD_STATS) */
};

_Static_assert(offsetof(struct thread, tf) == 0, "trapframe first");

/* New thread in space s, ready to run at pc. NULL if out of memory. */
struct thread *thread_create(struct space *s, uint64_t pc, uint64_t sp, uint64_t arg, uint64_t tp,
                             uint32_t affinity);
/* End t now if it is not running anywhere, else mark it dying and make its
 * hart notice. Either way t never returns to user mode. */
void thread_kill(struct thread *t);
/* Final step of a thread that no hart runs any more: T_DEAD, release its
 * resources, tell its space. */
void thread_finish(struct thread *t);
void thread_destroy(struct thread *t); /* last reference gone (object.c) */
/* Give t (not T_DEAD) priority prio: requeued if ready, its hart told if
 * running. The caller has checked prio against t's space's ceiling. */
void thread_set_priority(struct thread *t, uint8_t prio);

/* Syscalls (syscall.c's table). */
long sys_thread_create(struct trapframe *tf);
long sys_thread_exit(struct trapframe *tf);
long sys_yield(struct trapframe *tf);
long sys_sleep(struct trapframe *tf);
long sys_thread_priority(struct trapframe *tf);
long sys_thread_affinity(struct trapframe *tf);
long sys_thread_id(struct trapframe *tf);
long sys_thread_stats(struct trapframe *tf);

#endif
