/* A full disk: writes that do not fit give ENOSPC, what did fit reads
 * back, nothing else is harmed, and deleting makes the room usable again.
 * Run on a small fresh disk (the case makes 8 MiB); the host then runs
 * e2fsck -fn and reads /full/after (tests/system/fsconc_full_check.sh). */
#include "fsconc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define SMALL 100000

static void fill(uint8_t *buf, size_t n, uint64_t off)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)mix64((off + i) / 8 + 77);
}

static unsigned long free_blocks(void)
{
    struct statvfs sv;

    return statvfs("/", &sv) == 0 ? (unsigned long)sv.f_bfree : 0;
}

/* Write the pattern to fd until a write fails; the bytes written, and the
 * failing write's errno in *err (a short write counts as written). */
static uint64_t write_until_full(int fd, uint8_t *buf, int *err)
{
    uint64_t off = 0;

    *err = 0;
    for (;;) {
        fill(buf, CHUNK, off);
        ssize_t w = write(fd, buf, CHUNK);
        if (w < 0) {
            *err = errno;
            return off;
        }
        off += (uint64_t)w;
        if (off > (1ull << 30)) /* no disk this small holds that */
            return off;
    }
}

/* Does fd hold the pattern for [0, n)? */
static int holds_pattern(int fd, uint8_t *buf, uint8_t *want, uint64_t n)
{
    for (uint64_t off = 0; off < n; off += CHUNK) {
        size_t k = n - off < CHUNK ? (size_t)(n - off) : CHUNK;
        fill(want, k, off);
        if (pread(fd, buf, k, (off_t)off) != (ssize_t)k || memcmp(buf, want, k) != 0)
            return 0;
    }
    return 1;
}

/* Many small files until the disk is full; how many were made whole. */
static int small_files(uint8_t *buf, int *err)
{
    char path[40];
    int n;

    *err = 0;
    fill(buf, SMALL, 0);
    for (n = 0; n < 1000; n++) {
        snprintf(path, sizeof(path), "/full/s%d", n);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        ssize_t w = fd >= 0 ? write(fd, buf, SMALL) : -1;
        if (w >= 0 && w < SMALL) /* a short write: the rest gives the error */
            w = write(fd, buf + w, SMALL - (size_t)w) < 0 ? -1 : SMALL;
        if (fd < 0 || w != SMALL) {
            *err = errno;
            if (fd >= 0)
                close(fd);
            return n;
        }
        close(fd);
    }
    return n;
}

int full_main(void)
{
    uint8_t *buf = malloc(CHUNK * 2), *want = malloc(CHUNK);
    unsigned long before, after;
    uint64_t size, size2;
    struct stat st;
    int fd, err, made;

    if (buf == NULL || want == NULL)
        return 1;
    sparse_test();
    check(mkdir("/full", 0755) == 0, "mkdir /full");
    before = free_blocks();
    fd = open("/full/big", O_RDWR | O_CREAT | O_EXCL, 0644);
    check(fd >= 0, "create /full/big");
    size = write_until_full(fd, buf, &err);
    check(err == ENOSPC, "writing until the disk is full ends in ENOSPC (%llu bytes, errno %s)",
          (unsigned long long)size, strerror(err));
    check(size > 4u << 20, "most of the %lu free blocks took data first", before);
    check(write(fd, buf, 1) == -1 && errno == ENOSPC, "one more byte: ENOSPC again");
    check(fstat(fd, &st) == 0 && (uint64_t)st.st_size == size, "the size is what was written");
    check(fsync(fd) == 0, "fsync of the full file succeeds");
    check(holds_pattern(fd, buf, want, size), "all %llu bytes written read back",
          (unsigned long long)size);
    int fd2 = open("/full/more", O_WRONLY | O_CREAT, 0644);
    check(fd2 < 0 ? errno == ENOSPC : write(fd2, buf, CHUNK) == -1 && errno == ENOSPC,
          "another file gets ENOSPC too");
    if (fd2 >= 0)
        close(fd2);
    errno = 0;
    int md = mkdir("/full/dir", 0755);
    check(md == -1 && errno == ENOSPC, "mkdir on the full disk: ENOSPC (got %d, %s)", md,
          strerror(errno));
    check(ftruncate(fd, (off_t)size / 2) == 0, "ftruncate the full file to half");
    check(lseek(fd, (off_t)(size / 2), SEEK_SET) == (off_t)(size / 2), "seek to the new end");
    size2 = write_until_full(fd, buf, &err);
    check(err == ENOSPC && size2 + 2 * CHUNK >= size - size / 2,
          "the truncated room fills again, then ENOSPC (%llu bytes, errno %s)",
          (unsigned long long)size2, strerror(err));
    close(fd);

    check(unlink("/full/big") == 0 && unlink("/full/more") == 0, "unlink the files");
    rmdir("/full/dir");
    after = free_blocks();
    check(after + 4 >= before, "the free blocks come back (%lu before, %lu after)", before, after);
    made = small_files(buf, &err);
    check(err == ENOSPC && made > 20, "small files until full: %d made, then ENOSPC (%s)", made,
          strerror(err));
    for (int i = 0; i < made + 1; i++) {
        char path[40];
        snprintf(path, sizeof(path), "/full/s%d", i);
        unlink(path);
    }
    check(free_blocks() + 4 >= before, "deleting them gives the room back");

    fd = open("/full/after", O_RDWR | O_CREAT | O_EXCL, 0644);
    size2 = size / 2;
    int ok = fd >= 0;
    for (uint64_t off = 0; ok && off < size2; off += CHUNK) {
        size_t k = size2 - off < CHUNK ? (size_t)(size2 - off) : CHUNK;
        fill(buf, k, off);
        ok = write(fd, buf, k) == (ssize_t)k;
    }
    check(ok && holds_pattern(fd, buf, want, size2),
          "after the deletes, a %llu-byte file writes and reads back", (unsigned long long)size2);
    check(fd >= 0 && fsync(fd) == 0 && close(fd) == 0, "fsync and close it");
    printf("fsconc-full: after=%llu\n", (unsigned long long)size2);
    free(buf);
    free(want);
    sync();
    return failures;
}
