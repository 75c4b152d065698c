/* Sv39 page tables: the mechanics under every address space.
 *
 * A page table is named by the physical address of its root. These calls do
 * no locking and no TLB maintenance: space.c does both. Intermediate tables
 * come from frame_alloc() and return to it in pt_destroy(). */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdbool.h>
#include <stdint.h>

/* Make a root table whose kernel half copies kernel_root's entries. 0 = no memory. */
uint64_t pt_create(uint64_t kernel_root);
/* Free every user-half table and every frame a PTE_SW_OWNED leaf holds, then the root. */
void pt_destroy(uint64_t root);

/* Leaf PTE slot for va, or NULL. With create, missing tables are allocated
 * (NULL if memory runs out). */
uint64_t *pt_walk(uint64_t root, uint64_t va, bool create);

/* PTE bits for a user mapping with CHIME_PROT_* prot. */
uint64_t pt_user_flags(uint32_t prot);

/* Map [va, va+len) (page-aligned) to fresh zeroed frames (pa == 0) or to the
 * physical range at pa. All or nothing: CHIME_EEXIST if any page is mapped
 * already, CHIME_ENOMEM with nothing left mapped if memory runs out. */
int pt_map_range(uint64_t root, uint64_t va, uint64_t len, uint64_t pa, uint32_t prot);
/* Unmap whatever is mapped in [va, va+len), freeing owned frames. */
void pt_unmap_range(uint64_t root, uint64_t va, uint64_t len);
/* Change protection; CHIME_ENOENT (nothing changes) if a page is unmapped. */
int pt_protect_range(uint64_t root, uint64_t va, uint64_t len, uint32_t prot);
/* Physical address backing user va with at least `need` PTE bits, or 0. */
uint64_t pt_translate(uint64_t root, uint64_t va, uint64_t need);

#endif
