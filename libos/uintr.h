/* libos: user-mode interrupts (uintr), the user side of include/chime/uintr.h.
 *
 * Error convention: every function here that can fail returns a value >= 0 on
 * success or a negative CHIME_E* code (include/chime/errno.h). errno is never
 * touched, so these calls are safe inside a uintr handler. Use libos_ret()
 * (libos.h) to turn a result into the POSIX -1/errno form.
 *
 * A thread becomes a receiver the first time it calls uintr_register_handler
 * or uintr_vector_create; the kernel then maps its struct uintr_state page.
 * The page and the handler are per thread (they live in TLS here).
 *
 * Two ways to receive:
 *   - a handler: void h(uint64_t bits), entered by the kernel (through
 *     uintr_entry.S) with delivery disabled; it may run between any two
 *     instructions of the thread while delivery is enabled. It is called
 *     again until no bits are pending, then the interrupted code resumes
 *     with every register intact.
 *   - uintr_wait / uintr_send_wait: block until a bit is pending and hand
 *     back the bits taken. Those bits are *not* passed to the handler: the
 *     caller owns them.
 *
 * Masking costs no syscall: uintr_disable() and uintr_enable() are one store
 * each to the state page (the clui/stui of the hardware designs). Bits that
 * arrive while delivery is disabled stay pending; uintr_enable() checks for
 * them and runs the handler itself, so nothing waits for the next kernel
 * entry.
 *
 * Handlers must not call uintr_enable(), and should be short: they borrow the
 * interrupted code's stack (below a CHIME_UINTR_STACK_GAP red zone). */
#ifndef LIBOS_UINTR_H
#define LIBOS_UINTR_H

#include <stddef.h>
#include <stdint.h>

#include <chime/errno.h>
#include <chime/syscall.h>
#include <chime/uintr.h>

typedef void (*uintr_handler_t)(uint64_t bits);

/* Per-thread receiver state, kept in TLS (libos-private; tests and the entry
 * trampoline read it). */
struct uintr_thread {
    struct uintr_state *state; /* the kernel's page; NULL before registering */
    uintr_handler_t handler;   /* NULL: receive only through uintr_wait */
    uint64_t syscalls;         /* uintr/ipc syscalls this thread made (bench) */
    uint64_t handled;          /* handler calls, from delivery or enable */
};

extern __thread struct uintr_thread uintr_self;

/* ---- receiver -------------------------------------------------------- */

/* Make the calling thread a receiver with handler h (NULL: none, receive
 * only with uintr_wait). Calling again replaces the handler. Delivery is
 * enabled on return when h is not NULL. Returns 0 or a negative code. */
long uintr_register_handler(uintr_handler_t h, unsigned flags);

/* Drop the handler: from now on bits are received only with uintr_wait. */
long uintr_unregister_handler(unsigned flags);

/* A handle naming vector v (0..63) of the calling thread, to be granted to a
 * sender. CHIME_EEXIST if v already has a handle. */
long uintr_vector_create(unsigned vector);

/* The calling thread's state page (registering it with no handler when the
 * thread has none yet), or NULL when the kernel refuses. */
struct uintr_state *uintr_state_page(void);

/* ---- sender ---------------------------------------------------------- */

/* Register as a sender to the vector named by vector_h. Returns the sender
 * index for uipi_send (>= 0) or a negative code. */
long uintr_register_sender(int vector_h);
long uintr_unregister_sender(int index);

/* The three calls on the IPC fastpath are inline: one ecall each, plus the
 * syscall count. (The host unit tests see only the declarations.) */
#ifdef __riscv
#include "syscall.h"
#define UINTR_INLINE static inline
#else
#define UINTR_INLINE
#endif

/* Post the vector of sender entry index. CHIME_EINVAL: no such entry;
 * CHIME_EPIPE: the receiver is gone. One ecall. */
UINTR_INLINE long uipi_send(int index);

/* ---- waiting --------------------------------------------------------- */

/* Block until a bit is pending, at most timeout_ns (CHIME_FOREVER: no limit,
 * 0: poll). Returns 0 with the bits consumed in *bits (never 0), or a
 * negative code (CHIME_ETIMEDOUT, ...) with *bits = 0. */
UINTR_INLINE long uintr_wait(uint64_t timeout_ns, uint64_t *bits);

