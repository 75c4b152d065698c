/* ext2-bench: read one file of an image sequentially through the ext2
 * library and report bytes copied per byte read and the time against
 * read(2) of as many bytes from the image file.
 *
 *   ext2-bench IMAGE PATH */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ext2.h"
#include "filedev.h"

#define ROUNDS 3

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Read the whole file in chunks of `chunk` bytes; returns seconds or -1. */
static double lib_pass(struct ext2_fs *fs, uint32_t ino, char *buf, size_t chunk, uint64_t *total)
{
    double t0 = now_s();
    uint64_t off = 0;
    long n;
    while ((n = ext2_read(fs, ino, off, buf, chunk)) > 0)
        off += (uint64_t)n;
    *total = off;
    return n < 0 ? -1 : now_s() - t0;
}

/* read(2) `bytes` from the image file in chunks of `chunk`; returns seconds. */
static double sys_pass(const char *img, char *buf, size_t chunk, uint64_t bytes)
{
    int fd = open(img, O_RDONLY);
    if (fd < 0)
        return -1;
    double t0 = now_s();
    uint64_t done = 0;
    while (done < bytes) {
        size_t want = bytes - done < chunk ? (size_t)(bytes - done) : chunk;
        ssize_t n = read(fd, buf, want);
        if (n <= 0)
            break;
        done += (uint64_t)n;
    }
    double t = now_s() - t0;
    close(fd);
    return t;
}

/* Best of ROUNDS for one chunk size; prints one report line. */
static int bench(struct ext2_fs *fs, uint32_t ino, const char *img, char *buf, size_t chunk)
{
    double best_lib = 1e9, best_sys = 1e9;
    struct ext2_counters before, after;
    uint64_t total = 0;
    ext2_get_counters(fs, &before);
    for (int r = 0; r < ROUNDS; r++) {
        double t = lib_pass(fs, ino, buf, chunk, &total);
        if (t < 0)
            return 1;
        best_lib = t < best_lib ? t : best_lib;
        t = sys_pass(img, buf, chunk, total);
        best_sys = t < best_sys ? t : best_sys;
    }
    ext2_get_counters(fs, &after);
    double read = (double)(after.bytes_read - before.bytes_read);
    double copied = (double)(after.bytes_copied - before.bytes_copied);
    double direct = (double)(after.bytes_direct - before.bytes_direct);
    printf("chunk %7zu B: %llu MiB, copied/read %.3f (direct %.3f), library %.1f ms, "
           "read(2) %.1f ms, ratio %.2f\n",
           chunk, (unsigned long long)(total >> 20), copied / read, direct / read, best_lib * 1e3,
           best_sys * 1e3, best_lib / best_sys);
    return copied > read;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: ext2-bench IMAGE PATH\n");
        return 2;
    }
    struct filedev fd = {0};
    struct ext2_blockdev dev;
    struct ext2_fs *fs;
    char msg[160];
    uint32_t ino;
    if (filedev_open(&fd, argv[1], 0, &dev)) {
        perror(argv[1]);
        return 1;
    }
    struct ext2_mount_opts opts = {.read_only = 1};
    int err = ext2_mount(&fs, &dev, &opts, msg, sizeof(msg));
    if (!err)
        err = ext2_lookup(fs, argv[2], 1, &ino);
    if (err) {
        fprintf(stderr, "ext2-bench: %s: %s %s\n", argv[2], ext2_strerror(err), msg);
        return 1;
    }
    char *buf = malloc(1u << 20);
    static const size_t chunks[] = {1u << 20, 65536, 4096, 1000};
    int bad = 0;
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++)
        bad |= bench(fs, ino, argv[1], buf, chunks[i]);
    printf("target: copied/read <= 1: %s\n", bad ? "MISSED" : "met");
    free(buf);
    ext2_unmount(fs);
    filedev_close(&fd);
    return bad;
}
