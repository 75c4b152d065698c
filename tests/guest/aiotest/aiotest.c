/* aiotest: POSIX asynchronous I/O (<aio.h>) and the native API under it
 * (libos/fsio.h, native.c), on a fresh disk. Prints TAP lines and exits
 * with the number of failures. Everything lives under /aiotest.
 *
 * Requests are answered by the fs server as soon as it is told, so to
 * hold some in flight the test queues them between fsio_batch_begin and
 * fsio_batch_end (the server is told at the end) after a pause long
 * enough for a polling server to have gone to sleep. */
#include <aio.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libos/fsio.h"

#include "aiotest.h"

static int failures;

void check(int ok, const char *what)
{
    printf("%s - aio: %s\n", ok ? "ok" : "not ok", what);
    if (!ok)
        failures++;
}

void check_err(int r, int err, const char *what)
{
    int e = errno;
    char line[200];

    snprintf(line, sizeof(line), "%s (got %d, errno %d)", what, r, e);
    check(r == -1 && e == err, r == -1 && e == err ? what : line);
}

static void skip(const char *what, const char *why)
{
    printf("ok - aio: %s # SKIP %s\n", what, why);
}

uint8_t pattern_at(uint64_t off)
{
    return (uint8_t)(off * 131u + (off >> 12) * 7u + 1u);
}

int pattern_ok(const void *buf, uint64_t off, size_t n)
{
    const uint8_t *b = buf;

    for (size_t i = 0; i < n; i++)
        if (b[i] != pattern_at(off + i))
            return 0;
    return 1;
}

uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void quiet(void)
{
    struct timespec ts = {0, 1000000};

    nanosleep(&ts, NULL);
}

