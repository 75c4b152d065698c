/* Simulated physical memory for host tests of kernel code: a buffer that
 * stands for SIM_RAM_SIZE bytes of RAM at SIM_RAM_BASE, a frame pool over it,
 * and the frame_alloc/phys_to_virt the kernel files call. */
#ifndef TESTS_SIM_PHYS_H
#define TESTS_SIM_PHYS_H

#include <stdint.h>
#include "frame.h"

#define SIM_RAM_BASE 0x80000000ull
#define SIM_RAM_SIZE (4ull << 20)

extern struct frame_pool sim_pool;

/* (Re)create the RAM and a pool with every frame free. */
void sim_phys_reset(void);
/* Fail frame_alloc after n more successes (-1 = never). */
void sim_phys_fail_after(long n);
/* phys_to_virt calls since the last reset: how much memory kernel code
 * walked, for tests that bound work. */
extern uint64_t sim_phys_touches;

#endif
