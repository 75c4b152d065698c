/* User-mode interrupts: the shared receiver state page.
 *
 * Chime keeps the programming model of Intel UIPI and the RISC-V UINTC
 * proposal, implemented by the kernel (see docs/uintr.md):
 *
 *   receiver   a thread with a state page (below): 64 pending bits + enable flag
 *   vector     a handle naming (receiver thread, vector 0..63); it can be given
 *              to another process
 *   sender     an index into the sending process's sender table, made by
 *              registering a vector handle; uipi_send(index) posts the vector
 *
 * The kernel ORs bits into `pending` (a sender never writes it). The receiver
 * reads and clears pending with an atomic swap, and masks delivery by storing
 * to `enabled` (the stui/clui of the hardware designs): neither needs a syscall.
 *
 * Handler entry: when pending != 0 and enabled == 1 on a return to user mode,
 * the kernel saves the user context, stores enabled = 0, swaps pending to 0 and
 * enters the registered entry with a0 = the bits taken, sp = the interrupted sp
 * rounded down to 16 bytes minus CHIME_UINTR_STACK_GAP, and ra = 0. The entry
 * loops until pending is empty, then calls SYS_URET, which restores every
 * register of the interrupted code and stores enabled = 1 (re-delivering at
 * once if bits arrived in between). */
#ifndef CHIME_UINTR_H
#define CHIME_UINTR_H

#include <stdint.h>

#define CHIME_UINTR_VECTORS     64
#define CHIME_UINTR_MAX_SENDERS 2048 /* sender-table entries per process */
#define CHIME_UINTR_STACK_GAP   128

/* The per-thread receiver state page (one page, mapped read-write in the
 * receiver's space at the address SYS_UINTR_REGISTER_HANDLER returns). */
struct uintr_state {
    volatile uint64_t pending; /* kernel: atomic OR; receiver: atomic swap */
    volatile uint32_t enabled; /* 1: deliver to the handler; 0: masked */
    volatile uint32_t blocked; /* kernel: 1 while the thread is in uintr_wait */
    uint64_t entry;            /* registered entry point (read-only copy) */
    uint64_t delivered;        /* kernel: number of handler entries (stats) */
    uint64_t reserved[4];
};
_Static_assert(sizeof(struct uintr_state) == 64, "uintr_state is one cache line");

/* Flags for SYS_UINTR_REGISTER_HANDLER. */
#define UINTR_HANDLER_NONE 0u /* no handler: receive only through uintr_wait */

#endif
