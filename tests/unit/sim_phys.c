/* Simulated physical memory (see sim_phys.h). */
#include "sim_phys.h"
#include <stdlib.h>
#include <string.h>
#include <platform/mmu.h>

struct frame_pool kernel_frames; /* unused on the host; frame.h declares it */
struct frame_pool sim_pool;
static uint8_t *ram;
static uint64_t bitmap[(SIM_RAM_SIZE / PAGE_SIZE + 63) / 64];
static long fail_after = -1;
/* DMA pins as kernel/frame.c keeps them: a count per frame and a bit for
 * "freed while pinned", whose last unpin frees it. */
#define SIM_PIN_FREED 0x8000u
static uint16_t pins[SIM_RAM_SIZE / PAGE_SIZE];
uint64_t sim_phys_touches;

void sim_phys_reset(void)
{
    free(ram);
    ram = aligned_alloc(PAGE_SIZE, SIM_RAM_SIZE);
    memset(ram, 0xa5, SIM_RAM_SIZE); /* garbage, so zeroing is tested */
    frame_pool_init(&sim_pool, SIM_RAM_BASE, SIM_RAM_SIZE / PAGE_SIZE, bitmap);
    frame_pool_release_range(&sim_pool, SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    fail_after = -1;
    sim_phys_touches = 0;
    memset(pins, 0, sizeof(pins));
}

void sim_phys_fail_after(long n)
{
    fail_after = n;
}

void *phys_to_virt(uint64_t pa)
{
    sim_phys_touches++;
    if (pa < SIM_RAM_BASE || pa >= SIM_RAM_BASE + SIM_RAM_SIZE)
        abort(); /* kernel code touched memory outside RAM */
    return ram + (pa - SIM_RAM_BASE);
}

uint64_t virt_to_phys(const void *va)
{
    return SIM_RAM_BASE + (uint64_t)((const uint8_t *)va - ram);
}

uint64_t frame_alloc(void)
{
    if (fail_after == 0)
        return 0;
    if (fail_after > 0)
        fail_after--;
    uint64_t pa = frame_pool_alloc(&sim_pool);
    if (pa)
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

static uint16_t *sim_pin_of(uint64_t pa)
{
    if (pa < SIM_RAM_BASE || pa >= SIM_RAM_BASE + SIM_RAM_SIZE)
        return NULL;
    return &pins[(pa - SIM_RAM_BASE) / PAGE_SIZE];
}

void frame_free(uint64_t pa)
{
    uint16_t *c = sim_pin_of(pa);
    if (c && *c) {
        if (*c & SIM_PIN_FREED)
            abort(); /* a double free of a pinned frame */
        *c |= SIM_PIN_FREED;
        return;
    }
    if (!frame_pool_free(&sim_pool, pa, 1))
        abort(); /* a double or bad free in kernel code */
}

bool frame_pin(uint64_t pa)
{
    uint16_t *c = sim_pin_of(pa);
    if (c)
        (*c)++;
    return true;
}

void frame_unpin(uint64_t pa)
{
    uint16_t *c = sim_pin_of(pa);
    if (!c)
        return;
    if (!(*c & ~SIM_PIN_FREED))
        abort(); /* unpin of a frame that is not pinned */
    if (--*c == SIM_PIN_FREED) {
        *c = 0;
        if (!frame_pool_free(&sim_pool, pa & ~(uint64_t)(PAGE_SIZE - 1), 1))
            abort();
    }
}

uint64_t frame_alloc_contig(uint64_t n)
{
    if (fail_after == 0)
        return 0;
    if (fail_after > 0)
        fail_after--;
    uint64_t pa = frame_pool_alloc_contig(&sim_pool, n, 1);
    if (pa)
        memset(phys_to_virt(pa), 0, n * PAGE_SIZE);
    return pa;
}

void frame_free_n(uint64_t pa, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        frame_free(pa + i * PAGE_SIZE);
}
