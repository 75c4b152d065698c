/* Kernel object allocator: small zeroed blocks (<= KALLOC_MAX bytes) carved
 * from frames by size class. A frame whose blocks are all free goes back to
 * the frame allocator, so memory a process used returns in full at its exit. */
#ifndef KERNEL_KALLOC_H
#define KERNEL_KALLOC_H

#include <stddef.h>

#define KALLOC_MAX 2048

void *kalloc(size_t size); /* zeroed, or NULL */
void kfree(void *p);       /* NULL is ignored */

#endif
