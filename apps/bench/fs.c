/* bench: the fs figures of DESIGN §7, on one hart under -icount (every
 * process on the path counts: this program with libos, the kernel, the fs
 * server; the blk driver only on a cache miss, which these avoid).
 *
 *   fs_read_4k_cached   read(fd, buf, 4096) of a file whose block is in the
 *                       server's cache: through the data area
 *   fs_read_1m_per_kib  read(fd, buf, 1 MiB) of a cached 1 MiB file, per
 *                       KiB: the buffer is lent to the server, one copy
 *   fs_open_close       open + close of an existing file, three levels deep
 *   fs_stat             stat of that path
 *
 * The files are made here first (written, then read once so every block
 * is cached). Needs an ext2 disk the fs server mounts (scripts/bench.sh
 * attaches an empty one); without one the figures are skipped. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "bench_fs.h"

#define FILE_4K  "/bench/dir/file4k" /* three levels deep */
#define FILE_1M  "/bench/big"
#define BIG      (1u << 20)
#define BIG_RUNS 9

static uint8_t big[BIG] __attribute__((aligned(4096)));

/* Make path with n bytes of a pattern; 0 or -1. */
static int make_file(const char *path, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        big[i] = (uint8_t)(i * 7 + 1);
    if (write(fd, big, n) != (ssize_t)n) {
        close(fd);
        return -1;
    }
    return close(fd);
}

static int setup(void)
{
    if ((mkdir("/bench", 0755) < 0 && errno != EEXIST) ||
        (mkdir("/bench/dir", 0755) < 0 && errno != EEXIST))
        return -1;
    if (make_file(FILE_4K, 4096) < 0 || make_file(FILE_1M, BIG) < 0)
        return -1;
    return 0;
}

static void bench_read_4k(void)
{
    uint64_t s[SAMPLES];
    char buf[4096];
    int fd = open(FILE_4K, O_RDONLY);

    if (fd < 0) {
        fail("open " FILE_4K, errno);
        return;
    }
    for (int i = 0; i < 10 + SAMPLES; i++) {
        lseek(fd, 0, SEEK_SET);
        uint64_t t0 = rdinstret();
        ssize_t r = read(fd, buf, sizeof(buf));
        uint64_t t1 = rdinstret();

        if (r != (ssize_t)sizeof(buf) || buf[4095] != (char)(4095 * 7 + 1)) {
            fail("read 4 KiB", r < 0 ? errno : r);
            break;
        }
        if (i >= 10)
            s[i - 10] = t1 - t0;
    }
    close(fd);
    report("fs_read_4k_cached", (double)median(s, SAMPLES), "insns", "<= 3000",
           "read(fd, 4 KiB) of a cached file: libos, fs server, data area");
}

static void bench_read_1m(void)
{
    uint64_t s[BIG_RUNS];
    int fd = open(FILE_1M, O_RDONLY);

    if (fd < 0) {
        fail("open " FILE_1M, errno);
        return;
    }
    for (int i = 0; i < 1 + BIG_RUNS; i++) {
        memset(big, 0, BIG);
        lseek(fd, 0, SEEK_SET);
        uint64_t t0 = rdinstret();
        ssize_t r = read(fd, big, BIG);
        uint64_t t1 = rdinstret();

        if (r != (ssize_t)BIG || big[BIG - 1] != (uint8_t)((BIG - 1) * 7 + 1)) {
            fail("read 1 MiB", r < 0 ? errno : r);
            break;
        }
        if (i >= 1)
            s[i - 1] = t1 - t0;
    }
    close(fd);
    report("fs_read_1m_per_kib", (double)median(s, BIG_RUNS) / 1024, "insns", "<= 320",
           "read(fd, 1 MiB) of a cached file, per KiB: lent, one copy");
}

static void bench_open_close(void)
{
    uint64_t s[SAMPLES];

    for (int i = 0; i < 10 + SAMPLES; i++) {
        uint64_t t0 = rdinstret();
        int fd = open(FILE_4K, O_RDONLY);
        int r = fd >= 0 ? close(fd) : -1;
        uint64_t t1 = rdinstret();

        if (r < 0) {
            fail("open + close", errno);
            return;
        }
        if (i >= 10)
            s[i - 10] = t1 - t0;
    }
    report("fs_open_close", (double)median(s, SAMPLES), "insns", "<= 3000",
           "open + close of " FILE_4K);
}

static void bench_stat(void)
{
    uint64_t s[SAMPLES];
    struct stat st;

    for (int i = 0; i < 10 + SAMPLES; i++) {
        uint64_t t0 = rdinstret();
        int r = stat(FILE_4K, &st);
        uint64_t t1 = rdinstret();

        if (r < 0 || st.st_size != 4096) {
            fail("stat", r < 0 ? errno : -1);
            return;
        }
        if (i >= 10)
            s[i - 10] = t1 - t0;
    }
    report("fs_stat", (double)median(s, SAMPLES), "insns", "<= 2000", "stat of " FILE_4K);
}

/* For instruction traces (-singlestep -d exec,nochain): one of each
 * measured call between calls of this marker, after two of each to warm
 * the caches. */
__attribute__((noinline)) void bench_fs_mark(int what)
{
    __asm__ volatile("" ::"r"(what) : "memory");
}

void bench_fs_trace(void)
{
    char buf[4096];
    struct stat st;
    int fd;

    if (setup() < 0) {
        fail("fs setup", errno);
        return;
    }
    fd = open(FILE_4K, O_RDONLY);
    for (int i = 0; i < 3; i++) {
        lseek(fd, 0, SEEK_SET);
        bench_fs_mark(1);
        read(fd, buf, sizeof(buf));
        bench_fs_mark(2);
        close(open(FILE_4K, O_RDONLY));
        bench_fs_mark(3);
        stat(FILE_4K, &st);
        bench_fs_mark(4);
    }
    close(fd);
    fd = open(FILE_1M, O_RDONLY);
    for (int i = 0; i < 2; i++) {
        lseek(fd, 0, SEEK_SET);
        bench_fs_mark(5);
        read(fd, big, 64 * 1024);
        bench_fs_mark(6);
    }
    close(fd);
}

void bench_fs(void)
{
    struct stat st;

    if (stat("/", &st) < 0) {
        printf("# no file system (no disk): fs figures skipped\n");
        return;
    }
    if (setup() < 0) {
        fail("fs setup", errno);
        return;
    }
    bench_read_4k();
    bench_read_1m();
    bench_open_close();
    bench_stat();
}
