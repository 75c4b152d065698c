/* DMA for user-space drivers (dma.c): pinned contiguous memory and the
 * physical addresses of kernel-placed memory, for holders of CHIME_R_DMA.
 *
 * The right lives on a space handle and means "may learn the physical
 * addresses behind this space's memory and hand them to a device". QEMU
 * virt has no IOMMU, so a device programmed with a physical address can
 * reach all of RAM: whoever holds CHIME_R_DMA is trusted with the whole
 * machine. handle_install masks it off (CHIME_R_ALL excludes it), so
 * dup and grant can never create or pass it on; only SYS_DMA_GRANT confers
 * it, and only a caller that holds it (init, from boot) can call that. */
#ifndef KERNEL_DMA_H
#define KERNEL_DMA_H

#include <platform/trapframe.h>

struct space;

/* Boot: give the root task CHIME_R_DMA on its own space handle (slot 0). */
void dma_give_root(struct space *s);

long sys_dma_grant(struct trapframe *tf);
long sys_dma_alloc(struct trapframe *tf);
long sys_dma_phys(struct trapframe *tf);
long sys_dma_release(struct trapframe *tf);

#endif
