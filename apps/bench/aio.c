/* bench: the throughput of asynchronous reads, 64 in flight on one fd
 * (DESIGN §7 asks for the figure; it has no target), on one hart under
 * -icount with an ext2 disk that init's fs server mounts. Every process
 * on the path counts: this client, the kernel, the fs server. The file
 * (256 KiB) is written and read once first, so the figures are of cached
 * data.
 *
 *   aio_listio_64x4k_per_kib  lio_listio(LIO_WAIT) of 64 reads of 4 KiB
 *                             (one notification of the server), per KiB
 *   aio_listio_64x4k_per_req  the same, per request
 *   aio_read_64x4k_per_req    64 aio_read calls, then aio_suspend until
 *                             all are done, per request
 *   fsio_zc_64x4k_per_kib     the native zero-copy read (libos/fsio.h):
 *                             a batch of 64, reaped and released, per KiB */
#include <aio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libos/fsio.h"

#include "bench.h"
#include "bench_aio.h"

#define DEPTH    64
#define CHUNK    4096
#define ROUNDS   11
#define AIO_FILE "/aiobench"

static uint8_t bufs[DEPTH][CHUNK];
static struct aiocb cbs[DEPTH];

static int make_file(void)
{
    int fd = open(AIO_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        return -1;
    for (int i = 0; i < DEPTH; i++) {
        memset(bufs[i], i, CHUNK);
        if (write(fd, bufs[i], CHUNK) != CHUNK)
            return -1;
    }
    /* Once through the cache. */
    for (int i = 0; i < DEPTH; i++)
        if (pread(fd, bufs[i], CHUNK, (off_t)i * CHUNK) != CHUNK)
            return -1;
    return fd;
}

static void prepare(int fd)
{
    for (int i = 0; i < DEPTH; i++) {
        memset(&cbs[i], 0, sizeof(cbs[i]));
        cbs[i].aio_fildes = fd;
        cbs[i].aio_buf = bufs[i];
        cbs[i].aio_nbytes = CHUNK;
        cbs[i].aio_offset = (off_t)i * CHUNK;
        cbs[i].aio_lio_opcode = LIO_READ;
        cbs[i].aio_sigevent.sigev_notify = SIGEV_NONE;
    }
}

static int all_ok(void)
{
    for (int i = 0; i < DEPTH; i++)
        if (aio_return(&cbs[i]) != CHUNK || bufs[i][0] != (uint8_t)i)
            return 0;
    return 1;
}

/* One round of lio_listio(LIO_WAIT): instructions, or 0 on failure. */
static uint64_t listio_round(int fd)
{
    struct aiocb *list[DEPTH];
    uint64_t t0, t1;

    prepare(fd);
    for (int i = 0; i < DEPTH; i++)
        list[i] = &cbs[i];
    t0 = rdinstret();
    if (lio_listio(LIO_WAIT, list, DEPTH, NULL) != 0)
        return 0;
    t1 = rdinstret();
    return all_ok() ? t1 - t0 : 0;
}

static uint64_t read_round(int fd)
{
    uint64_t t0, t1;

    prepare(fd);
    t0 = rdinstret();
    for (int i = 0; i < DEPTH; i++)
        if (aio_read(&cbs[i]) != 0)
            return 0;
    for (int i = 0; i < DEPTH; i++) {
        const struct aiocb *one[1] = {&cbs[i]};

        while (aio_error(&cbs[i]) == EINPROGRESS)
            if (aio_suspend(one, 1, NULL) != 0 && errno != EINTR)
                return 0;
    }
    t1 = rdinstret();
    return all_ok() ? t1 - t0 : 0;
}

static uint64_t zc_round(int fd)
{
    struct fsio_cpl cpl[DEPTH];
    uint64_t t0, t1;
    int got = 0, ok = 1;

    t0 = rdinstret();
    fsio_batch_begin();
    for (int i = 0; i < DEPTH; i++)
        if (fsio_read_zc(fd, CHUNK, (off_t)i * CHUNK, NULL, NULL) <= 0)
            ok = 0;
    fsio_batch_end();
    while (got < DEPTH) {
        int n = fsio_reap(cpl + got, DEPTH - got);

        got += n;
        if (n == 0 && fsio_wait(~0ull) < 0)
            break;
    }
    for (int i = 0; i < got; i++) {
        ok &= cpl[i].result == CHUNK;
        if (cpl[i].data != NULL)
            fsio_release(cpl[i].data);
    }
    t1 = rdinstret();
    return ok && got == DEPTH ? t1 - t0 : 0;
}

static void figure(uint64_t (*round)(int), int fd, const char *what, uint64_t v[ROUNDS])
{
    for (int r = 0; r < ROUNDS; r++) {
        v[r] = round(fd);
        if (v[r] == 0) {
            fail(what, -1);
            return;
        }
    }
}

void bench_aio(void)
{
    uint64_t v[ROUNDS];
    int fd = make_file();

    if (fd < 0) {
        printf("# no writable fs (no ext2 disk?): aio figures skipped\n");
        fail("aio: making " AIO_FILE, -1);
        return;
    }
    figure(listio_round, fd, "aio: lio_listio round", v);
    uint64_t m = median(v, ROUNDS);
    report("aio_listio_64x4k_per_kib", (double)m / (DEPTH * CHUNK / 1024), "insns", "-",
           "lio_listio(LIO_WAIT) of 64 cached 4 KiB reads, per KiB");
    report("aio_listio_64x4k_per_req", (double)m / DEPTH, "insns", "-", "the same, per request");
    figure(read_round, fd, "aio: aio_read round", v);
    report("aio_read_64x4k_per_req", (double)median(v, ROUNDS) / DEPTH, "insns", "-",
           "64 aio_read + aio_suspend, per request");
    figure(zc_round, fd, "aio: fsio zero-copy round", v);
    report("fsio_zc_64x4k_per_kib", (double)median(v, ROUNDS) / (DEPTH * CHUNK / 1024), "insns",
           "-", "64 zero-copy reads (fsio_read_zc), reaped, per KiB");
    close(fd);
    unlink(AIO_FILE);
}
