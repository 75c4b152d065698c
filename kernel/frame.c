/* Physical frame allocator (see frame.h). */
#include "frame.h"
#include "lib.h"
#include <platform/mmu.h>

static inline bool frame_is_free(const struct frame_pool *p, uint64_t i)
{
    return p->bitmap[i / 64] >> (i % 64) & 1;
}

static inline void frame_set(struct frame_pool *p, uint64_t i, bool free)
{
    if (free)
        p->bitmap[i / 64] |= 1ull << (i % 64);
    else
        p->bitmap[i / 64] &= ~(1ull << (i % 64));
}

void frame_pool_init(struct frame_pool *p, uint64_t base, uint64_t nframes, uint64_t *bitmap)
{
    p->base = base;
    p->nframes = nframes;
    p->bitmap = bitmap;
    p->nfree = 0;
    p->hint = 0;
    memset(bitmap, 0, frame_bitmap_words(nframes) * 8);
}

/* Clamp [start, end) to whole frames inside the pool; false if empty. */
static bool frame_range(const struct frame_pool *p, uint64_t start, uint64_t end, uint64_t *first,
                        uint64_t *last)
{
    uint64_t top = p->base + p->nframes * PAGE_SIZE;
    start = MAX(ALIGN_UP(start, PAGE_SIZE), p->base);
    end = MIN(ALIGN_DOWN(end, PAGE_SIZE), top);
    if (start >= end)
        return false;
    *first = (start - p->base) / PAGE_SIZE;
    *last = (end - p->base) / PAGE_SIZE;
    return true;
}

uint64_t frame_pool_release_range(struct frame_pool *p, uint64_t start, uint64_t end)
{
    uint64_t first, last, n = 0;
    if (!frame_range(p, start, end, &first, &last))
        return 0;
    for (uint64_t i = first; i < last; i++) {
        if (!frame_is_free(p, i)) {
            frame_set(p, i, true);
            n++;
        }
    }
    p->nfree += n;
    return n;
}

uint64_t frame_pool_reserve_range(struct frame_pool *p, uint64_t start, uint64_t end)
{
    uint64_t first, last, n = 0;
    /* Reserving must cover partial frames too: round outwards. */
    if (!frame_range(p, ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE), &first, &last))
        return 0;
    for (uint64_t i = first; i < last; i++) {
        if (frame_is_free(p, i)) {
            frame_set(p, i, false);
            n++;
        }
    }
    p->nfree -= n;
    return n;
}

uint64_t frame_pool_alloc(struct frame_pool *p)
{
    uint64_t words = frame_bitmap_words(p->nframes);
    for (uint64_t k = 0; k < words; k++) {
        uint64_t w = (p->hint + k) % words;
        uint64_t bits = p->bitmap[w];
        if (!bits)
            continue;
        uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(bits);
        if (i >= p->nframes)
            continue;
        frame_set(p, i, false);
        p->nfree--;
        p->hint = w;
        return p->base + i * PAGE_SIZE;
    }
    return 0;
}

uint64_t frame_pool_alloc_contig(struct frame_pool *p, uint64_t n, uint64_t align)
{
    if (n == 0 || align == 0 || n > p->nfree)
        return 0;
    for (uint64_t i = 0; i + n <= p->nframes; i += align) {
        uint64_t j = 0;
        while (j < n && frame_is_free(p, i + j))
            j++;
        if (j == n) {
            for (j = 0; j < n; j++)
                frame_set(p, i + j, false);
            p->nfree -= n;
            return p->base + i * PAGE_SIZE;
        }
    }
    return 0;
}

bool frame_pool_free(struct frame_pool *p, uint64_t pa, uint64_t n)
{
    if (pa < p->base || (pa & (PAGE_SIZE - 1)) || n == 0)
        return false;
    uint64_t first = (pa - p->base) / PAGE_SIZE;
    if (first >= p->nframes || n > p->nframes - first)
        return false;
    for (uint64_t i = first; i < first + n; i++)
        if (frame_is_free(p, i))
            return false;
    for (uint64_t i = first; i < first + n; i++)
        frame_set(p, i, true);
    p->nfree += n;
    return true;
}

