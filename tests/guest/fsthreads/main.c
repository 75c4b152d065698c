/* fsthreads: file calls from many threads (libos/fs_client.c: one fs
 * connection per thread, the server sharing handles per process).
 * Prints TAP lines ("ok - fsthreads: ...") and a summary; exits 1 on any
 * failure. Needs an ext2 disk the fs server mounts.
 *
 *   - a descriptor opened on a thread that then exits works on a thread
 *     made afterwards (the process had no other fs connection meanwhile);
 *   - 8 threads on up to 4 harts open, write, read back and close files
 *     of their own, in the data area, the lend cache and per-request
 *     lends, and stat and unlink them;
 *   - descriptors opened on one thread are read, written and closed on
 *     others; a descriptor closed on another thread is EBADF here;
 *   - 8 threads append records to one file through their own O_APPEND
 *     descriptors: none lost, none torn;
 *   - 600 short-lived threads each make a file call: connections of gone
 *     threads are closed (a leak would hit the per-client limit of 512). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libos/libos.h>

#define THREADS 8
#define ROUNDS  6
#define RECORDS 40
#define RECLEN  32

static int passed, failed;

static void check(int ok, const char *what)
{
    printf("%sok - fsthreads: %s\n", ok ? "" : "not ", what);
    if (ok)
        passed++;
    else
        failed++;
}

static pthread_t start(void *(*fn)(void *), void *arg, int i)
{
    pthread_attr_t a;
    pthread_t t;
    int harts = libos_nharts() < 4 ? libos_nharts() : 4;

    pthread_attr_init(&a);
    pthread_attr_sethartmask_np(&a, 1ull << (i % harts));
    if (pthread_create(&t, &a, fn, arg) != 0) {
        printf("fsthreads: pthread_create failed\n");
        exit(1);
    }
    pthread_attr_destroy(&a);
    return t;
}

static void *join(pthread_t t)
{
    void *r = NULL;

    pthread_join(t, &r);
    return r;
}

static void fill(unsigned char *b, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 9));
}

/* ---- a descriptor outlives the thread that opened it -------------------- */

static void *open_and_leave(void *arg)
{
    int fd = open("/fsthreads/kept", O_RDWR | O_CREAT | O_TRUNC, 0644);

    if (fd >= 0 && write(fd, "left behind", 11) != 11)
        fd = -1;
    return (void *)(intptr_t)fd;
}

static void *use_left(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[16] = {0};
    intptr_t ok = pread(fd, buf, sizeof(buf), 0) == 11 && memcmp(buf, "left behind", 11) == 0;

    ok = ok && write(fd, "!", 1) == 1 && close(fd) == 0;
    return (void *)ok;
}

/* ---- every thread its own files ----------------------------------------- */

static unsigned char heapbufs[THREADS][20 * 1024];

static int one_size(int id, int round, unsigned char *buf, unsigned char *back, size_t n)
{
    char path[40];
    struct stat st;
    int fd, ok;

    snprintf(path, sizeof(path), "/fsthreads/t%d-%d", id, round);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return 0;
    fill(buf, n, (unsigned)(id * 100 + round));
    memset(back, 0, n);
    ok = write(fd, buf, n) == (ssize_t)n && lseek(fd, 0, SEEK_SET) == 0 &&
         read(fd, back, n) == (ssize_t)n && memcmp(buf, back, n) == 0;
    ok = ok && fstat(fd, &st) == 0 && st.st_size == (off_t)n;
    ok = close(fd) == 0 && ok;
    ok = ok && stat(path, &st) == 0 && st.st_size == (off_t)n && unlink(path) == 0;
    return ok;
}

static void *own_files(void *arg)
{
    int id = (int)(intptr_t)arg;
    unsigned char small[600], back[600];
    unsigned char stackbuf[8192], stackback[8192];
    unsigned char *heapback = malloc(sizeof(heapbufs[0]));
    intptr_t ok = heapback != NULL;

    for (int round = 0; round < ROUNDS && ok; round++) {
        ok = one_size(id, round, small, back, sizeof(small));                  /* data area */
        ok = ok && one_size(id, round, stackbuf, stackback, sizeof(stackbuf)); /* kept lend */
        ok = ok && one_size(id, round, heapbufs[id], heapback, sizeof(heapbufs[0]));
    }
    free(heapback);
    return (void *)ok;
}

/* ---- descriptors passed between threads --------------------------------- */

static int shared_fd[THREADS];

static void *open_for_next(void *arg)
{
    int id = (int)(intptr_t)arg;
    char path[40], rec[8];

    snprintf(path, sizeof(path), "/fsthreads/pass%d", id);
    shared_fd[id] = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    snprintf(rec, sizeof(rec), "from%d", id);
    return (void *)(intptr_t)(shared_fd[id] >= 0 && write(shared_fd[id], rec, 5) == 5);
}

static void *use_other(void *arg)
{
    int id = (int)(intptr_t)arg, other = (id + 1) % THREADS;
    char want[8], buf[8] = {0};

    snprintf(want, sizeof(want), "from%d", other);
    intptr_t ok = pread(shared_fd[other], buf, 5, 0) == 5 && memcmp(buf, want, 5) == 0;
    ok = ok && lseek(shared_fd[other], 0, SEEK_END) == 5 && write(shared_fd[other], "+", 1) == 1;
    return (void *)ok;
}