static int make_pattern(void)
{
    static uint8_t buf[BIGSIZE];
    int fd = open(PATTERN, O_RDWR | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        return -1;
    for (uint64_t off = 0; off < FILESZ; off += BIGSIZE) {
        for (size_t i = 0; i < BIGSIZE; i++)
            buf[i] = pattern_at(off + i);
        if (write(fd, buf, BIGSIZE) != BIGSIZE)
            return -1;
    }
    return fd;
}

/* Every aiocb of the test notifies through this, counting per request. */
static int notified[NCHUNK + 8];

static void on_notify(union sigval v)
{
    notified[v.sival_int]++;
}

static void set_thread(struct aiocb *cb, int fd, void *buf, size_t n, off_t off, int k)
{
    memset(cb, 0, sizeof(*cb));
    cb->aio_fildes = fd;
    cb->aio_buf = buf;
    cb->aio_nbytes = n;
    cb->aio_offset = off;
    cb->aio_sigevent.sigev_notify = SIGEV_THREAD;
    cb->aio_sigevent.sigev_notify_function = on_notify;
    cb->aio_sigevent.sigev_value.sival_int = k;
}

/* Wait with aio_suspend until every one of list is done. */
static int wait_all(struct aiocb *const *list, int n)
{
    struct timespec t = {10, 0};

    for (int i = 0; i < n; i++)
        while (aio_error(list[i]) == EINPROGRESS)
            if (aio_suspend((const struct aiocb *const *)&list[i], 1, &t) < 0 && errno != EINTR)
                return -1;
    return 0;
}

static void reads_in_flight(int fd)
{
    static uint8_t buf[NCHUNK][CHUNK];
    static struct aiocb cbs[NCHUNK];
    struct aiocb *list[NCHUNK];
    int ok = 1, done_early = 0;

    memset(notified, 0, sizeof(notified));
    quiet();
    fsio_batch_begin();
    for (int i = 0; i < NCHUNK; i++) {
        /* Offsets out of order: each request must get its own bytes. */
        set_thread(&cbs[i], fd, buf[i], CHUNK, (off_t)((i * 37) % NCHUNK) * CHUNK, i);
        list[i] = &cbs[i];
        ok &= aio_read(&cbs[i]) == 0;
    }
    for (int i = 0; i < NCHUNK; i++)
        done_early += aio_error(&cbs[i]) != EINPROGRESS;
    check(ok, "aio_read: 64 requests on one fd accepted");
    check(done_early == 0 && fsio_pending() == NCHUNK, "aio_read: all 64 in flight at once");
    {
        static uint8_t extra[CHUNK];
        struct aiocb more;

        set_thread(&more, fd, extra, CHUNK, 0, NCHUNK);
        check_err(aio_read(&more), EAGAIN, "aio_read: a 65th request in flight is EAGAIN");
        check_err((int)aio_return(&cbs[0]), EINVAL, "aio_return: a request in flight is EINVAL");
    }
    fsio_batch_end();
    check(wait_all(list, NCHUNK) == 0, "aio_suspend: waits for all 64");
    ok = 1;
    for (int i = 0; i < NCHUNK; i++)
        ok &= aio_error(&cbs[i]) == 0 && aio_return(&cbs[i]) == CHUNK &&
              pattern_ok(buf[i], (uint64_t)((i * 37) % NCHUNK) * CHUNK, CHUNK);
    check(ok, "aio_read: 64 reads in flight complete with the right data");
    ok = 1;
    for (int i = 0; i < NCHUNK; i++)
        ok &= notified[i] == 1;
    check(ok, "SIGEV_THREAD: each of the 64 callbacks ran exactly once");

    /* The same without a batch: the server answers as they come. */
    memset(notified, 0, sizeof(notified));
    memset(buf, 0, sizeof(buf));
    ok = 1;
    for (int i = 0; i < NCHUNK; i++) {
        set_thread(&cbs[i], fd, buf[i], CHUNK, (off_t)i * CHUNK, i);
        ok &= aio_read(&cbs[i]) == 0;
    }
    ok &= wait_all(list, NCHUNK) == 0;
    for (int i = 0; i < NCHUNK; i++)
        ok &= aio_return(&cbs[i]) == CHUNK && notified[i] == 1 &&
              pattern_ok(buf[i], (uint64_t)i * CHUNK, CHUNK);
    check(ok, "aio_read: 64 unbatched reads, right data, one callback each");
}

static void big_reads(int fd)
{
    static uint8_t buf[2][BIGSIZE];
    struct aiocb cbs[2], *list[2] = {&cbs[0], &cbs[1]};

    for (int i = 0; i < 2; i++) {
        set_thread(&cbs[i], fd, buf[i], BIGSIZE, NCHUNK * CHUNK + i * BIGSIZE, i);
        cbs[i].aio_sigevent.sigev_notify = SIGEV_NONE;
    }
    check(aio_read(&cbs[0]) == 0 && aio_read(&cbs[1]) == 0 && wait_all(list, 2) == 0 &&
              aio_return(&cbs[0]) == BIGSIZE && aio_return(&cbs[1]) == BIGSIZE &&
              pattern_ok(buf[0], NCHUNK * CHUNK, BIGSIZE) &&
              pattern_ok(buf[1], NCHUNK * CHUNK + BIGSIZE, BIGSIZE),
          "aio_read: two 64 KiB reads (lent buffers), SIGEV_NONE");
    set_thread(&cbs[0], fd, buf[0], BIGSIZE, FILESZ - 100, 0);
    cbs[0].aio_sigevent.sigev_notify = SIGEV_NONE;
    check(aio_read(&cbs[0]) == 0 && wait_all(list, 1) == 0 && aio_return(&cbs[0]) == 100 &&
              pattern_ok(buf[0], FILESZ - 100, 100),
          "aio_read: a read across the end is short");
}

static volatile int usr1;

static void on_usr1(int sig)
{
    (void)sig;
    usr1++;
}

/* A signal handler that runs while aio_suspend waits: EINTR. The signal
 * comes from a SIGEV_SIGNAL write to a pipe, done at once, while the read
 * waited for is held back (queued, the server not told). */
static void interrupted(int fd)
{
    static uint8_t buf[CHUNK];
    struct aiocb rd, wr;
    const struct aiocb *list[1] = {&rd};
    struct timespec t2s = {2, 0};
    int p[2], r, e, wrote;

    if (pipe(p) != 0) {
        check(0, "pipe for the EINTR check");
        return;
    }
    usr1 = 0;
    signal(SIGUSR1, on_usr1);
    set_thread(&rd, fd, buf, CHUNK, 0, 0);
    set_thread(&wr, p[1], "x", 1, 0, 1);
    wr.aio_sigevent.sigev_notify = SIGEV_SIGNAL;
    wr.aio_sigevent.sigev_signo = SIGUSR1;
    quiet();
    fsio_batch_begin();
    /* (No printing until aio_suspend: a console write delivers signals.) */
    r = aio_read(&rd);
    wrote = r == 0 && aio_write(&wr) == 0 && aio_return(&wr) == 1 && usr1 == 0;
    r = aio_suspend(list, 1, &t2s);
    e = errno;
    check(wrote, "aio_write to a pipe: done at once, SIGEV_SIGNAL posted");
    if (r == 0)
        skip("aio_suspend: EINTR when a handler runs", "the server answered early");
    else
        check(r == -1 && e == EINTR && usr1 == 1,
              "aio_suspend: EINTR when a signal handler ran and nothing listed is done");
    fsio_batch_end();
    check(aio_suspend(list, 1, &t2s) == 0 && aio_return(&rd) == CHUNK,
          "aio_suspend: then the read completes");
    signal(SIGUSR1, SIG_DFL);
    close(p[0]);
    close(p[1]);
}

static void suspend(int fd)
{
    static uint8_t buf[CHUNK];
    struct aiocb cb;
    const struct aiocb *list[2] = {NULL, &cb};
    struct timespec t50 = {0, 50000000}, t10s = {10, 0}, bad = {0, 1000000000};
    uint64_t t0;
    int r;

    t0 = now_ns();
    r = aio_suspend(list, 1, &t50);
    check_err(r, EAGAIN, "aio_suspend: a timeout that expires (nothing listed) gives EAGAIN");
    check(now_ns() - t0 >= 50000000ull, "aio_suspend: ... after the whole 50 ms");

    set_thread(&cb, fd, buf, CHUNK, 0, NCHUNK);
    quiet();
    fsio_batch_begin();
    r = aio_read(&cb);
    t0 = now_ns();
    r = r == 0 ? aio_suspend(list, 2, &t50) : 0;
    if (r == 0 && aio_error(&cb) != EINPROGRESS)
        skip("aio_suspend: expires while a request is in flight", "the server answered early");
    else
        check(r == -1 && errno == EAGAIN && aio_error(&cb) == EINPROGRESS &&
                  now_ns() - t0 >= 50000000ull,
              "aio_suspend: a timeout that expires while a request is in flight gives EAGAIN");
    fsio_batch_end();
    t0 = now_ns();
    check(aio_suspend(list, 2, &t10s) == 0 && aio_error(&cb) == 0 && now_ns() - t0 < 5000000000ull,
          "aio_suspend: returns when the request completes, long before its timeout");
    check(aio_suspend(list, 2, &t10s) == 0, "aio_suspend: a done request returns at once");
    check_err(aio_suspend(list, 2, &bad), EINVAL, "aio_suspend: tv_nsec of 1e9 is EINVAL");
    interrupted(fd);
    check_err(aio_suspend(list, -1, &t50), EINVAL, "aio_suspend: a negative count is EINVAL");
}

static void cancel(int fd)
{
    static uint8_t buf[3][CHUNK];
    struct aiocb r1, r2, w;
    static const char text[] = "written, not cancelled";

    memset(notified, 0, sizeof(notified));
    memset(buf, 0x5a, sizeof(buf));
    set_thread(&r1, fd, buf[0], CHUNK, 0, 0);
    set_thread(&r2, fd, buf[1], CHUNK, CHUNK, 1);
    set_thread(&w, fd, (void *)text, sizeof(text), FILESZ + CHUNK, 2);
    quiet();
    fsio_batch_begin();
    check(aio_read(&r1) == 0 && aio_read(&r2) == 0 && aio_write(&w) == 0,
          "aio_cancel: two reads and a write queued");
    check(aio_cancel(fd, &r1) == AIO_CANCELED, "aio_cancel: a read in flight is AIO_CANCELED");
    check(aio_error(&r1) == ECANCELED && aio_return(&r1) == -1 && notified[0] == 1,
          "aio_cancel: ... ECANCELED, aio_return -1, notified once");
    check(aio_cancel(fd, &w) == AIO_NOTCANCELED,
          "aio_cancel: a write in flight is AIO_NOTCANCELED");
    check(aio_cancel(fd, NULL) == AIO_NOTCANCELED && aio_error(&r2) == ECANCELED,
          "aio_cancel(fd, NULL): cancels the other read, the write stays: AIO_NOTCANCELED");
    fsio_batch_end();
    {
        struct aiocb *list[1] = {&w};

        check(wait_all(list, 1) == 0 && aio_return(&w) == (ssize_t)sizeof(text) && notified[2] == 1,
              "aio_cancel: the write not cancelled completes as usual");
    }
    check(aio_cancel(fd, &r1) == AIO_ALLDONE && aio_cancel(fd, &w) == AIO_ALLDONE,
          "aio_cancel: a done request is AIO_ALLDONE");
    check(aio_cancel(fd, NULL) == AIO_ALLDONE, "aio_cancel(fd, NULL): nothing left: AIO_ALLDONE");
    quiet();
    check(notified[0] == 1 && notified[1] == 1 && buf[0][0] == 0x5a && buf[1][CHUNK - 1] == 0x5a,
          "aio_cancel: cancelled reads never touch their buffers, nor notify twice");
    {
        char back[sizeof(text)];

        check(pread(fd, back, sizeof(back), FILESZ + CHUNK) == (ssize_t)sizeof(back) &&
                  memcmp(back, text, sizeof(text)) == 0,
              "aio_cancel: the write is in the file");
    }
    check_err(aio_cancel(99, NULL), EBADF, "aio_cancel: a bad fd is EBADF");
    check_err(aio_cancel(0, &r1), EINVAL, "aio_cancel: an aiocb of another fd is EINVAL");
}

static int list_notified;

static void on_list(union sigval v)
{
    list_notified += v.sival_int;
}

static void listio(int fd)
{
    static uint8_t buf[16][CHUNK];
    struct aiocb cbs[17], *list[18];
    struct sigevent ev;
    int ok = 1;

    memset(notified, 0, sizeof(notified));
    for (int i = 0; i < 16; i++) {
        set_thread(&cbs[i], fd, buf[i], CHUNK, (off_t)(15 - i) * CHUNK, i);
        cbs[i].aio_lio_opcode = LIO_READ;
        list[i] = &cbs[i];
    }
    memset(&cbs[16], 0, sizeof(cbs[16]));
    cbs[16].aio_lio_opcode = LIO_NOP;
    list[16] = &cbs[16];
    list[17] = NULL;
    check(lio_listio(LIO_WAIT, list, 18, NULL) == 0,
          "lio_listio LIO_WAIT: 16 reads, a NOP, a NULL");
    for (int i = 0; i < 16; i++)
        ok &= aio_error(&cbs[i]) == 0 && aio_return(&cbs[i]) == CHUNK && notified[i] == 1 &&
              pattern_ok(buf[i], (uint64_t)(15 - i) * CHUNK, CHUNK);
    check(ok, "lio_listio LIO_WAIT: all done on return, right data, each notified once");

    memset(notified, 0, sizeof(notified));
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = on_list;
    ev.sigev_value.sival_int = 1;
    list_notified = 0;
    check(lio_listio(LIO_NOWAIT, list, 17, &ev) == 0, "lio_listio LIO_NOWAIT: accepted");
    check(wait_all(list, 16) == 0, "lio_listio LIO_NOWAIT: the requests complete");
    ok = 1;
    for (int i = 0; i < 16; i++)
        ok &= aio_return(&cbs[i]) == CHUNK && notified[i] == 1 &&
              pattern_ok(buf[i], (uint64_t)(15 - i) * CHUNK, CHUNK);
    check(ok && list_notified == 1, "lio_listio LIO_NOWAIT: right data; the list notified once");

    cbs[3].aio_lio_opcode = 77;
    check_err(lio_listio(LIO_WAIT, list, 16, NULL), EIO,
              "lio_listio: a bad opcode in the list gives EIO");
    check(aio_error(&cbs[3]) == EINVAL && aio_return(&cbs[2]) == CHUNK,
          "lio_listio: ... that entry has EINVAL, the others are done");
    check_err(lio_listio(7, list, 1, NULL), EINVAL, "lio_listio: a bad mode is EINVAL");
    check_err(lio_listio(LIO_WAIT, list, AIO_LISTIO_MAX + 1, NULL), EINVAL,
              "lio_listio: more than AIO_LISTIO_MAX is EINVAL");
}

/* Another thread waits in aio_suspend for a request of this one: it
 * sleeps on the completion counter and wakes when this thread has run the
 * completion. (Its requests are this thread's: it makes no file call.) */
struct waiter {
    struct aiocb *cb;
    int r, err, seen;
    uint64_t ns;
};

static void *waiter_main(void *p)
{
    struct waiter *w = p;
    const struct aiocb *list[1] = {w->cb};
    struct timespec t5 = {5, 0};
    uint64_t t0 = now_ns();

    w->r = aio_suspend(list, 1, &t5);
    w->err = errno;
    w->ns = now_ns() - t0;
    w->seen = aio_error(w->cb);
    return NULL;
}

static void cross_thread(int fd)
{
    static uint8_t buf[CHUNK];
    struct aiocb cb, *list[1] = {&cb};
    struct waiter w = {&cb, -2, 0, -1, 0};
    struct timespec t20 = {0, 20000000};
    pthread_t th;
    int made;

    set_thread(&cb, fd, buf, CHUNK, 5 * CHUNK, 0);
    cb.aio_sigevent.sigev_notify = SIGEV_NONE;
    quiet();
    fsio_batch_begin();
    made = aio_read(&cb) == 0 && pthread_create(&th, NULL, waiter_main, &w) == 0;
    nanosleep(&t20, NULL); /* the waiter is asleep by now */
    fsio_batch_end();
    if (made)
        wait_all(list, 1);
    if (made)
        pthread_join(th, NULL);
    check(made && w.r == 0 && w.seen == 0 && w.ns >= 10000000ull && w.ns < 4000000000ull &&
              aio_return(&cb) == CHUNK && pattern_ok(buf, 5 * CHUNK, CHUNK),
          "aio_suspend on another thread wakes when the request completes");
}

/* AIO from threads other than the one that opened the file, each on its
 * own fs connection with its own records and staging buffer, freed when
 * it exits. */
static int worker_fd, worker_ok;

static void *worker_main(void *p)
{
    static uint8_t wbuf[NCHUNK][CHUNK];
    static struct aiocb wcbs[NCHUNK];
    struct aiocb *list[NCHUNK];
    int ok = 1;

    (void)p;
    for (int i = 0; i < NCHUNK; i++) {
        set_thread(&wcbs[i], worker_fd, wbuf[i], CHUNK, (off_t)i * CHUNK, i);
        list[i] = &wcbs[i];
    }
    for (int i = 0; i < NCHUNK; i++)
        wcbs[i].aio_lio_opcode = LIO_READ;
    ok &= lio_listio(LIO_WAIT, list, NCHUNK, NULL) == 0;
    for (int i = 0; i < NCHUNK; i++)
        ok &= aio_return(&wcbs[i]) == CHUNK && pattern_ok(wbuf[i], (uint64_t)i * CHUNK, CHUNK);
    worker_ok = ok;
    return NULL;
}

static void worker_thread(int fd)
{
    pthread_t th[2];

    memset(notified, 0, sizeof(notified));
    worker_fd = fd;
    for (int round = 0; round < 2; round++) {
        worker_ok = 0;
        pthread_create(&th[round], NULL, worker_main, NULL);
        pthread_join(th[round], NULL);
        check(worker_ok,
              "threads: another thread's 64 reads (lio_listio) complete with the right data");
    }
    int ok = 1;

    for (int i = 0; i < NCHUNK; i++)
        ok &= notified[i] == 2;
    check(ok, "threads: two such threads, their callbacks ran once per request");
}

static void write_sync(void)
{
    static char part[3][CHUNK];
    struct aiocb w[3], s, *list[4];
    char back[3 * CHUNK];
    int fd = open("/aiotest/written", O_RDWR | O_CREAT | O_TRUNC, 0644), ok = 1;

    memset(notified, 0, sizeof(notified));
    for (int i = 0; i < 3; i++) {
        memset(part[i], 'a' + i, CHUNK);
        /* Out of order: the third part first. */
        set_thread(&w[i], fd, part[i], CHUNK, (off_t)(2 - i) * CHUNK, i);
        list[i] = &w[i];
        ok &= aio_write(&w[i]) == 0;
    }
    set_thread(&s, fd, NULL, 0, 0, 3);
    list[3] = &s;
    ok &= aio_fsync(O_SYNC, &s) == 0;
    check(fd >= 0 && ok, "aio_write x3 + aio_fsync: accepted");
    check(wait_all(&list[3], 1) == 0 && aio_error(&s) == 0 && aio_return(&s) == 0,
          "aio_fsync: completes with 0");
    ok = 1;
    for (int i = 0; i < 3; i++)
        ok &= aio_error(&w[i]) == 0 && aio_return(&w[i]) == CHUNK;
    check(ok, "aio_fsync: ... after every write queued before it");
    ok = pread(fd, back, sizeof(back), 0) == (ssize_t)sizeof(back);
    for (int i = 0; i < 3 && ok; i++)
        ok = back[i * CHUNK] == 'c' - i && back[i * CHUNK + CHUNK - 1] == 'c' - i;
    check(ok, "aio_write: read back, each part at its offset");
    ok = 1;
    for (int i = 0; i < 4; i++)
        ok &= notified[i] == 1;
    check(ok, "aio_write, aio_fsync: one notification each");
    close(fd);
}

static void signal_notify(int fd)
{
    static uint8_t buf[CHUNK];
    struct aiocb cb, *list[1] = {&cb};

    usr1 = 0;
    signal(SIGUSR1, on_usr1);
    set_thread(&cb, fd, buf, CHUNK, 0, 0);
    cb.aio_sigevent.sigev_notify = SIGEV_SIGNAL;
    cb.aio_sigevent.sigev_signo = SIGUSR1;
    check(aio_read(&cb) == 0 && wait_all(list, 1) == 0 && aio_return(&cb) == CHUNK,
          "SIGEV_SIGNAL: the read completes");
    aio_suspend((const struct aiocb *const *)list, 1, NULL);
    check(usr1 == 1, "SIGEV_SIGNAL: its handler ran once");
    signal(SIGUSR1, SIG_DFL);
}

static void fallback(void)
{
    static const char line[] = "aiotest: this line went through aio_write on the console\n";
    char zero[64];
    struct aiocb cb;
    int z = open("/dev/zero", O_RDONLY);

    set_thread(&cb, 1, (void *)line, sizeof(line) - 1, 0, 0);
    cb.aio_sigevent.sigev_notify = SIGEV_NONE;
    check(aio_write(&cb) == 0 && aio_error(&cb) == 0 && aio_return(&cb) == sizeof(line) - 1,
          "aio_write on the console: done at once");
    memset(zero, 1, sizeof(zero));
    set_thread(&cb, z, zero, sizeof(zero), 0, 0);
    cb.aio_sigevent.sigev_notify = SIGEV_NONE;
    check(aio_read(&cb) == 0 && aio_return(&cb) == sizeof(zero) && zero[0] == 0 && zero[63] == 0,
          "aio_read of /dev/zero: done at once, zeros");
    set_thread(&cb, 1, NULL, 0, 0, 0);
    check_err(aio_fsync(O_SYNC, &cb), EINVAL, "aio_fsync on the console is EINVAL");
    close(z);
}

static void errors(int fd)
{
    static uint8_t buf[CHUNK];
    struct aiocb cb, *list[1] = {&cb};
    int wo = open("/aiotest/wo", O_WRONLY | O_CREAT, 0644);
    int dir = open("/aiotest", O_RDONLY);

    set_thread(&cb, -1, buf, CHUNK, 0, 0);
    check_err(aio_read(&cb), EBADF, "aio_read: fd -1 is EBADF");
    cb.aio_fildes = 63;
    check_err(aio_read(&cb), EBADF, "aio_read: a closed fd is EBADF");
    cb.aio_fildes = wo;
    check_err(aio_read(&cb), EBADF, "aio_read: a write-only fd is EBADF");
    cb.aio_fildes = fd;
    cb.aio_offset = -1;
    check_err(aio_read(&cb), EINVAL, "aio_read: a negative offset is EINVAL");
    cb.aio_offset = 0;
    cb.aio_sigevent.sigev_notify = 99;
    check_err(aio_read(&cb), EINVAL, "aio_read: an unknown sigev_notify is EINVAL");
    cb.aio_sigevent.sigev_notify = SIGEV_THREAD;
    cb.aio_sigevent.sigev_notify_function = NULL;
    check_err(aio_read(&cb), EINVAL, "aio_read: SIGEV_THREAD without a function is EINVAL");
    set_thread(&cb, fd, buf, CHUNK, 0, 0);
    check_err(aio_fsync(12345, &cb), EINVAL, "aio_fsync: an unknown op is EINVAL");
    check_err(aio_read(NULL), EINVAL, "aio_read: a NULL aiocb is EINVAL");
    {
        int ro = open(PATTERN, O_RDONLY);

        set_thread(&cb, ro, buf, CHUNK, 0, 0);
        check_err(aio_write(&cb), EBADF, "aio_write: a read-only fd is EBADF");
        close(ro);
    }
    set_thread(&cb, dir, buf, CHUNK, 0, 0);
    cb.aio_sigevent.sigev_notify = SIGEV_NONE;
    check(dir >= 0 && aio_read(&cb) == 0 && wait_all(list, 1) == 0 && aio_error(&cb) == EISDIR &&
              aio_return(&cb) == -1,
          "aio_read of a directory: EISDIR from aio_error, -1 from aio_return");
    close(wo);
    close(dir);
}

int main(int argc, char **argv)
{
    int fd;

    check(mkdir("/aiotest", 0755) == 0, "mkdir /aiotest");
    fd = make_pattern();
    check(fd >= 0, "a 384 KiB pattern file");
    if (fd < 0)
        return 1;
    reads_in_flight(fd);
    big_reads(fd);
    suspend(fd);
    cancel(fd);
    listio(fd);
    write_sync();
    cross_thread(fd);
    worker_thread(fd);
    signal_notify(fd);
    fallback();
    errors(fd);
    native_tests(fd);
    check(fsio_pending() == 0, "nothing left in flight at the end");
    close(fd);
    printf("aiotest: %d failure%s\n", failures, failures == 1 ? "" : "s");
    return failures;
}
