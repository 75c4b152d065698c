/* ASIDs and TLB shootdown (tlb.c). Every space has its own ASID; a hart
 * that may still cache a space's translations is told to flush them, at
 * once (shootdown) or when it next loads the space (stale_harts). */
#ifndef KERNEL_TLB_H
#define KERNEL_TLB_H

#include "lib.h"

struct space;

/* A fresh ASID, or -1 when every one is in use. */
int asid_alloc(void);
void asid_free(uint16_t asid);
/* The harts whose satp holds s (big lock held). */
uint32_t space_active_harts(const struct space *s);

#endif
