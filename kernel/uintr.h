/* User-mode interrupts, kernel side (the model: include/chime/uintr.h).
 *
 *   receiver  per thread: the shared state page (pending bits, enable flag),
 *             the registered entry, the context saved while the handler runs
 *   vector    an object naming (receiver thread, vector number); handles to
 *             it can travel to other processes
 *   sender    per process: a table of vectors, indexed by uipi_send's index */
#ifndef KERNEL_UINTR_H
#define KERNEL_UINTR_H

#include "object.h"
#include "thread.h"
#include <chime/uintr.h>

struct vector {
    struct kobj obj;
    struct thread *recv; /* NULL once the receiver thread has ended */
    uint64_t bit;        /* 1 << its vector number */
};

struct receiver {
    struct uintr_state *state; /* kernel view of the state page */
    uint64_t state_pa;
    uint64_t state_va; /* where the receiver sees it */
    uint64_t entry;    /* handler entry, 0 = none */
    bool in_handler;   /* `saved` holds the interrupted context */
    struct trapframe saved;
    struct vector *vec[CHIME_UINTR_VECTORS]; /* vectors made for this thread */
};

struct sender_table {
    struct vector *entry[CHIME_UINTR_MAX_SENDERS];
    uint32_t sent[CHIME_UINTR_MAX_SENDERS]; /* general-path sends per entry (sys_info.c) */
};

/* The receiver of t, created (state page mapped) on first use; NULL if out of memory. */
struct receiver *uintr_receiver_get(struct thread *t);
/* The vector object for (t, v), made on first use; NULL if out of memory. */
struct vector *uintr_vector_get(struct thread *t, unsigned v);
/* Add v to s's sender table: the index, or CHIME_ENOMEM when full. */
int uintr_sender_add(struct space *s, struct vector *v);
void uintr_sender_remove(struct space *s, int index);
/* OR bits into t's pending word and make t notice (wake, IPI or nothing). */
void uintr_post(struct thread *t, uint64_t bits);

/* Swap rs->pending with 0, acquiring: one amoswap from the zero register
 * (the compiler's __atomic_exchange_n loads a 0 into a register first). */
static inline uint64_t uintr_take_pending(struct uintr_state *rs)
{
    uint64_t bits = 0; /* (for cppcheck: the asm writes it) */
    __asm__ volatile("amoswap.d.aq %0, zero, (%1)" : "=r"(bits) : "r"(&rs->pending) : "memory");
    return bits;
}

/* End the uintr wait of r (T_BLOCKED, B_UINTR): its wait returns 0 with all
 * its pending bits and bit in a1. Only stores besides the swap, so the
 * fastpath can use it past its point of no return; the caller makes r run
 * (sched_switch_direct) or ready. The one way a posted bit ends a wait: the
 * fastpath, uipi_send and uintr_post all release through it. */
static inline __attribute__((always_inline)) void uintr_release_waiter(struct thread *r,
                                                                       uint64_t bit)
{
    struct uintr_state *rs = r->ustate;
    r->tf.a1 = uintr_take_pending(rs) | bit;
    r->tf.a0 = 0;
    rs->blocked = 0;
    r->block = B_NONE;
}

/* Put t, this hart's current thread with uintr state st, in a uintr wait
 * (st->blocked tells user space). Only stores; the caller arms a timeout
 * if there is one and leaves t. Shared by the fastpath and the general wait. */
static inline __attribute__((always_inline)) void uintr_wait_begin(struct thread *t,
                                                                   struct uintr_state *st)
{
    st->blocked = 1;
    t->state = T_BLOCKED;
    t->block = B_UINTR;
}

void uintr_deliver_check(struct thread *t); /* on the way to user mode */
void uintr_wait_done(struct thread *t);     /* t leaves a uintr wait */
void uintr_thread_exit(struct thread *t);
void uintr_space_exit(struct space *s);
void vector_destroy(struct vector *v);

long sys_uintr_register_handler(struct trapframe *tf);
long sys_uintr_unregister_handler(struct trapframe *tf);
long sys_uintr_vector_create(struct trapframe *tf);
long sys_uintr_register_sender(struct trapframe *tf);
long sys_uintr_unregister_sender(struct trapframe *tf);
long sys_uipi_send(struct trapframe *tf);
long sys_uintr_wait(struct trapframe *tf);
long sys_uintr_send_wait(struct trapframe *tf);
long sys_uret(struct trapframe *tf);

#endif
