/* blkcheck IMAGE LOG: after a blktest boot, compare the disk image byte for
 * byte with what the guest said it wrote ("blk-wrote SEED SECTOR COUNT"
 * lines of the console log, tests/guest/blktest/pattern.h): announced sectors hold
 * the pattern, every other byte is still zero. Prints TAP lines; exit 1 on
 * any difference. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../guest/blktest/pattern.h"

int main(int argc, char **argv)
{
    FILE *img, *log;
    long size;
    uint8_t *want, *have;
    char line[512];
    unsigned long writes = 0, bad_lines = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: blkcheck IMAGE LOG\n");
        return 2;
    }
    img = fopen(argv[1], "rb");
    log = fopen(argv[2], "r");
    if (!img || !log) {
        printf("not ok - blkcheck: cannot open %s or %s\n", argv[1], argv[2]);
        return 1;
    }
    fseek(img, 0, SEEK_END);
    size = ftell(img);
    rewind(img);
    want = calloc(1, (size_t)size);
    have = malloc((size_t)size);
    if (!want || !have || fread(have, 1, (size_t)size, img) != (size_t)size) {
        printf("not ok - blkcheck: cannot read %s\n", argv[1]);
        fclose(img);
        fclose(log);
        return 1;
    }
    while (fgets(line, sizeof(line), log)) {
        unsigned long long seed, sector, count;
        char *p = strstr(line, "blk-wrote ");

        if (!p)
            continue;
        if (sscanf(p, "blk-wrote %llu %llu %llu", &seed, &sector, &count) != 3 ||
            (sector + count) * PATTERN_SECTOR > (unsigned long long)size) {
            bad_lines++;
            continue;
        }
        for (unsigned long long s = sector; s < sector + count; s++)
            pattern_sector(want + s * PATTERN_SECTOR, seed, s);
        writes++;
    }
    printf("%s - blkcheck: %lu writes announced, %lu bad lines\n", bad_lines ? "not ok" : "ok",
           writes, bad_lines);
    for (long off = 0; off < size; off += PATTERN_SECTOR) {
        if (memcmp(want + off, have + off, PATTERN_SECTOR)) {
            printf("not ok - blkcheck: image differs at sector %ld (byte %ld)\n",
                   off / PATTERN_SECTOR, off);
            return 1;
        }
    }
    printf("ok - blkcheck: image matches byte for byte (%ld bytes)\n", size);
    return bad_lines ? 1 : 0;
}