#ifndef HOST_TEST
struct frame_pool kernel_frames;

/* Zero n frames at pa with doubleword stores: picolibc's memset stores one
 * byte at a time, eight times the work for every frame a map hands out.
 * (The attribute keeps GCC from turning the loop back into memset.) */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static void frames_zero(uint64_t pa,
                                                                                      uint64_t n)
{
    uint64_t *w = phys_to_virt(pa), *end = w + n * (PAGE_SIZE / 8);
    for (; w < end; w += 8) {
        w[0] = 0;
        w[1] = 0;
        w[2] = 0;
        w[3] = 0;
        w[4] = 0;
        w[5] = 0;
        w[6] = 0;
        w[7] = 0;
    }
}

uint64_t frame_alloc(void)
{
    uint64_t pa = frame_pool_alloc(&kernel_frames);
    if (pa)
        frames_zero(pa, 1);
    return pa;
}

uint64_t frame_alloc_contig(uint64_t n)
{
    uint64_t pa = frame_pool_alloc_contig(&kernel_frames, n, 1);
    if (pa)
        frames_zero(pa, n);
    return pa;
}

/* Pin counts, one per frame of the pool, allocated at the first pin; the
 * top bit says a pinned frame was freed and goes at its last unpin. */
#define PIN_FREED 0x8000u
#define PIN_MAX   0x7fffu
static uint16_t *pins;

static uint16_t *pin_of(uint64_t pa)
{
    uint64_t i = (pa - kernel_frames.base) / PAGE_SIZE;
    return pins && pa >= kernel_frames.base && i < kernel_frames.nframes ? &pins[i] : NULL;
}

bool frame_pin(uint64_t pa)
{
    if (pa < kernel_frames.base || (pa - kernel_frames.base) / PAGE_SIZE >= kernel_frames.nframes)
        return true;
    if (!pins) {
        uint64_t n = ALIGN_UP(kernel_frames.nframes * sizeof(uint16_t), PAGE_SIZE) / PAGE_SIZE;
        uint64_t at = frame_pool_alloc_contig(&kernel_frames, n, 1);
        if (!at)
            return false;
        frames_zero(at, n);
        pins = phys_to_virt(at);
    }
    uint16_t *c = pin_of(pa);
    if ((*c & PIN_MAX) == PIN_MAX)
        return false;
    (*c)++;
    return true;
}

void frame_unpin(uint64_t pa)
{
    uint16_t *c = pin_of(pa);
    if (!c)
        return;
    if (!(*c & PIN_MAX))
        panic("frame_unpin: %lx is not pinned", pa);
    if (--*c == PIN_FREED) {
        *c = 0;
        if (!frame_pool_free(&kernel_frames, ALIGN_DOWN(pa, PAGE_SIZE), 1))
            panic("frame_unpin: %lx was free", pa);
    }
}

void frame_free_n(uint64_t pa, uint64_t n)
{
    bool pinned = false;
    for (uint64_t i = 0; pins && i < n && !pinned; i++) {
        uint16_t *c = pin_of(pa + i * PAGE_SIZE);
        pinned = c && *c;
    }
    if (!pinned) {
        if (!frame_pool_free(&kernel_frames, pa, n))
            panic("frame_free: bad or double free of %lx (+%lu)", pa, n);
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint16_t *c = pin_of(pa + i * PAGE_SIZE);
        if (c && (*c & PIN_FREED))
            panic("frame_free: double free of pinned %lx", pa + i * PAGE_SIZE);
        if (c && *c)
            *c |= PIN_FREED; /* frame_unpin frees it */
        else if (!frame_pool_free(&kernel_frames, pa + i * PAGE_SIZE, 1))
            panic("frame_free: bad or double free of %lx", pa + i * PAGE_SIZE);
    }
}

void frame_free(uint64_t pa)
{
    frame_free_n(pa, 1);
}
#endif