static void *close_other(void *arg)
{
    int id = (int)(intptr_t)arg, other = (id + 3) % THREADS;

    return (void *)(intptr_t)(close(shared_fd[other]) == 0);
}

/* ---- appends from every thread ------------------------------------------ */

static void *appender(void *arg)
{
    int id = (int)(intptr_t)arg;
    int fd = open("/fsthreads/log", O_WRONLY | O_APPEND);
    char rec[RECLEN + 1];
    intptr_t ok = fd >= 0;

    for (int i = 0; i < RECORDS && ok; i++) {
        snprintf(rec, sizeof(rec), "%02d:%04d:%-23s\n", id, i, "an appended record");
        ok = write(fd, rec, RECLEN) == RECLEN;
    }
    if (fd >= 0)
        close(fd);
    return (void *)ok;
}

static void check_log(void)
{
    static char all[THREADS * RECORDS * RECLEN + 1];
    int next[THREADS] = {0}, fd = open("/fsthreads/log", O_RDONLY), torn = 0;
    ssize_t n = fd >= 0 ? read(fd, all, sizeof(all)) : -1;

    check(n == THREADS * RECORDS * RECLEN, "appends from 8 threads: every record is there");
    for (ssize_t at = 0; at + RECLEN <= n; at += RECLEN) {
        int id, i;

        if (sscanf(all + at, "%2d:%4d:", &id, &i) != 2 || id < 0 || id >= THREADS ||
            i != next[id] || all[at + RECLEN - 1] != '\n') {
            torn++;
            continue;
        }
        next[id]++;
    }
    check(torn == 0, "appends from 8 threads: none torn, each thread's in order");
    if (fd >= 0)
        close(fd);
}

/* ---- many short-lived threads ------------------------------------------- */

static void *one_stat(void *arg)
{
    struct stat st;

    return (void *)(intptr_t)(stat("/fsthreads", &st) == 0 && S_ISDIR(st.st_mode));
}

int main(void)
{
    pthread_t t[THREADS];
    int ok, fd, bad;

    /* First of all, so that no other thread has a connection yet. */
    fd = (int)(intptr_t)join(start(open_and_leave, NULL, 1));
    if (fd < 0 && mkdir("/fsthreads", 0755) == 0)
        fd = (int)(intptr_t)join(start(open_and_leave, NULL, 1));
    check(fd >= 0, "a thread opens and writes a file, then exits");
    check(join(start(use_left, (void *)(intptr_t)fd, 2)) != NULL,
          "a later thread reads, writes and closes that descriptor");

    for (int i = 0; i < THREADS; i++)
        t[i] = start(own_files, (void *)(intptr_t)i, i);
    ok = 1;
    for (int i = 0; i < THREADS; i++)
        ok &= join(t[i]) != NULL;
    check(ok, "8 threads open, write, read back, stat, close and unlink their own files");

    for (int i = 0; i < THREADS; i++)
        t[i] = start(open_for_next, (void *)(intptr_t)i, i);
    ok = 1;
    for (int i = 0; i < THREADS; i++)
        ok &= join(t[i]) != NULL;
    check(ok, "8 threads open a file each");
    for (int i = 0; i < THREADS; i++)
        t[i] = start(use_other, (void *)(intptr_t)i, i + 1);
    ok = 1;
    for (int i = 0; i < THREADS; i++)
        ok &= join(t[i]) != NULL;
    check(ok, "each reads and writes a descriptor another thread opened");
    for (int i = 0; i < THREADS; i++)
        t[i] = start(close_other, (void *)(intptr_t)i, i + 2);
    ok = 1;
    for (int i = 0; i < THREADS; i++)
        ok &= join(t[i]) != NULL;
    check(ok, "each closes a descriptor a third thread opened");
    bad = 0;
    for (int i = 0; i < THREADS; i++) {
        char path[40], buf[8] = {0};
        int f;

        bad += close(shared_fd[i]) != -1 || errno != EBADF;
        snprintf(path, sizeof(path), "/fsthreads/pass%d", i);
        f = open(path, O_RDONLY);
        bad += f < 0 || read(f, buf, sizeof(buf)) != 6 || buf[5] != '+';
        if (f >= 0)
            close(f);
    }
    check(bad == 0, "the main thread sees them closed (EBADF), their files as written");

    fd = open("/fsthreads/log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0 && close(fd) == 0, "an empty log");
    for (int i = 0; i < THREADS; i++)
        t[i] = start(appender, (void *)(intptr_t)i, i);
    ok = 1;
    for (int i = 0; i < THREADS; i++)
        ok &= join(t[i]) != NULL;
    check(ok, "8 threads append through their own O_APPEND descriptors");
    check_log();

    ok = 1;
    for (int i = 0; i < 600 && ok; i++)
        ok = join(start(one_stat, NULL, i)) != NULL;
    check(ok, "600 threads one after another each stat a path");

    printf("fsthreads: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
