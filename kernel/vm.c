/* Sv39 page-table code (see vm.h). */
#include "vm.h"
#include "frame.h"
#include "lib.h"
#include "mmu.h"
#include <chime/errno.h>
#include <chime/types.h>

static inline uint64_t *table(uint64_t pa)
{
    return (uint64_t *)phys_to_virt(pa);
}

uint64_t pt_create(uint64_t kernel_root)
{
    uint64_t root = frame_alloc();
    if (!root)
        return 0;
    uint64_t *dst = table(root), *src = table(kernel_root);
    for (int i = PT_KERNEL_FIRST; i < PT_ENTRIES; i++)
        dst[i] = src[i];
    return root;
}

/* Free a user-half subtree at `level` (2 = root's children tables ...). */
static void pt_free_table(uint64_t pa, int level)
{
    uint64_t *pt = table(pa);
    for (int i = 0; i < PT_ENTRIES; i++) {
        uint64_t pte = pt[i];
        if (!(pte & PTE_V))
            continue;
        if (!PTE_LEAF(pte))
            pt_free_table(PTE_TO_PA(pte), level - 1);
        else if (pte & PTE_SW_OWNED)
            frame_free(PTE_TO_PA(pte));
    }
    frame_free(pa);
}

void pt_destroy(uint64_t root)
{
    uint64_t *pt = table(root);
    for (int i = 0; i < PT_KERNEL_FIRST; i++)
        if ((pt[i] & PTE_V) && !PTE_LEAF(pt[i]))
            pt_free_table(PTE_TO_PA(pt[i]), 1);
    frame_free(root);
}

uint64_t *pt_walk(uint64_t root, uint64_t va, bool create)
{
    uint64_t *pt = table(root);
    for (int level = 2; level > 0; level--) {
        uint64_t *pte = &pt[VPN(va, level)];
        if (*pte & PTE_V) {
            if (PTE_LEAF(*pte))
                return NULL; /* a superpage: never in user space */
            pt = table(PTE_TO_PA(*pte));
            continue;
        }
        if (!create)
            return NULL;
        uint64_t pa = frame_alloc();
        if (!pa)
            return NULL;
        *pte = PA_TO_PTE(pa) | PTE_V;
        pt = table(pa);
    }
    return &pt[VPN(va, 0)];
}

uint64_t pt_user_flags(uint32_t prot)
{
    uint64_t f = PTE_V | PTE_U | PTE_A | PTE_D;
    if (prot & (CHIME_PROT_READ | CHIME_PROT_WRITE))
        f |= PTE_R; /* RISC-V has no write-only pages */
    if (prot & CHIME_PROT_WRITE)
        f |= PTE_W;
    if (prot & CHIME_PROT_EXEC)
        f |= PTE_X;
    return f;
}

int pt_map_range(uint64_t root, uint64_t va, uint64_t len, uint64_t pa, uint32_t prot)
{
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *pte = pt_walk(root, va + off, false);
        if (pte && (*pte & PTE_V))
            return CHIME_EEXIST;
    }
    uint64_t flags = pt_user_flags(prot);
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *pte = pt_walk(root, va + off, true);
        uint64_t frame = pa ? pa + off : frame_alloc();
        if (!pte || !frame) {
            if (frame && !pa)
                frame_free(frame);
            pt_unmap_range(root, va, off);
            return CHIME_ENOMEM;
        }
        *pte = PA_TO_PTE(frame) | flags | (pa ? 0 : PTE_SW_OWNED);
    }
    return 0;
}

void pt_unmap_range(uint64_t root, uint64_t va, uint64_t len)
{
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *pte = pt_walk(root, va + off, false);
        if (!pte || !(*pte & PTE_V))
            continue;
        if (*pte & PTE_SW_OWNED)
            frame_free(PTE_TO_PA(*pte));
        *pte = 0;
    }
}

int pt_protect_range(uint64_t root, uint64_t va, uint64_t len, uint32_t prot)
{
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *pte = pt_walk(root, va + off, false);
        if (!pte || !(*pte & PTE_V))
            return CHIME_ENOENT;
    }
    uint64_t flags = pt_user_flags(prot);
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *pte = pt_walk(root, va + off, false);
        *pte = (*pte & ~(uint64_t)(PTE_R | PTE_W | PTE_X)) | flags;
    }
    return 0;
}

uint64_t pt_translate(uint64_t root, uint64_t va, uint64_t need)
{
    uint64_t *pte = pt_walk(root, va, false);
    if (!pte || (*pte & (PTE_V | PTE_U | need)) != (PTE_V | PTE_U | need))
        return 0;
    return PTE_TO_PA(*pte) + (va & (PAGE_SIZE - 1));
}
