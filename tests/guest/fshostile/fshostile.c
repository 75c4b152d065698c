/* fshostile: a hostile client of the fs server (tests/system/cases/
 * fs_hostile.case), speaking the protocol raw (libos/ipc.h,
 * include/chime/proto/fs.h), while a well-behaved client process W, spawned
 * alongside, writes and reads back its own file the whole time through
 * libos. Every attack must get an error (or cost the attacker its own
 * connection) and nothing else: W's data stays right, the server lives,
 * and after poweroff e2fsck finds the disk clean.
 *
 *   fshostile              the attacker (spawns W; TAP lines)
 *   fshostile w            W: rounds of write, read back, compare, until
 *                          /fshostile.d/stop exists; writes /fshostile.d/w-result
 *   fshostile lend-exit    lends, starts a READ into the lend, exits */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chime/errno.h>
#include <chime/proto/fs.h>
#include <chime/syscall.h>
#include <chime/types.h>

#include "libos/ipc.h"
#include "libos/ring.h"
#include "libos/spawn.h"
#include "libos/syscall.h"
#include "libos/uintr.h"

#define DIR      "/fshostile.d"
#define BIG      DIR "/big"
#define BIG_SIZE (1u << 20)
#define AREA     (64u * 1024)

static int failures;
static pid_t w_pid;

static int tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int tap(int ok, const char *fmt, ...)
{
    va_list ap;

    printf("%s - fshostile: ", ok ? "ok" : "not ok");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    failures += !ok;
    return ok;
}

static void sleep_ns(uint64_t ns)
{
    syscall1(SYS_SLEEP, (long)ns);
}

static int alive(pid_t pid)
{
    return syscall2(SYS_SPACE_WAIT, pid, 0) == CHIME_ETIMEDOUT;
}

static struct ipc_conn *connect_fs(void)
{
    struct ipc_conn *c = NULL;

    return ipc_connect_wait(&c, FS_SERVICE, AREA, 0, 5000000000ull) < 0 ? NULL : c;
}

/* One raw request; *out gets the completion when out is not NULL. */
static long call(struct ipc_conn *c, uint16_t op, uint32_t handle, uint16_t flags, uint32_t aux,
                 uint64_t offset, uint64_t length, uint64_t data, uint64_t arg,
                 struct ipc_slot *out)
{
    struct ipc_slot rq = {.opcode = op,
                          .flags = flags,
                          .handle = handle,
                          .aux = aux,
                          .offset = offset,
                          .length = length,
                          .data = data,
                          .arg = arg},
                    cpl;
    long r = ipc_call(c, &rq, &cpl);

    if (out)
        *out = cpl;
    return r;
}

/* A path at data-area offset 0: OPEN it with flags. */
static long open_raw(struct ipc_conn *c, const char *path, uint32_t flags)
{
    size_t n = strlen(path) + 1;

    memcpy(ipc_data(c), path, n);
    return call(c, FS_OP_OPEN, 0, 0, flags, 0, n, 0, 0644, NULL);
}

static uint8_t pattern(uint64_t seed, uint64_t i)
{
    uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15ull + i * 0xbf58476d1ce4e5b9ull;

    return (uint8_t)(x >> 56 ^ x >> 29);
}

static void expect(long got, long want, const char *what)
{
    tap(got == want, "%s: %ld (want %ld)", what, got, want);
}

/* ---- W ------------------------------------------------------------------ */

