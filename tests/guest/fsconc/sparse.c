/* Sparse files across every level of ext2's block map: direct blocks, the
 * single, double and triple indirect ranges (with 4 KiB blocks they begin
 * at 48 KiB, 4 MiB + 48 KiB and 4 GiB + 4 MiB + 48 KiB), written a piece at
 * a time far apart, read back with the holes between them as zeros, then
 * truncated down through each level. A small disk holds it: only the
 * pieces take blocks. Run first by `fsconc full`. */
#include "fsconc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define PIECE 10000 /* straddles block boundaries */
#define KIB   1024ll
#define MIB   (1024 * KIB)
#define GIB   (1024 * MIB)

static const long long offsets[] = {
    0,
    48 * KIB - 5000,                     /* the last direct block into the single indirect */
    4 * MIB + 48 * KIB - 5000,           /* single into double */
    100 * MIB + 123,                     /* inside the double range */
    GIB + 4097,                          /* far inside it */
    4 * GIB + 4 * MIB + 48 * KIB - 5000, /* double into triple */
    5 * GIB + 77,                        /* inside the triple range */
};
#define NPIECES (int)(sizeof(offsets) / sizeof(offsets[0]))

static void piece(uint8_t *buf, int i)
{
    for (int k = 0; k < PIECE; k++)
        buf[k] = (uint8_t)mix64((uint64_t)i * PIECE + (uint64_t)k);
}

/* Do pieces 0..n-1 read back, with zeros in the 100 bytes before and after
 * each (where no other piece lies), and is the size what it should be? */
static int pieces_ok(int fd, int n, long long size)
{
    static uint8_t want[PIECE], got[PIECE + 200];
    struct stat st;

    if (fstat(fd, &st) != 0 || st.st_size != size)
        return printf("# size %lld, want %lld\n", (long long)st.st_size, size), 0;
    for (int i = 0; i < n; i++) {
        long long start = offsets[i] >= 100 ? offsets[i] - 100 : 0;
        int lead = (int)(offsets[i] - start);

        piece(want, i);
        if (pread(fd, got, (size_t)lead + PIECE + 100, (off_t)start) < lead + PIECE)
            return printf("# short read at piece %d\n", i), 0;
        if (memcmp(got + lead, want, PIECE) != 0)
            return printf("# piece %d differs\n", i), 0;
        for (int k = 0; k < 100; k++)
            if ((k < lead && got[k] != 0) ||
                (offsets[i] + PIECE + k < size && got[lead + PIECE + k] != 0))
                return printf("# the hole next to piece %d is not zero\n", i), 0;
    }
    return 1;
}

/* Does [off, off + PIECE) read as zeros? */
static int zeros_at(int fd, long long off)
{
    static uint8_t got[PIECE];

    if (pread(fd, got, PIECE, (off_t)off) != PIECE)
        return 0;
    for (int k = 0; k < PIECE; k++)
        if (got[k] != 0)
            return 0;
    return 1;
}

static unsigned long free_blocks(void)
{
    struct statvfs sv;

    return statvfs("/", &sv) == 0 ? (unsigned long)sv.f_bfree : 0;
}

void sparse_test(void)
{
    static uint8_t buf[PIECE];
    unsigned long before = free_blocks();
    int fd = open("/sparse", O_RDWR | O_CREAT | O_EXCL, 0644), ok = fd >= 0;

    check(fd >= 0, "create /sparse");
    for (int i = 0; i < NPIECES && ok; i++) {
        piece(buf, i);
        ok = pwrite(fd, buf, PIECE, (off_t)offsets[i]) == PIECE;
        if (!ok)
            printf("# pwrite at %lld: %s\n", offsets[i], strerror(errno));
    }
    check(ok, "pwrite %d pieces from 0 to past 5 GiB (every block-map level)", NPIECES);
    check(pieces_ok(fd, NPIECES, offsets[NPIECES - 1] + PIECE),
          "each piece reads back, the holes read as zeros");
    check(fsync(fd) == 0, "fsync the sparse file");
    check(before - free_blocks() < 200, "the holes take no blocks (%lu used)",
          before - free_blocks());
    /* Down through the levels: triple, double, single, direct. */
    for (int keep = NPIECES - 1; keep >= 1 && ok; keep -= 2) {
        long long size = offsets[keep] + PIECE / 2;
        ok = ftruncate(fd, (off_t)size) == 0;
        check(ok && pieces_ok(fd, keep, size),
              "ftruncate to %lld keeps the %d pieces below, cut the rest", size, keep);
    }
    long long end = offsets[NPIECES - 1] + PIECE;
    ok = ftruncate(fd, (off_t)end) == 0 && pieces_ok(fd, 2, end);
    for (int i = 3; i < NPIECES && ok; i++)
        if (!(ok = zeros_at(fd, offsets[i])))
            printf("# piece %d's place does not read as zeros\n", i);
    check(ok, "extended again past 5 GiB, it reads zeros where the cut pieces were");
    check(close(fd) == 0 && unlink("/sparse") == 0, "close and unlink /sparse");
    check(free_blocks() + 2 >= before, "every block comes back (%lu before, %lu after)", before,
          free_blocks());
}
