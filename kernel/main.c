/* Kernel entry: the boot hart's kmain and every other hart's secondary_main. */
#include "boot.h"
#include "cpu.h"
#include "frame.h"
#include "info.h"
#include "lock.h"
#include <platform/platform.h>
#include "sched.h"
#include "space.h"
#include <platform/csr.h>
#include <platform/mmu.h>

_Static_assert(STACK_HARTS == MAX_HARTS, "kernel.ld.in has a stack for every hart");

#define DTB_MAX (64 * 1024)

extern char __kernel_start[], __kernel_end[], __stack_top[];
extern uint64_t boot_root[];

static uint8_t dtb_copy[DTB_MAX] __attribute__((aligned(8)));
static struct fdt_machine machine;
static volatile uint32_t harts_up;

static struct cpu *cpu_setup(uint64_t hartid)
{
    if (hartid >= MAX_HARTS)
        for (;;)
            wfi(); /* beyond what this kernel supports: stay parked */
    struct cpu *c = &cpus[hartid];
    c->hartid = (uint32_t)hartid;
    c->hartbit = 1u << hartid;
    c->kstack_top = (uint64_t)__stack_top - hartid * STACK_SIZE;
    __asm__ volatile("mv tp, %0" ::"r"(c));
    return c;
}

/* Frame allocator over the DTB's memory, minus OpenSBI, the kernel image,
 * the allocator's own bitmap and the boot archive. */
static void memory_init(const struct fdt_machine *m)
{
    uint64_t lo = ~0ull, hi = 0;
    for (int i = 0; i < m->nmem; i++) {
        lo = MIN(lo, m->mem[i].base);
        hi = MAX(hi, m->mem[i].base + m->mem[i].size);
    }
    if (m->nmem == 0 || hi > DIRECT_MAP_GIB * (1ull << 30))
        panic("memory_init: no usable memory in the DTB");
    uint64_t nframes = (hi - lo) / PAGE_SIZE;
    uint64_t kernel_end_pa = virt_to_phys(__kernel_end);
    uint64_t bitmap_pa = ALIGN_UP(kernel_end_pa, PAGE_SIZE);
    uint64_t bitmap_bytes = ALIGN_UP(frame_bitmap_words(nframes) * 8, PAGE_SIZE);
    frame_pool_init(&kernel_frames, lo, nframes, phys_to_virt(bitmap_pa));
    for (int i = 0; i < m->nmem; i++)
        frame_pool_release_range(&kernel_frames, m->mem[i].base, m->mem[i].base + m->mem[i].size);
    for (int i = 0; i < m->nreserved; i++)
        frame_pool_reserve_range(&kernel_frames, m->reserved[i].base,
                                 m->reserved[i].base + m->reserved[i].size);
    frame_pool_reserve_range(&kernel_frames, lo, bitmap_pa + bitmap_bytes); /* firmware..kernel */
    frame_pool_reserve_range(&kernel_frames, m->initrd_start, m->initrd_end);
    kprintf("chime: memory %lu MiB at 0x%lx, %lu frames free\n", (hi - lo) >> 20, lo,
            kernel_frames.nfree);
}

/* Start the other harts and wait (wfi + timer: never spin, see
 * toolchain.md on icount) until they are online, for up to a second. */
static void harts_start(const struct fdt_machine *m, uint64_t self)
{
    uint32_t want = 1;
    for (int i = 0; i < m->nharts; i++) {
        if (m->hart[i] == self || m->hart[i] >= MAX_HARTS)
            continue;
        if (platform_hart_start(m->hart[i]) == 0)
            want++;
        else
            kprintf("chime: hart %u did not start\n", m->hart[i]);
    }
    uint64_t give_up = platform_time_now() + platform_timebase_hz();
    while (__atomic_load_n(&harts_up, __ATOMIC_ACQUIRE) < want && platform_time_now() < give_up) {
        platform_timer_set(platform_time_now() + platform_timebase_hz() / 1000);
        wfi();
    }
    platform_timer_set(~0ull);
}

noreturn void kmain(uint64_t hartid, uint64_t dtb_pa)
{
    struct cpu *c = cpu_setup(hartid);
    const void *dtb = phys_to_virt(dtb_pa);
    uint32_t dtb_size = fdt_total_size(dtb);
    if (dtb_size == 0 || dtb_size > DTB_MAX)
        panic("kmain: no usable device tree at 0x%lx", dtb_pa);
    memcpy(dtb_copy, dtb, dtb_size);
    int r = fdt_parse(dtb_copy, dtb_size, &machine);
    if (r < 0)
        panic("kmain: device tree rejected (%d)", r);
    platform_console_init(&machine);
    platform_time_init(&machine);
    platform_ipi_init(&machine);
    platform_plic_init(&machine);
    platform_finisher_init(&machine);
    kprintf("\nchime: booting on hart %lu of %d, timebase %lu Hz\n", hartid, machine.nharts,
            machine.timebase_hz);

    /* The kernel's root keeps entry.S's identity gigapage: harts started
     * later enter through it. User spaces copy only the upper half. */
    kernel_root = virt_to_phys(boot_root);
    memory_init(&machine);
    info_init(1, platform_timebase_hz(), platform_time_now());
    sched_init_cpu(c);
    platform_hart_irq_init();
    platform_plic_hart_init(c->hartid);
    harts_up = 1;
    platform_release_late_harts();
    harts_start(&machine, hartid);
    info_page->nharts = harts_up;
    kprintf("chime: %u harts online\n", harts_up);

    kernel_lock();
    boot_start_init(&machine);
    sched_return();
}

noreturn void secondary_main(uint64_t hartid)
{
    struct cpu *c = cpu_setup(hartid);
    platform_hart_irq_init();
    platform_plic_hart_init(c->hartid);
    kernel_lock();
    sched_init_cpu(c);
    __atomic_fetch_add(&harts_up, 1, __ATOMIC_RELEASE);
    sched_return();
}
