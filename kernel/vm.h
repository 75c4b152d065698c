/* Sv39 page tables: the mechanics under every address space.
 *
 * A page table is named by the physical address of its root. These calls do
 * no locking and no TLB maintenance: their callers and tlb.c do both. Intermediate tables
 * come from frame_alloc() and return to it when an unmap empties them or in
 * pt_destroy(). */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdbool.h>
#include <stdint.h>

/* Make a root table whose kernel half copies kernel_root's entries. 0 = no memory. */
uint64_t pt_create(uint64_t kernel_root);
/* Free every user-half table and every frame an owned leaf holds, then the root. */
void pt_destroy(uint64_t root);
/* User pages the table maps (for ps): the cost follows the tables present,
 * as pt_destroy's does. */
uint64_t pt_user_pages(uint64_t root);

/* Leaf PTE slot for va, or NULL. With create, missing tables are allocated
 * (NULL if memory runs out). */
uint64_t *pt_walk(uint64_t root, uint64_t va, bool create);

/* PTE bits for a user mapping with CHIME_PROT_* prot. */
uint64_t pt_user_flags(uint32_t prot);

/* Map [va, va+len) (page-aligned) to fresh zeroed frames (pa == 0), which
 * the mapping owns and may later have any protection, or to the physical
 * range at pa, which it may later have at most prot's W or X side (W if
 * both). All or nothing: CHIME_EEXIST if any page is mapped already,
 * CHIME_ENOMEM with nothing left mapped (tables included) if memory runs
 * out. The caller bounds len: each page may take a frame. */
int pt_map_range(uint64_t root, uint64_t va, uint64_t len, uint64_t pa, uint32_t prot);
/* Map the physical range at pa (not owned) with prot, recording max_prot
 * (CHIME_PROT_*) as the most pt_protect_range may give it later. Frames
 * the mapping does not own are never writable and executable at once: a
 * max_prot with both keeps the side prot asks for (W unless prot has X).
 * CHIME_EPERM if prot exceeds max_prot or has both W and X; otherwise as
 * pt_map_range. */
int pt_map_frames(uint64_t root, uint64_t va, uint64_t len, uint64_t pa, uint32_t prot,
                  uint32_t max_prot);
/* Unmap whatever is mapped in [va, va+len), freeing owned frames and every
 * table it leaves empty (never the root). Absent tables are skipped whole:
 * the cost follows the tables present in the range. The caller flushes
 * the TLB before the freed frames can be reused, i.e. before it drops the
 * kernel lock. */
void pt_unmap_range(uint64_t root, uint64_t va, uint64_t len);
/* Change protection. Nothing changes and the result is CHIME_ENOENT if a
 * page is unmapped, CHIME_EPERM if prot exceeds what a page may have (the
 * software bits its mapping recorded). */
int pt_protect_range(uint64_t root, uint64_t va, uint64_t len, uint32_t prot);
/* Physical address backing user va with at least `need` PTE bits, or 0. */
uint64_t pt_translate(uint64_t root, uint64_t va, uint64_t need);

#endif