/* uipi_send(index) then uintr_wait(timeout_ns), in one kernel entry: the IPC
 * fastpath. Like a function call, it may clobber the temporaries. */
UINTR_INLINE long uintr_send_wait(int index, uint64_t timeout_ns, uint64_t *bits);

#ifdef __riscv
UINTR_INLINE long uipi_send(int index)
{
    uintr_self.syscalls++;
    return syscall1(SYS_UIPI_SEND, index);
}

/* The two waits without the uintr_self.syscalls count, for a loop that
 * counts in a register and adds it up later (ipc_server.h). */
UINTR_INLINE long uintr_wait_uncounted(uint64_t timeout_ns, uint64_t *bits)
{
    register long a0 __asm__("a0") = (long)timeout_ns;
    register long a1 __asm__("a1");
    register long a7 __asm__("a7") = SYS_UINTR_WAIT;
    __asm__ volatile("ecall" : "+r"(a0), "=r"(a1) : "r"(a7) : "memory");
    *bits = (uint64_t)a1;
    return a0;
}

UINTR_INLINE long uintr_send_wait_uncounted(int index, uint64_t timeout_ns, uint64_t *bits)
{
    register long a0 __asm__("a0") = index;
    register long a1 __asm__("a1") = (long)timeout_ns;
    register long a7 __asm__("a7") = SYS_UINTR_SEND_WAIT;
    /* a7 too: the fastpath does not save it, so it comes back stale. */
    __asm__ volatile("ecall"
                     : "+r"(a0), "+r"(a1), "+r"(a7)
                     :
                     : "memory", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a2", "a3", "a4", "a5",
                       "a6");
    *bits = (uint64_t)a1;
    return a0;
}

UINTR_INLINE long uintr_wait(uint64_t timeout_ns, uint64_t *bits)
{
    uintr_self.syscalls++;
    return uintr_wait_uncounted(timeout_ns, bits);
}

UINTR_INLINE long uintr_send_wait(int index, uint64_t timeout_ns, uint64_t *bits)
{
    uintr_self.syscalls++;
    return uintr_send_wait_uncounted(index, timeout_ns, bits);
}
#endif

/* ---- device interrupts ----------------------------------------------- */

/* Route the IRQ line irq_h to vector of the calling thread; the line stays
 * masked after each interrupt until irq_ack. */
long irq_bind(int irq_h, unsigned vector);
long irq_ack(int irq_h);

/* ---- masking and polling, no syscall ---------------------------------- */

/* Slow half of uintr_enable: runs the handler for bits that arrived while
 * delivery was disabled, until none are pending (uintr_delivery.c). */
void uintr_enable_slow(void);

/* Run the handler for bits, then for whatever else is pending, until pending
 * is empty. Called with delivery disabled (uintr_delivery.c). */
void uintr_dispatch(uint64_t bits);

/* Post bits to the calling thread itself (atomic OR into its own pending
 * word) and, when delivery is enabled, run the handler for them now. For
 * code that took bits with uintr_wait that belong to someone else (the
 * handler, or a later uintr_wait). */
void uintr_repost(uint64_t bits);

/* Mask delivery (clui). Returns the previous state, for uintr_restore. */
static inline unsigned uintr_disable(void)
{
    struct uintr_state *st = uintr_self.state;
    unsigned was;

    if (!st)
        return 0;
    was = st->enabled;
    st->enabled = 0;
    /* Later accesses must not move above the mask. */
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    return was;
}

/* Unmask delivery (stui). If bits arrived while masked, run the handler now:
 * the store must be ordered before the load of pending (a full fence), or a
 * bit posted in between would be seen neither by the kernel (enabled was 0)
 * nor by us. */
static inline void uintr_enable(void)
{
    struct uintr_state *st = uintr_self.state;

    if (!st)
        return;
    st->enabled = 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__builtin_expect(st->pending != 0, 0))
        uintr_enable_slow();
}

static inline void uintr_restore(unsigned was_enabled)
{
    if (was_enabled)
        uintr_enable();
}

/* Take the pending bits without a syscall (atomic swap to 0). They are then
 * the caller's; the handler does not see them. */
static inline uint64_t uintr_read_pending(void)
{
    struct uintr_state *st = uintr_self.state;

    if (!st)
        return 0;
    return __atomic_exchange_n(&st->pending, 0, __ATOMIC_ACQ_REL);
}

#endif
