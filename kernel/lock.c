/* The contended path of the big kernel lock (lock.h). */
#include "lock.h"
#include "cpu.h"

struct ticket_lock big_lock;

void kernel_lock_wait(uint64_t ticket)
{
    struct cpu *c = this_cpu();
    while (__atomic_load_n(&big_lock.serving, __ATOMIC_ACQUIRE) != ticket)
        tlb_poll(c);
}
