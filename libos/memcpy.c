/* memcpy for every program: picolibc's is built for size and copies a byte
 * at a time (about 6 instructions a byte, 488 for the 80 bytes of a console
 * line). This one moves 8-byte words when source and destination share
 * their alignment, and bytes otherwise. libos is linked whole, so it
 * replaces picolibc's. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The byte loops must stay loops: gcc would turn them into memcpy calls. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (n >= 16 && (((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        uint64_t *dw;
        const uint64_t *sw;

        for (; (uintptr_t)d & 7; n--)
            *d++ = *s++;
        dw = (uint64_t *)(void *)d;
        sw = (const uint64_t *)(const void *)s;
        for (; n >= 32; n -= 32, dw += 4, sw += 4) {
            uint64_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];

            dw[0] = a;
            dw[1] = b;
            dw[2] = c;
            dw[3] = e;
        }
        for (; n >= 8; n -= 8)
            *dw++ = *sw++;
        d = (unsigned char *)dw;
        s = (const unsigned char *)sw;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}
