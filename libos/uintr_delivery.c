/* uintr delivery on the user side: the state machine of masking and
 * delivery, the parts of libos/uintr.h that need no syscall, kept apart from
 * uintr.c so the host unit test (tests/unit/test_uintr_delivery.c) can run
 * them against a state page in ordinary memory.
 *
 * States of one receiver thread, as this file sees them:
 *
 *   enabled=1, running      the kernel may enter the handler on any return
 *                           to user mode with pending != 0
 *   enabled=0, in handler   entered by the kernel (uintr_entry.S) or by
 *                           uintr_enable_slow; loops until pending is empty
 *   enabled=0, masked       uintr_disable(); bits accumulate in pending
 *
 * Every path that leaves a masked state re-checks pending after the enable
 * store, so a bit posted while masked is handled before the code goes on. */
#include "uintr.h"

__thread struct uintr_thread uintr_self;

/* Contract: delivery is disabled. Calls the handler with bits, then takes
 * whatever arrived meanwhile (atomic swap) and calls it again, until the swap
 * returns 0. With no handler the bits are dropped, which only happens when a
 * handler was unregistered while delivery was under way. */
void uintr_dispatch(uint64_t bits)
{
    struct uintr_thread *self = &uintr_self;
    struct uintr_state *st = self->state;

    while (bits) {
        uintr_handler_t h = self->handler;

        self->handled++;
        if (h)
            h(bits);
        bits = __atomic_exchange_n(&st->pending, 0, __ATOMIC_ACQ_REL);
    }
}

/* Contract: called by uintr_enable after its enable store found pending != 0.
 * With no handler the bits are left for uintr_wait. Otherwise mask again,
 * drain through the handler, unmask and re-check, until an unmask sees
 * nothing pending. If the kernel delivers in the window between an unmask and
 * the re-check, its handler run empties pending and the loop ends. */
void uintr_enable_slow(void)
{
    struct uintr_state *st = uintr_self.state;

    if (!uintr_self.handler)
        return;
    do {
        st->enabled = 0;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        uintr_dispatch(__atomic_exchange_n(&st->pending, 0, __ATOMIC_ACQ_REL));
        st->enabled = 1;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while (st->pending != 0);
}

/* Contract: bits were taken from this thread's pending word by a wait that
 * did not want them. Putting them back with an atomic OR composes with the
 * kernel's own ORs and with swaps; the enable path then hands them to the
 * handler exactly as if they had just arrived. */
void uintr_repost(uint64_t bits)
{
    struct uintr_state *st = uintr_self.state;

    if (!bits || !st)
        return;
    __atomic_fetch_or(&st->pending, bits, __ATOMIC_ACQ_REL);
    if (st->enabled)
        uintr_enable();
}
