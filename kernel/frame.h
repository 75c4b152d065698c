/* Physical frame allocator: one bit per 4 KiB frame of RAM (1 = free).
 *
 * struct frame_pool holds no pointers into the kernel, so host tests run it
 * over simulated memory; the kernel uses one global pool (frame_alloc...). */
#ifndef KERNEL_FRAME_H
#define KERNEL_FRAME_H

#include <stdbool.h>
#include <stdint.h>

struct frame_pool {
    uint64_t base;    /* physical address of frame 0 */
    uint64_t nframes; /* frames covered by the bitmap */
    uint64_t *bitmap; /* nframes bits, 1 = free */
    uint64_t nfree;
    uint64_t hint; /* bitmap word where the next search starts */
};

/* Words of bitmap memory a pool of nframes needs. */
static inline uint64_t frame_bitmap_words(uint64_t nframes)
{
    return (nframes + 63) / 64;
}

/* Cover [base, base + nframes * 4096) with every frame in use. */
void frame_pool_init(struct frame_pool *p, uint64_t base, uint64_t nframes, uint64_t *bitmap);
/* Mark the whole frames inside [start, end) free / in use. Returns frames changed. */
uint64_t frame_pool_release_range(struct frame_pool *p, uint64_t start, uint64_t end);
uint64_t frame_pool_reserve_range(struct frame_pool *p, uint64_t start, uint64_t end);
/* One frame, or 0 when none is free. */
uint64_t frame_pool_alloc(struct frame_pool *p);
/* n contiguous frames starting at a multiple of align frames, or 0. */
uint64_t frame_pool_alloc_contig(struct frame_pool *p, uint64_t n, uint64_t align);
/* Return n frames at pa. False (and nothing changes) if any is outside the
 * pool, misaligned, or already free: a double free is caught, not absorbed. */
bool frame_pool_free(struct frame_pool *p, uint64_t pa, uint64_t n);

/* The kernel's pool. frame_alloc returns a zeroed frame or 0. */
extern struct frame_pool kernel_frames;
uint64_t frame_alloc(void);
uint64_t frame_alloc_contig(uint64_t n);
void frame_free(uint64_t pa);
void frame_free_n(uint64_t pa, uint64_t n);

/* DMA pins: a pinned frame that is freed stays allocated until its last
 * pin goes (frame_unpin frees it then), so a device may keep writing it.
 * frame_pin is false when the count is full or no memory for the counts
 * is left; frames outside RAM (MMIO) need no pin: true, and unpin ignores
 * them. */
bool frame_pin(uint64_t pa);
void frame_unpin(uint64_t pa);

#endif
