/* Sv39 page-table code (see vm.h).
 *
 * Work per call: every range operation skips absent tables whole, so its
 * cost follows what is mapped, not the length asked for. Unmapping frees
 * the tables it empties, so what is mapped is also all a space keeps. */
#include "vm.h"
#include "frame.h"
#include "lib.h"
#include <platform/mmu.h>
#include <chime/errno.h>
#include <chime/types.h>

/* End of the user half: root entries below PT_KERNEL_FIRST. Tables under
 * them belong to one space alone; the kernel half's are shared. */
#define USER_HALF_END ((uint64_t)PT_KERNEL_FIRST << (PAGE_SHIFT + 18))

static inline uint64_t *table(uint64_t pa)
{
    return (uint64_t *)phys_to_virt(pa);
}

/* Bytes one entry of a table at level maps (level 0: a page). */
static inline uint64_t level_span(int level)
{
    return PAGE_SIZE << (9 * level);
}

static bool pte_owned(uint64_t pte)
{
    return (pte & PTE_SW_MASK) == PTE_SW_OWNED;
}

/* The R/W/X bits a leaf may ever have (its software bits, mmu.h). */
static uint64_t pte_max_rwx(uint64_t pte)
{
    switch (pte & PTE_SW_MASK) {
    case PTE_SW_OWNED:
        return PTE_R | PTE_W | PTE_X;
    case PTE_SW_MAX_RW:
        return PTE_R | PTE_W;
    case PTE_SW_MAX_RX:
        return PTE_R | PTE_X;
    default:
        return PTE_R;
    }
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
        else if (pte_owned(pte))
            frame_free(PTE_TO_PA(pte));
    }
    frame_free(pa);
}

/* User pages mapped under the table at pa of `level` (a leaf there maps
 * 512^level pages). */
static uint64_t pt_count_table(uint64_t pa, int level)
{
    const uint64_t *pt = table(pa);
    uint64_t pages = 0;

    for (int i = 0; i < PT_ENTRIES; i++) {
        uint64_t pte = pt[i];
        if (!(pte & PTE_V))
            continue;
        if (PTE_LEAF(pte))
            pages += (pte & PTE_U) ? 1ull << (9 * level) : 0;
        else if (level > 0)
            pages += pt_count_table(PTE_TO_PA(pte), level - 1);
    }
    return pages;
}

uint64_t pt_user_pages(uint64_t root)
{
    const uint64_t *pt = table(root);
    uint64_t pages = 0;

    for (int i = 0; i < PT_KERNEL_FIRST; i++)
        if ((pt[i] & PTE_V) && !PTE_LEAF(pt[i]))
            pages += pt_count_table(PTE_TO_PA(pt[i]), 1);
    return pages;
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

/* Whether any page of [va, end) is mapped under the table pt at level,
 * which maps from base. Absent children are passed over whole. */
static bool range_mapped(const uint64_t *pt, int level, uint64_t base, uint64_t va, uint64_t end)
{
    uint64_t span = level_span(level);
    for (uint64_t i = (MAX(va, base) - base) / span; i < PT_ENTRIES && base + i * span < end; i++) {
        uint64_t pte = pt[i];
        if (!(pte & PTE_V))
            continue;
        if (level == 0)
            return true;
        if (!PTE_LEAF(pte) &&
            range_mapped(table(PTE_TO_PA(pte)), level - 1, base + i * span, va, end))
            return true;
    }
    return false;
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

/* Map [va, va+len) with leaf bits flags | sw: fresh frames (pa == 0) or
 * the range at pa. All or nothing, as pt_map_range says. */
static int map_range(uint64_t root, uint64_t va, uint64_t len, uint64_t pa, uint64_t flags)
{
    if (range_mapped(table(root), 2, 0, va, va + len))
        return CHIME_EEXIST;
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *pte = pt_walk(root, va + off, true);
        uint64_t frame = pa ? pa + off : frame_alloc();
        if (!pte || !frame) {
            if (frame && !pa)
                frame_free(frame);
            pt_unmap_range(root, va, len); /* also frees tables made for it */
            return CHIME_ENOMEM;
        }
        *pte = PA_TO_PTE(frame) | flags;
    }
    return 0;
}

int pt_map_range(uint64_t root, uint64_t va, uint64_t len, uint64_t pa, uint32_t prot)
{
    uint64_t sw = PTE_SW_OWNED;
    if (pa)
        sw = (prot & CHIME_PROT_WRITE)  ? PTE_SW_MAX_RW
             : (prot & CHIME_PROT_EXEC) ? PTE_SW_MAX_RX
                                        : 0;
    return map_range(root, va, len, pa, pt_user_flags(prot) | sw);
}

int pt_map_frames(uint64_t root, uint64_t va, uint64_t len, uint64_t pa, uint32_t prot,
                  uint32_t max_prot)
{
    bool w = max_prot & CHIME_PROT_WRITE, x = max_prot & CHIME_PROT_EXEC;
    if (!pa || (prot & ~max_prot) ||
        (prot & (CHIME_PROT_WRITE | CHIME_PROT_EXEC)) == (CHIME_PROT_WRITE | CHIME_PROT_EXEC))
        return CHIME_EPERM;
    if (w && x) /* one software field: the side the mapping asks for */
        w = !(prot & CHIME_PROT_EXEC);
    uint64_t sw = w ? PTE_SW_MAX_RW : x ? PTE_SW_MAX_RX : 0;
    return map_range(root, va, len, pa, pt_user_flags(prot) | sw);
}

static bool table_empty(const uint64_t *pt)
{
    for (int i = 0; i < PT_ENTRIES; i++)
        if (pt[i])
            return false;
    return true;
}

/* Unmap [va, end) in the table pt at level, which maps from base: owned
 * frames and emptied child tables go back to the allocator, absent
 * children are skipped. */
static void unmap_level(uint64_t *pt, int level, uint64_t base, uint64_t va, uint64_t end)
{
    uint64_t span = level_span(level);
    uint64_t first = (MAX(va, base) - base) / span;
    for (uint64_t i = first; i < PT_ENTRIES && base + i * span < end; i++) {
        uint64_t pte = pt[i];
        if (!(pte & PTE_V))
            continue;
        if (PTE_LEAF(pte)) {
            if (level > 0)
                continue; /* a superpage: never in user space */
            if (pte_owned(pte))
                frame_free(PTE_TO_PA(pte));
            pt[i] = 0;
            continue;
        }
        uint64_t *child = table(PTE_TO_PA(pte));
        unmap_level(child, level - 1, base + i * span, va, end);
        if (table_empty(child)) {
            pt[i] = 0;
            frame_free(PTE_TO_PA(pte));
        }
    }
}

void pt_unmap_range(uint64_t root, uint64_t va, uint64_t len)
{
    uint64_t end = va + len < va ? USER_HALF_END : MIN(va + len, USER_HALF_END);
    if (va < end)
        unmap_level(table(root), 2, 0, va, end); /* never frees the root */
}

int pt_protect_range(uint64_t root, uint64_t va, uint64_t len, uint32_t prot)
{
    uint64_t flags = pt_user_flags(prot);
    /* Every page must be mapped, so this loop ends at the first hole. */
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        uint64_t *pte = pt_walk(root, va + off, false);
        if (!pte || !(*pte & PTE_V))
            return CHIME_ENOENT;
        if (flags & (PTE_R | PTE_W | PTE_X) & ~pte_max_rwx(*pte))
            return CHIME_EPERM;
    }
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
