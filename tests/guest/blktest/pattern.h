/* The bytes blktest writes to a sector, shared with the host-side check
 * (tests/system/blkcheck.c), which regenerates them from the log. */
#ifndef BLKTEST_PATTERN_H
#define BLKTEST_PATTERN_H

#include <stdint.h>

#define PATTERN_SECTOR 512u

static inline uint64_t pattern_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Fill one 512-byte sector s of seed's pattern. */
static inline void pattern_sector(uint8_t *p, uint64_t seed, uint64_t s)
{
    for (unsigned i = 0; i < PATTERN_SECTOR / 8; i++) {
        uint64_t w = pattern_mix(seed * 0x100000001b3ull ^ (s * 64 + i));

        for (unsigned b = 0; b < 8; b++)
            p[i * 8 + b] = (uint8_t)(w >> (8 * b));
    }
}

#endif