static int run_w(void)
{
    static uint8_t buf[24 * 1024], back[sizeof(buf)];
    unsigned rounds = 0, bad = 0;
    int fd = open(DIR "/w-data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    FILE *f;

    if (fd < 0)
        return 1;
    while (access(DIR "/stop", F_OK) != 0 && rounds < 100000) {
        size_t len = 1000 + (rounds * 7919) % (sizeof(buf) - 1000);
        off_t at = (off_t)((rounds * 104729) % 50000);

        for (size_t i = 0; i < len; i++)
            buf[i] = pattern(rounds, i);
        if (pwrite(fd, buf, len, at) != (ssize_t)len || pread(fd, back, len, at) != (ssize_t)len ||
            memcmp(buf, back, len) != 0) {
            bad++;
            printf("# w: round %u: wrong data\n", rounds);
        }
        rounds++;
        if (rounds % 16 == 0)
            sleep_ns(1000000); /* (leave the harts some air) */
    }
    close(fd);
    printf("w: %u rounds, %u with wrong data\n", rounds, bad);
    f = fopen(DIR "/w-result", "w");
    if (f) {
        fprintf(f, "%s\n", bad == 0 && rounds > 0 ? "w ok" : "w bad");
        fclose(f);
    }
    return bad != 0 || rounds == 0;
}

/* ---- handles ------------------------------------------------------------ */

static void bad_handles(struct ipc_conn *c)
{
    struct ipc_conn *c2 = connect_fs();
    long h = open_raw(c, BIG, FS_O_RDONLY), h2;

    if (!tap(h >= 0 && c2 != NULL, "handles: setup (%ld)", h))
        return;
    expect(call(c, FS_OP_READ, 12345, 0, 0, 0, 16, 0, 0, NULL), CHIME_EBADF,
           "READ with handle 12345");
    expect(call(c, FS_OP_READ, 0xffffffffu, 0, 0, 0, 16, 0, 0, NULL), CHIME_EBADF,
           "READ with handle 0xffffffff");
    expect(call(c, FS_OP_FSTAT, FS_OPEN_MAX, 0, 0, 0, 0, 0, 0, NULL), CHIME_EBADF,
           "FSTAT with handle FS_OPEN_MAX");
    memset(ipc_data(c), 'x', 16);
    expect(call(c, FS_OP_WRITE, (uint32_t)h, 0, 0, 0, 16, 0, 0, NULL), CHIME_EBADF,
           "WRITE on a handle open read-only");
    expect(call(c, FS_OP_READDIR, (uint32_t)h, 0, 0, 0, 4096, 0, 0, NULL), CHIME_ENOTDIR,
           "READDIR on a file handle");
    /* Handles belong to the process, not the connection (each thread has
     * its own: docs/posix.md), so what c2 opens c may use. */
    long more[3];
    for (int i = 0; i < 3; i++)
        more[i] = open_raw(c2, BIG, FS_O_RDONLY);
    h2 = more[2];
    expect(call(c, FS_OP_READ, (uint32_t)h2, 0, 0, 0, 16, 0, 0, NULL), 16,
           "READ with a handle another connection of this process opened");
    expect(call(c, FS_OP_CLOSE, (uint32_t)h, 0, 0, 0, 0, 0, 0, NULL), 0, "CLOSE");
    expect(call(c, FS_OP_READ, (uint32_t)h, 0, 0, 0, 16, 0, 0, NULL), CHIME_EBADF,
           "READ after CLOSE");
    expect(call(c, FS_OP_CLOSE, (uint32_t)h, 0, 0, 0, 0, 0, 0, NULL), CHIME_EBADF, "CLOSE twice");
    expect(call(c2, FS_OP_READ, (uint32_t)h2, 0, 0, 0, 16, 0, 0, NULL), 16,
           "the other connection's handle still reads");
    for (int i = 0; i < 3; i++)
        expect(call(c2, FS_OP_CLOSE, (uint32_t)more[i], 0, 0, 0, 0, 0, 0, NULL), 0,
               "CLOSE of a handle c2 opened");
    /* Now this process holds no handle, while W (another process) holds
     * its own: not one number reaches a file. */
    long reached = 0;
    for (uint32_t n = 0; n < FS_OPEN_MAX; n++)
        reached += call(c, FS_OP_READ, n, 0, 0, 0, 16, 0, 0, NULL) != CHIME_EBADF;
    tap(reached == 0, "handles: none of the %u numbers reads another process's file (%ld did)",
        FS_OPEN_MAX, reached);
    ipc_disconnect(c2);
}

/* ---- paths -------------------------------------------------------------- */

static void bad_paths(struct ipc_conn *c)
{
    char *d = ipc_data(c);
    uint64_t size = ipc_data_size(c);

    memset(d, 'a', size);
    expect(open_raw(c, "", 0), CHIME_ENOENT, "OPEN of the empty path");
    memset(d, 'a', size);
    expect(call(c, FS_OP_OPEN, 0, 0, 0, 0, 100, 0, 0, NULL), CHIME_EFAULT,
           "a path with no NUL in its 100 bytes");
    memcpy(d, BIG, sizeof(BIG)); /* the NUL just past the length given */
    expect(call(c, FS_OP_OPEN, 0, 0, 0, 0, sizeof(BIG) - 1, 0, 0, NULL), CHIME_EFAULT,
           "a path whose NUL is just past its length");
    d[sizeof(BIG) - 1] = 'a';
    expect(call(c, FS_OP_STAT, 0, 0, 0, 0, 8, size - 8, 0, NULL), CHIME_EFAULT,
           "a path without NUL in the last 8 bytes of the data area");
    expect(call(c, FS_OP_STAT, 0, 0, 0, 0, size + 1, 0, 0, NULL), CHIME_EFAULT,
           "a path longer than the data area");
    expect(call(c, FS_OP_STAT, 0, 0, 0, 0, 16, size, 0, NULL), CHIME_EFAULT,
           "a path starting at the end of the data area");
    expect(call(c, FS_OP_STAT, 0, 0, 0, 0, 32, ~0ull - 8, 0, NULL), CHIME_EFAULT,
           "a path whose offset + length wraps");
    expect(call(c, FS_OP_STAT, 0, IPC_F_LENT, 0, 0, 16, 0x1000, 0, NULL), CHIME_EFAULT,
           "a path in a lend");
    expect(call(c, FS_OP_UNLINK, 0, 0, 0, 0, FS_PATH_MAX + 100, 0, 0, NULL), CHIME_ENAMETOOLONG,
           "a path with no NUL in FS_PATH_MAX bytes");
    memcpy(d, BIG "\0" DIR "/x", sizeof(BIG) + sizeof(DIR) + 1); /* the second's NUL */
    d[sizeof(BIG) + sizeof(DIR) + 1] = 'a';                      /* overwritten */
    expect(call(c, FS_OP_RENAME, 0, 0, 0, 0, sizeof(BIG) + sizeof(DIR) + 1, 0, 0, NULL),
           CHIME_EFAULT, "RENAME whose second path has no NUL inside length");
    tap(access(BIG, F_OK) == 0 && access(DIR "/x", F_OK) != 0, "... and renamed nothing");
}

/* ---- lengths -------------------------------------------------------------- */

static void bad_lengths(struct ipc_conn *c)
{
    uint64_t size = ipc_data_size(c);
    long h = open_raw(c, BIG, FS_O_RDWR), dh = open_raw(c, DIR, FS_O_RDONLY);
    size_t n = strlen(BIG) + 1;

    if (!tap(h >= 0 && dh >= 0, "lengths: setup (%ld, %ld)", h, dh))
        return;
    expect(call(c, FS_OP_READ, (uint32_t)h, 0, 0, 0, size + 1, 0, 0, NULL), CHIME_EFAULT,
           "READ of one byte more than the data area");
    expect(call(c, FS_OP_READ, (uint32_t)h, 0, 0, 0, 4096, size - 100, 0, NULL), CHIME_EFAULT,
           "READ running past the end of the data area");
    expect(call(c, FS_OP_READ, (uint32_t)h, 0, 0, 0, 4096, ~0ull - 100, 0, NULL), CHIME_EFAULT,
           "READ whose offset + length wraps");
    expect(call(c, FS_OP_WRITE, (uint32_t)h, 0, 0, 0, size + 4096, 0, 0, NULL), CHIME_EFAULT,
           "WRITE of more than the data area");
    expect(call(c, FS_OP_READ, (uint32_t)h, 0, 0, 0, FS_IO_MAX + 1, 0, 0, NULL), CHIME_EINVAL,
           "READ of more than FS_IO_MAX");
    expect(call(c, FS_OP_READDIR, (uint32_t)dh, 0, 0, 0, 4096, size - 8, 0, NULL), CHIME_EFAULT,
           "READDIR into the last 8 bytes and beyond");
    expect(call(c, FS_OP_FSTAT, (uint32_t)h, 0, 0, 0, 0, 0, size - 8, NULL), CHIME_EFAULT,
           "FSTAT output past the data area");
    memcpy(ipc_data(c), BIG, n);
    expect(call(c, FS_OP_STAT, 0, 0, 0, 0, n, 0, ~0ull - 16, NULL), CHIME_EFAULT,
           "STAT output at an offset that wraps");
    expect(call(c, FS_OP_STATFS, 0, 0, 0, 0, 0, 0, size - 10, NULL), CHIME_EFAULT,
           "STATFS output past the data area");
    expect(call(c, FS_OP_READLINK, 0, 0, (uint32_t)size, 0, n, 0, 64, NULL), CHIME_EFAULT,
           "READLINK output running past the data area");
    call(c, FS_OP_CLOSE, (uint32_t)h, 0, 0, 0, 0, 0, 0, NULL);
    call(c, FS_OP_CLOSE, (uint32_t)dh, 0, 0, 0, 0, 0, 0, NULL);
}

/* ---- lends ---------------------------------------------------------------- */

static uint8_t lend_buf[BIG_SIZE] __attribute__((aligned(4096)));

static void bad_lends(struct ipc_conn *c)
{
    long h = open_raw(c, BIG, FS_O_RDWR), va;

    if (!tap(h >= 0, "lends: setup (%ld)", h))
        return;
    expect(call(c, FS_OP_READ, (uint32_t)h, IPC_F_LENT, 0, 0, 4096, 0x123456000ull, 0, NULL),
           CHIME_EFAULT, "READ into a lend never made");
    va = ipc_lend(c, lend_buf, 4 * 4096, CHIME_PROT_READ);
    if (!tap(va > 0, "a read-only lend (%ld)", va))
        return;
    expect(call(c, FS_OP_READ, (uint32_t)h, IPC_F_LENT, 0, 0, 4096, (uint64_t)va, 0, NULL),
           CHIME_EFAULT, "READ into a lend the server may not write");
    expect(call(c, FS_OP_WRITE, (uint32_t)h, IPC_F_LENT, 0, 0, 4 * 4096 + 1, (uint64_t)va, 0, NULL),
           CHIME_EFAULT, "WRITE from one byte past the lend");
    expect(
        call(c, FS_OP_READ, (uint32_t)h, IPC_F_LENT, 0, 0, 4096, (uint64_t)va + 16 * 4096, 0, NULL),
        CHIME_EFAULT, "READ into the lend window past the lend");
    ipc_unlend(c, (uint64_t)va);
    expect(call(c, FS_OP_WRITE, (uint32_t)h, IPC_F_LENT, 0, 0, 4096, (uint64_t)va, 0, NULL),
           CHIME_EFAULT, "WRITE from a lend after unlend");
    call(c, FS_OP_CLOSE, (uint32_t)h, 0, 0, 0, 0, 0, 0, NULL);
}

static volatile int rq_done;
static volatile long rq_result;

static void on_cpl(struct ipc_conn *c, const struct ipc_slot *cpl, void *ctx)
{
    rq_result = cpl->result;
    rq_done = 1;
}

/* A 1 MiB READ into a lend, and the lend revoked (unlend, or a protect that
 * revokes it) while it runs: the whole length, or CHIME_EFAULT. */
static void revoked_lends(struct ipc_conn *c)
{
    long h = open_raw(c, BIG, FS_O_RDONLY);
    int full = 0, fault = 0, other = 0;

    if (!tap(h >= 0, "revoke: setup (%ld)", h))
        return;
    for (int i = 0; i < 16; i++) {
        long va = ipc_lend(c, lend_buf, BIG_SIZE, CHIME_PROT_READ | CHIME_PROT_WRITE);
        struct ipc_slot rq = {.opcode = FS_OP_READ,
                              .flags = IPC_F_LENT,
                              .handle = (uint32_t)h,
                              .length = BIG_SIZE,
                              .data = (uint64_t)va};

        if (va < 0 || ipc_submit(c, &rq, on_cpl, NULL) < 0) {
            other++;
            continue;
        }
        rq_done = 0;
        sleep_ns((uint64_t)(i % 4) * 200000);
        if (i % 2)
            ipc_unlend(c, (uint64_t)va);
        else
            syscall4(SYS_SPACE_PROTECT, CHIME_SELF, (long)lend_buf, BIG_SIZE,
                     CHIME_PROT_READ | CHIME_PROT_WRITE);
        ipc_drain(c, 30000000000ull);
        if (rq_done && rq_result == BIG_SIZE)
            full++;
        else if (rq_done && rq_result == CHIME_EFAULT)
            fault++;
        else
            other++;
        ipc_unlend(c, (uint64_t)va); /* (after a protect: gone already) */
    }
    tap(other == 0, "16 READs into lends revoked mid-request: %d whole, %d EFAULT, %d else", full,
        fault, other);
    call(c, FS_OP_CLOSE, (uint32_t)h, 0, 0, 0, 0, 0, 0, NULL);
}

static int run_lend_exit(void)
{
    struct ipc_conn *c = connect_fs();
    long h = c ? open_raw(c, BIG, FS_O_RDONLY) : -1, va;
    struct ipc_slot rq = {.opcode = FS_OP_READ, .flags = IPC_F_LENT, .length = BIG_SIZE};

    if (h < 0)
        return 1;
    va = ipc_lend(c, lend_buf, BIG_SIZE, CHIME_PROT_READ | CHIME_PROT_WRITE);
    rq.handle = (uint32_t)h;
    rq.data = (uint64_t)va;
    if (va < 0 || ipc_submit(c, &rq, on_cpl, NULL) < 0)
        return 2;
    return 0; /* with the READ in flight */
}

static void lend_exits(char *self)
{
    char *argv[] = {self, "lend-exit", NULL};
    int ok = 0;

    for (int i = 0; i < 6; i++) {
        pid_t p;

        if (chime_spawn(&p, argv, 0) == 0 && chime_wait(p, CHIME_FOREVER) == 0)
            ok++;
    }
    tap(ok == 6, "6 clients exit with a lent READ in flight (%d ran)", ok);
}

/* ---- rings ---------------------------------------------------------------- */

/* Forged indices: a request tail far ahead of what was pushed, a
 * completion head past what the server published. The server must refuse
 * the descriptors or cut the connection; either way it keeps serving. */
static void forged_indices(void)
{
    struct ipc_conn *a = connect_fs(), *b = connect_fs();
    long r;

    if (!tap(a && b, "forged indices: setup"))
        return;
    a->hdr->req_tail.value = a->req.next + 1000;
    for (int i = 0; i < 10; i++) {
        uipi_send(a->send_index);
        sleep_ns(2000000);
    }
    r = call(a, FS_OP_SYNC, 0, 0, 0, 0, 0, 0, 0, NULL);
    printf("# a request after the forged tail: %ld\n", r);
    tap(r == 0 || r == CHIME_EPIPE || r == CHIME_EINVAL,
        "a forged request tail: refused, or the connection cut (%ld)", r);
    b->hdr->cpl_head.value = b->cpl.next + 12345;
    memcpy(ipc_data(b), BIG, strlen(BIG) + 1);
    {
        struct ipc_slot rq = {
            .opcode = FS_OP_STAT, .length = strlen(BIG) + 1, .data = 0, .arg = 1024};

        rq_done = 0;
        r = ipc_submit(b, &rq, on_cpl, NULL);
        if (r >= 0)
            r = ipc_wait(b, 2000000000ull); /* (it may never come: our loss) */
        printf("# a request after the forged completion head: %ld, done %d\n", r, rq_done);
    }
    tap(alive(w_pid), "W lives on after forged indices");
    ipc_disconnect(a);
    ipc_disconnect(b);
}

/* The ring slot of a request in flight, rewritten over and over while the
 * server may be serving it: the server acts on its private copy. The
 * completion is the original READ's (a data area of the big file, checked), or an
 * error if the rewrite came first. */
static void rewritten_descriptor(struct ipc_conn *c)
{
    long h = open_raw(c, BIG, FS_O_RDONLY);
    int right = 0, errors = 0, wrong = 0;
    uint64_t area = ipc_data_size(c);

    if (!tap(h >= 0, "rewrite: setup (%ld)", h))
        return;
    for (int round = 0; round < 8; round++) {
        struct ipc_slot rq = {.opcode = FS_OP_READ,
                              .handle = (uint32_t)h,
                              .offset = (uint64_t)round * 4096,
                              .length = area,
                              .data = 0};
        volatile struct ipc_slot *s;
        const uint8_t *d = ipc_data(c);
        int ok = 1;

        memset(ipc_data(c), 0, area);
        rq_done = 0;
        if (ipc_submit(c, &rq, on_cpl, NULL) < 0) {
            errors++;
            continue;
        }
        s = &c->req.slot[(c->req.next - 1) & RING_MASK];
        /* Any mix of these fields the server may copy is the READ or an
         * error: no rewrite names another valid request. */
        for (uint32_t i = 0; i < 20000 && !rq_done; i++) {
            s->opcode = i % 2 ? (uint16_t)(100 + i % 50) : FS_OP_READ;
            s->handle = 1000 + i;
            s->length = ~0ull - i;
            s->data = (uint64_t)(i + 1) << 40;
            s->flags = (uint16_t)(i | IPC_F_LENT);
            ipc_poll(c);
        }
        ipc_drain(c, 30000000000ull);
        for (uint32_t i = 0; i < area && rq_result == (long)area; i++)
            ok &= d[i] == pattern(0, (uint64_t)round * 4096 + i);
        if (rq_done && rq_result == (long)area && ok)
            right++;
        else if (rq_done && rq_result < 0)
            errors++;
        else
            wrong++;
    }
    tap(wrong == 0, "a descriptor rewritten while served: %d right, %d errors, %d wrong", right,
        errors, wrong);
    call(c, FS_OP_CLOSE, (uint32_t)h, 0, 0, 0, 0, 0, 0, NULL);
}

/* ---- main ------------------------------------------------------------------- */

static int make_big(void)
{
    static uint8_t chunk[64 * 1024];
    int fd = open(BIG, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        return -1;
    for (uint64_t off = 0; off < BIG_SIZE; off += sizeof(chunk)) {
        for (uint64_t i = 0; i < sizeof(chunk); i++)
            chunk[i] = pattern(0, off + i);
        if (write(fd, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
            return -1;
    }
    return close(fd);
}

int main(int argc, char **argv)
{
    char *wargv[] = {argv[0], "w", NULL};
    struct ipc_conn *c;
    int wstatus;

    if (argc > 1 && strcmp(argv[1], "w") == 0)
        return run_w();
    if (argc > 1 && strcmp(argv[1], "lend-exit") == 0)
        return run_lend_exit();
    mkdir(DIR, 0755);
    unlink(DIR "/stop");
    if (!tap(make_big() == 0, "a 1 MiB file to read") || !(c = connect_fs()))
        return 1;
    wstatus = chime_spawn(&w_pid, wargv, 0);
    if (!tap(wstatus == 0, "W starts (%d)", wstatus))
        return 1;
    sleep_ns(50000000);
    bad_handles(c);
    bad_paths(c);
    bad_lengths(c);
    bad_lends(c);
    revoked_lends(c);
    lend_exits(argv[0]);
    forged_indices();
    rewritten_descriptor(c);
    tap(alive(w_pid), "W is still running after every attack");
    expect(call(c, FS_OP_SYNC, 0, 0, 0, 0, 0, 0, 0, NULL), 0, "SYNC on the attacker's connection");
    close(open(DIR "/stop", O_WRONLY | O_CREAT, 0644));
    wstatus = chime_wait(w_pid, CHIME_FOREVER);
    tap(wstatus == 0, "W exits with status 0: its data was right throughout (%d)", wstatus);
    sync();
    printf("fshostile: %d failures\n", failures);
    return failures != 0;
}
