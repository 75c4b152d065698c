/* The big kernel lock: a ticket lock, so harts get it in arrival order. */
#include "lock.h"
#include "cpu.h"

static struct {
    volatile uint32_t next;
    volatile uint32_t serving;
} big_lock;
static volatile int32_t holder = -1;

void kernel_lock(void)
{
    struct cpu *c = this_cpu();
    uint32_t ticket = __atomic_fetch_add(&big_lock.next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&big_lock.serving, __ATOMIC_ACQUIRE) != ticket)
        tlb_poll(c);
    holder = (int32_t)c->hartid;
}

void kernel_unlock(void)
{
    holder = -1;
    __atomic_store_n(&big_lock.serving, big_lock.serving + 1, __ATOMIC_RELEASE);
}

bool kernel_lock_held(void)
{
    return holder == (int32_t)this_cpu()->hartid;
}
