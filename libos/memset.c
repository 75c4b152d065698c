/* memset for every program: picolibc's is built for size and stores a byte
 * at a time (about 4 instructions a byte), and its malloc clears every
 * block it hands out with it, so a 38 KiB malloc cost 155,000 instructions
 * (posix_spawn reads a program into one). This one stores 8-byte words,
 * eight per loop, between the unaligned ends. libos is linked whole, so it
 * replaces picolibc's (as memcpy.c does). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The loops must stay loops: gcc would turn them into memset calls. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *memset(void *dst, int c,
                                                                           size_t n)
{
    unsigned char *d = dst;
    unsigned char b = (unsigned char)c;

    if (n >= 16) {
        uint64_t w = 0x0101010101010101ull * b;
        uint64_t *dw;

        for (; (uintptr_t)d & 7; n--)
            *d++ = b;
        dw = (uint64_t *)(void *)d;
        for (; n >= 64; n -= 64, dw += 8) {
            dw[0] = w;
            dw[1] = w;
            dw[2] = w;
            dw[3] = w;
            dw[4] = w;
            dw[5] = w;
            dw[6] = w;
            dw[7] = w;
        }
        for (; n >= 8; n -= 8)
            *dw++ = w;
        d = (unsigned char *)dw;
    }
    while (n--)
        *d++ = b;
    return dst;
}
