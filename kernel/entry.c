/* The kernel's side of a trap from user mode (see entry.h). */
#include "entry.h"
#include "lock.h"
#include "sched.h"
#include "space.h"
#include "syscall.h"
#include <chime/layout.h>

noreturn void kernel_clock_get(struct trapframe *tf)
{
    tf->a0 = (uint64_t)sys_clock_get(tf);
    trap_return(tf);
}

noreturn void kernel_syscall_locked(struct trapframe *tf)
{
    kernel_lock();
    syscall_locked(tf);
}

noreturn void kernel_interrupt(void)
{
    kernel_lock();
    sched_handle_interrupts(this_cpu());
    sched_return();
}

/* One line says why; a thread already dying (its process is ending) just
 * goes on to its end. */
noreturn void kernel_user_fault(struct trapframe *tf, const char *what, uint64_t addr)
{
    kernel_lock();
    struct cpu *c = this_cpu();
    struct thread *t = c->current;
    if (!t->dying) {
        struct space *s = t->space;
        kprintf("chime: process '%s' (id %lu) killed: %s at 0x%lx (pc 0x%lx, hart %u)\n", s->name,
                s->id, what, addr, tf->pc, c->hartid);
        space_exit(s, CHIME_STATUS_FAULT);
    }
    sched_return();
}
