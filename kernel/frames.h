/* Frames objects: a physical range a handle can name and SYS_SPACE_MAP_FRAMES
 * can map: the boot archive, a device's MMIO registers, IPC buffers. */
#ifndef KERNEL_FRAMES_H
#define KERNEL_FRAMES_H

#include "object.h"
#include <stdbool.h>

struct frames {
    struct kobj obj;
    uint64_t base; /* page-aligned physical address */
    uint64_t size; /* bytes, a multiple of the page size */
    bool owned;    /* frames from the allocator, freed with the object */
};

struct frames *frames_create(uint64_t base, uint64_t size, bool owned);
void frames_destroy(struct frames *f);

#endif
