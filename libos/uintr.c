/* libos uintr: the syscall half of libos/uintr.h. The masking and dispatch
 * logic that needs no syscall is in uintr_delivery.c; the handler trampoline is
 * uintr_entry.S. Every wrapper counts its ecall in uintr_self.syscalls so the
 * benchmark can report syscalls per request without a kernel counter. */
#include "uintr.h"

#include "syscall.h"

_Static_assert(SYS_URET == 48, "uintr_entry.S hard-codes SYS_URET");

/* The trampoline the kernel enters (uintr_entry.S). */
extern void uintr_entry(uint64_t bits);

static inline void count(void)
{
    uintr_self.syscalls++;
}

long uintr_register_handler(uintr_handler_t h, unsigned flags)
{
    uint64_t entry = h ? (uint64_t)(uintptr_t)uintr_entry : 0;
    long va;

    count();
    va = syscall2(SYS_UINTR_REGISTER_HANDLER, (long)entry, flags);
    if (va < 0)
        return va;
    uintr_self.state = (struct uintr_state *)va;
    /* Publish the handler before delivery can find it. */
    __atomic_store_n(&uintr_self.handler, h, __ATOMIC_RELEASE);
    if (h)
        uintr_enable();
    return 0;
}

long uintr_unregister_handler(unsigned flags)
{
    long r;

    uintr_disable();
    count();
    r = syscall1(SYS_UINTR_UNREGISTER_HANDLER, flags);
    if (r >= 0)
        uintr_self.handler = 0;
    return r;
}

struct uintr_state *uintr_state_page(void)
{
    if (!uintr_self.state) {
        long va;

        count();
        va = syscall2(SYS_UINTR_REGISTER_HANDLER, 0, UINTR_HANDLER_NONE);
        if (va < 0)
            return NULL;
        uintr_self.state = (struct uintr_state *)va;
    }
    return uintr_self.state;
}

long uintr_vector_create(unsigned vector)
{
    count();
    return syscall1(SYS_UINTR_VECTOR_CREATE, vector);
}

long uintr_register_sender(int vector_h)
{
    count();
    return syscall1(SYS_UINTR_REGISTER_SENDER, vector_h);
}

long uintr_unregister_sender(int index)
{
    count();
    return syscall1(SYS_UINTR_UNREGISTER_SENDER, index);
}

long irq_bind(int irq_h, unsigned vector)
{
    count();
    return syscall2(SYS_IRQ_BIND, irq_h, vector);
}

long irq_ack(int irq_h)
{
    count();
    return syscall1(SYS_IRQ_ACK, irq_h);
}
