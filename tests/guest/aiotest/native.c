/* aiotest: the native API, libos/fsio.h: completions reaped or by callback,
 * a completion slot per request (the 65th submit fails, nothing is lost),
 * cancel giving exactly one completion, zero-copy reads. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libos/fsio.h"

#include "aiotest.h"

static int calls[NCHUNK];

static void counted(const struct fsio_cpl *c)
{
    calls[(intptr_t)c->ctx]++;
}

/* Reap until n completions have come or waiting times out; returns how
 * many, with out filled. */
static int reap_all(struct fsio_cpl *out, int n)
{
    int got = 0;

    while (got < n) {
        int r = fsio_reap(out + got, n - got);

        got += r;
        if (r == 0 && fsio_wait(2000000000ull) < 0)
            break;
    }
    return got;
}

static void reaped(int fd)
{
    static uint8_t buf[NCHUNK][CHUNK];
    struct fsio_cpl cpl[NCHUNK + 1];
    long ids[NCHUNK];
    int ok = 1, got;

    quiet();
    fsio_batch_begin();
    for (int i = 0; i < NCHUNK; i++) {
        ids[i] = fsio_read(fd, buf[i], CHUNK, (off_t)(NCHUNK - 1 - i) * CHUNK, NULL,
                           (void *)(intptr_t)i);
        ok &= ids[i] > 0;
    }
    check(ok, "fsio: 64 reads queued in one batch");
    check(fsio_pending() == NCHUNK, "fsio: 64 completions owed");
    check(fsio_read(fd, buf[0], CHUNK, 0, NULL, NULL) == -EAGAIN,
          "fsio: a 65th request fails with EAGAIN (its completion would have no slot)");
    check(fsio_batch_end() == 0, "fsio: the batch goes to the server at once");
    got = reap_all(cpl, NCHUNK);
    check(got == NCHUNK && fsio_reap(cpl + got, 1) == 0, "fsio: 64 completions reaped, no more");
    ok = got == NCHUNK;
    for (int i = 0; i < got; i++) {
        int k = (int)(intptr_t)cpl[i].ctx;

        ok &= k >= 0 && k < NCHUNK && cpl[i].id == ids[k] && cpl[i].result == CHUNK &&
              cpl[i].op == FSIO_READ &&
              pattern_ok(buf[k], (uint64_t)(NCHUNK - 1 - k) * CHUNK, CHUNK);
    }
    check(ok, "fsio: each completion names its request and its data is right");
    check(fsio_pending() == 0, "fsio: nothing owed after reaping");
}

static void callbacks(int fd)
{
    static uint8_t buf[NCHUNK][CHUNK];
    int ok = 1;

    memset(calls, 0, sizeof(calls));
    for (int i = 0; i < NCHUNK; i++)
        ok &= fsio_read(fd, buf[i], CHUNK, (off_t)i * CHUNK, counted, (void *)(intptr_t)i) > 0;
    while (fsio_pending() > 0 && fsio_wait(2000000000ull) >= 0)
        ;
    for (int i = 0; i < NCHUNK; i++)
        ok &= calls[i] == 1 && pattern_ok(buf[i], (uint64_t)i * CHUNK, CHUNK);
    check(ok, "fsio: 64 callbacks, each run once, with the right data");
}

static void cancel(int fd)
{
    static uint8_t buf[CHUNK];
    struct fsio_cpl cpl[2];
    long id, wid;

    quiet();
    fsio_batch_begin();
    memset(buf, 0xee, sizeof(buf));
    id = fsio_read(fd, buf, CHUNK, 0, NULL, NULL);
    check(id > 0 && fsio_cancel(id) == 0, "fsio: cancel of a read in flight succeeds");
    check(fsio_cancel(id) == -ENOENT, "fsio: a second cancel finds nothing");
    check(fsio_reap(cpl, 2) == 1 && cpl[0].id == id && cpl[0].result == -ECANCELED,
          "fsio: the cancelled read has exactly one completion, -ECANCELED");
    wid = fsio_sync(fd, FSIO_FSYNC, NULL, NULL);
    check(wid > 0 && fsio_cancel(wid) == -EBUSY, "fsio: a sync in flight cannot be cancelled");
    fsio_batch_end();
    check(reap_all(cpl, 1) == 1 && cpl[0].id == wid && cpl[0].result == 0,
          "fsio: ... and completes once, as usual");
    while (fsio_wait(50000000ull) > 0 || fsio_poll() > 0)
        ;
    check(fsio_reap(cpl, 2) == 0 && buf[0] == 0xee && buf[CHUNK - 1] == 0xee,
          "fsio: the server's late answer to the cancelled read is dropped, the buffer untouched");
    check(fsio_cancel(12345) == -ENOENT && fsio_cancel(-1) == -ENOENT, "fsio: cancel of a bad id");
}

static void zero_copy(int fd)
{
    struct fsio_cpl cpl[1];
    long id = fsio_read_zc(fd, 3 * CHUNK, CHUNK, NULL, NULL);

    check(id > 0 && reap_all(cpl, 1) == 1 && cpl[0].result == 3 * CHUNK && cpl[0].data != NULL &&
              pattern_ok(cpl[0].data, CHUNK, 3 * CHUNK),
          "fsio: a zero-copy read hands out the bytes in the shared buffer");
    check(fsio_release(cpl[0].data) == 0, "fsio: release gives the buffer back");
    check(fsio_release(cpl[0].data) == -EINVAL, "fsio: a second release is refused");
    check(fsio_read_zc(fd, FSIO_ZC_MAX + 1, 0, NULL, NULL) == -EINVAL,
          "fsio: a zero-copy read beyond FSIO_ZC_MAX is EINVAL");
    id = fsio_read_zc(fd, CHUNK, 4 * FILESZ, NULL, NULL);
    check(id > 0 && reap_all(cpl, 1) == 1 && cpl[0].result == 0 && cpl[0].data == NULL,
          "fsio: a zero-copy read at the end gives 0 and no buffer");
}

static void errors(int fd)
{
    char b[8];

    check(fsio_read(-1, b, 8, 0, NULL, NULL) == -EBADF, "fsio: bad fd is EBADF");
    check(fsio_read(1, b, 8, 0, NULL, NULL) == -EBADF, "fsio: the console is not an fs file");
    check(fsio_read(fd, b, 8, -1, NULL, NULL) == -EINVAL, "fsio: negative offset is EINVAL");
    check(fsio_read(fd, NULL, 8, 0, NULL, NULL) == -EINVAL, "fsio: NULL buffer is EINVAL");
    check(fsio_sync(fd, 99, NULL, NULL) == -EINVAL, "fsio: unknown sync op is EINVAL");
}

void native_tests(int fd)
{
    reaped(fd);
    callbacks(fd);
    cancel(fd);
    zero_copy(fd);
    errors(fd);
}
