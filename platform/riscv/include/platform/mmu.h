/* Sv39 page-table format and the kernel's virtual memory map.
 *
 *   virtual                              physical
 *   0x0000_0000_0000 .. 0x3f_ffff_ffff   user (per address space)
 *   0xffff_ffc0_0000_0000 + pa           direct map of the first 16 GiB of
 *                                        physical space (RAM and MMIO), 1 GiB
 *                                        leaf pages, global, kernel only
 *   0xffff_ffc0_8020_0000                the kernel image (pa 0x8020_0000,
 *                                        where OpenSBI's fw_jump enters it)
 *
 * Every address space's root table shares the direct-map entries (the upper
 * half), so the kernel runs in whichever space is current. */
#ifndef PLATFORM_MMU_H
#define PLATFORM_MMU_H

/* What entry.S and the linker script (kernel.ld.in, run through the C
 * preprocessor) read too: written without C suffixes there. */
#ifdef __ASSEMBLER__
#define MMU_UL(x) x
#else
#define MMU_UL(x) x##ul
#endif
#define KERNEL_VBASE MMU_UL(0xffffffc000000000) /* the direct map: va = pa + this */
#define KERNEL_PBASE MMU_UL(0x80200000)         /* where fw_jump loads the image */
#define STACK_SIZE   16384                      /* each hart's kernel stack */
#define STACK_HARTS  8                          /* stacks in the image (CHIME_MAX_HARTS) */

#ifndef __ASSEMBLER__
#include <stdint.h>

#define PAGE_SIZE  4096ul
#define PAGE_SHIFT 12

#define DIRECT_MAP_GIB  16
#define PT_KERNEL_FIRST 256 /* root entries >= this are the kernel's */

#ifndef HOST_TEST
static inline void *phys_to_virt(uint64_t pa)
{
    return (void *)(pa + KERNEL_VBASE);
}

static inline uint64_t virt_to_phys(const void *va)
{
    return (uint64_t)va - KERNEL_VBASE;
}
#else
/* Host unit tests run kernel code over simulated physical memory. */
void *phys_to_virt(uint64_t pa);
uint64_t virt_to_phys(const void *va);
#endif

/* PTE bits */
#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
/* The two software bits (RSW, 9:8) of a user leaf say whose frame it maps
 * and the most SYS_SPACE_PROTECT may ever give it (kernel/vm.c):
 *   PTE_SW_OWNED   anonymous memory: the frame belongs to this mapping and
 *                  is freed with it; any protection
 *   0              someone else's frames, at most readable
 *   PTE_SW_MAX_RW  someone else's frames, at most readable and writable
 *   PTE_SW_MAX_RX  someone else's frames, at most readable and executable
 * Test the field with PTE_SW_MASK: PTE_SW_MAX_RX contains the OWNED bit. */
#define PTE_SW_MASK   (3ul << 8)
#define PTE_SW_OWNED  (1ul << 8)
#define PTE_SW_MAX_RW (2ul << 8)
#define PTE_SW_MAX_RX (3ul << 8)

#define PTE_PPN_SHIFT  10
#define PTE_TO_PA(pte) (((pte) >> PTE_PPN_SHIFT) << PAGE_SHIFT)
#define PA_TO_PTE(pa)  (((pa) >> PAGE_SHIFT) << PTE_PPN_SHIFT)
#define PTE_LEAF(pte)  ((pte) & (PTE_R | PTE_W | PTE_X))

#define VPN(va, level) (((va) >> (PAGE_SHIFT + 9 * (level))) & 0x1ff)
#define PT_ENTRIES     512

#define SATP_MODE_SV39  (8ul << 60)
#define SATP_ASID_SHIFT 44
#define ASID_MAX        0xffff

static inline uint64_t satp_make(uint64_t root_pa, uint16_t asid)
{
    return SATP_MODE_SV39 | ((uint64_t)asid << SATP_ASID_SHIFT) | (root_pa >> PAGE_SHIFT);
}

#ifndef HOST_TEST
static inline void sfence_vma_all(void)
{
    __asm__ volatile("sfence.vma" ::: "memory");
}

static inline void sfence_vma_asid(uint16_t asid)
{
    __asm__ volatile("sfence.vma zero, %0" ::"r"((uint64_t)asid) : "memory");
}
#endif

#endif /* __ASSEMBLER__ */

#endif
