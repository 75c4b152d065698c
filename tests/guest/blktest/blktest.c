/* blktest: the blk driver seen from a client (TAP lines; exit status =
 * failures). Every write it makes is announced as "blk-wrote SEED SECTOR
 * COUNT" (512-byte sectors) so that the host can compare the disk image
 * with the pattern (tests/system/blkcheck.c) after poweroff.
 *
 *   blktest rw SEED        random sectors through the data area and lends,
 *                          read back and compared; FLUSH, FUA, PREFLUSH
 *   blktest multi SEED     4 client processes, 32 requests in flight each
 *   blktest client I SEED  (one of those)
 *   blktest bad            every bad request is refused (disk untouched)
 *   blktest ro             a read-only disk: INFO says so, WRITE refused
 *   blktest exit           a client exits with requests in flight; others
 *                          are still served
 *   blktest pin            a client exits with reads into lent pages in
 *                          flight on a throttled disk (blk_pin.case): the
 *                          frames stay allocated until the driver is done
 *                          with them, then come back */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/errno.h>
#include <chime/proto/blk.h>
#include <chime/types.h>

#include "libos/ipc.h"
#include "libos/spawn.h"
#include "libos/syscall.h"
#include "pattern.h"

static int failures;

static int tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int tap(int ok, const char *fmt, ...)
{
    va_list ap;

    printf("%s - blk: ", ok ? "ok" : "not ok");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    failures += !ok;
    return ok;
}

struct disk_info {
    uint64_t sectors, max_bytes, depth, flags;
    uint32_t sector_size;
};

static struct ipc_conn *connect_blk(size_t size)
{
    struct ipc_conn *c = NULL;
    long r = ipc_connect_wait(&c, BLK_SERVICE, size, 0, 5000000000ull);

    return r < 0 ? NULL : c;
}

static long info(struct ipc_conn *c, struct disk_info *d)
{
    struct ipc_slot rq = {.opcode = BLK_OP_INFO}, cpl;
    long r = ipc_call(c, &rq, &cpl);

    d->sectors = cpl.offset;
    d->sector_size = cpl.aux;
    d->max_bytes = cpl.length;
    d->depth = cpl.data;
    d->flags = cpl.arg;
    return r;
}

static long io(struct ipc_conn *c, uint16_t op, uint16_t flags, uint64_t sector, uint64_t len,
               uint64_t data)
{
    struct ipc_slot rq = {.opcode = op,
                          .flags = flags,
                          .offset = sector,
                          .length = len,
                          .data = data,
                          .aux = 0x5a5a},
                    cpl;
    long r = ipc_call(c, &rq, &cpl);

    if (r >= 0 && cpl.aux != 0x5a5a)
        return CHIME_EINVAL;
    return r;
}

static void fill(uint8_t *p, uint64_t seed, uint64_t sector, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++)
        pattern_sector(p + i * PATTERN_SECTOR, seed, sector + i);
}

static int matches(const uint8_t *p, uint64_t seed, uint64_t sector, uint64_t count)
{
    uint8_t want[PATTERN_SECTOR];

    for (uint64_t i = 0; i < count; i++) {
        pattern_sector(want, seed, sector + i);
        if (memcmp(want, p + i * PATTERN_SECTOR, PATTERN_SECTOR))
            return 0;
    }
    return 1;
}

static uint64_t rng_state;
static uint64_t rnd(uint64_t n)
{
    rng_state = pattern_mix(rng_state);
    return rng_state % n;
}

/* ---- rw -------------------------------------------------------------- */

static uint8_t lent[64 * 1024] __attribute__((aligned(4096)));

static int test_rw(uint64_t seed)
{
    struct ipc_conn *c = connect_blk(256 * 1024);
    struct disk_info d;
    uint8_t *data;
    long r;

    if (!tap(c != NULL, "connect to %s", BLK_SERVICE))
        return 1;
    r = info(c, &d);
    tap(r == 0 && d.sector_size == 512 && d.sectors > 0 && d.max_bytes >= 4096 && d.depth > 0,
        "INFO: %llu sectors of %u bytes, max %llu, depth %llu, flags %llx",
        (unsigned long long)d.sectors, d.sector_size, (unsigned long long)d.max_bytes,
        (unsigned long long)d.depth, (unsigned long long)d.flags);
    data = ipc_data(c);
    rng_state = seed;
    /* Through the data area. */
    for (int i = 0; i < 24; i++) {
        uint64_t count = 1 + rnd(64), sector = rnd(d.sectors / 2 - count);
        int ok;

        fill(data, seed, sector, count);
        r = io(c, BLK_OP_WRITE, i % 3 == 1 ? BLK_F_FUA : (i % 3 == 2 ? BLK_F_PREFLUSH : 0), sector,
               count * 512, 0);
        ok = r == (long)(count * 512);
        if (ok)
            printf("blk-wrote %llu %llu %llu\n", (unsigned long long)seed,
                   (unsigned long long)sector, (unsigned long long)count);
        memset(data, 0, count * 512);
        r = io(c, BLK_OP_READ, 0, sector, count * 512, 0);
        ok = ok && r == (long)(count * 512) && matches(data, seed, sector, count);
        tap(ok, "data area: write and read back %llu sectors at %llu", (unsigned long long)count,
            (unsigned long long)sector);
    }
    /* Through lends: the device DMAs into and out of our own pages. */
    for (int i = 0; i < 12; i++) {
        uint64_t count = 1 + rnd(sizeof(lent) / 512),
                 sector = d.sectors / 2 + rnd(d.sectors / 2 - count);
        long wva = ipc_lend(c, lent, sizeof(lent), CHIME_PROT_READ);
        int ok;

        fill(lent, seed, sector, count);
        r = io(c, BLK_OP_WRITE, IPC_F_LENT, sector, count * 512, (uint64_t)wva);
        ok = wva > 0 && r == (long)(count * 512);
        if (ok)
            printf("blk-wrote %llu %llu %llu\n", (unsigned long long)seed,
                   (unsigned long long)sector, (unsigned long long)count);
        ipc_unlend(c, (uint64_t)wva);
        memset(lent, 0, sizeof(lent));
        long rva = ipc_lend(c, lent, sizeof(lent), CHIME_PROT_READ | CHIME_PROT_WRITE);
        r = io(c, BLK_OP_READ, IPC_F_LENT, sector, count * 512, (uint64_t)rva);
        ok = ok && rva > 0 && r == (long)(count * 512) && matches(lent, seed, sector, count);
        ipc_unlend(c, (uint64_t)rva);
        tap(ok, "lend: write and read back %llu sectors at %llu", (unsigned long long)count,
            (unsigned long long)sector);
    }
    r = io(c, BLK_OP_FLUSH, 0, 0, 0, 0);
    tap(r == 0, "FLUSH (%ld)", r);
    ipc_disconnect(c);
    return failures;
}

/* ---- multi ----------------------------------------------------------- */

#define MULTI_CLIENTS 4
#define MULTI_DEPTH   32
#define MULTI_ROUNDS  3

struct slotctx {
    long result;
    int done;
};

static void on_cpl(struct ipc_conn *c, const struct ipc_slot *cpl, void *ctx)
{
    struct slotctx *s = ctx;

    s->result = cpl->result;
    s->done = 1;
}

/* One client: MULTI_DEPTH 4 KiB writes in flight, then as many reads, of
 * its own region; checksums compared. */
static int test_client(int me, uint64_t seed)
{
    struct ipc_conn *c = connect_blk(256 * 1024);
    struct slotctx s[MULTI_DEPTH];
    struct disk_info d;
    uint64_t region;
    int bad = 0;

    if (!c)
        return 1;
    info(c, &d);
    region = (d.sectors / MULTI_CLIENTS) * (uint64_t)me;
    for (int round = 0; round < MULTI_ROUNDS; round++) {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < MULTI_DEPTH; i++) {
                uint64_t sector = region + (uint64_t)(round * MULTI_DEPTH + i) * 8;
                struct ipc_slot rq = {.opcode = pass ? BLK_OP_READ : BLK_OP_WRITE,
                                      .offset = sector,
                                      .length = 4096,
                                      .data = (uint64_t)i * 4096};

                if (pass == 0)
                    fill((uint8_t *)ipc_data(c) + i * 4096, seed, sector, 8);
                else
                    memset((uint8_t *)ipc_data(c) + i * 4096, 0, 4096);
                s[i].done = 0;
                if (ipc_submit(c, &rq, on_cpl, &s[i]) < 0)
                    bad++;
            }
            ipc_drain(c, 20000000000ull);
            for (int i = 0; i < MULTI_DEPTH; i++) {
                uint64_t sector = region + (uint64_t)(round * MULTI_DEPTH + i) * 8;

                if (!s[i].done || s[i].result != 4096)
                    bad++;
                else if (pass == 0)
                    printf("blk-wrote %llu %llu 8\n", (unsigned long long)seed,
                           (unsigned long long)sector);
                else if (!matches((uint8_t *)ipc_data(c) + i * 4096, seed, sector, 8))
                    bad++;
            }
        }
    }
    fflush(stdout);
    ipc_disconnect(c);
    return bad ? 1 : 0;
}

static int test_multi(char *self, uint64_t seed)
{
    pid_t pid[MULTI_CLIENTS];
    char seeds[24], ids[MULTI_CLIENTS][4];

    snprintf(seeds, sizeof(seeds), "%llu", (unsigned long long)seed);
    for (int i = 0; i < MULTI_CLIENTS; i++) {
        char *argv[] = {self, "client", ids[i], seeds, NULL};

        snprintf(ids[i], sizeof(ids[i]), "%d", i);
        tap(chime_spawn(&pid[i], argv, 0) == 0, "start client %d", i);
    }
    for (int i = 0; i < MULTI_CLIENTS; i++) {
        long st = chime_wait(pid[i], CHIME_FOREVER);

        tap(st == 0, "client %d: %d x %d requests in flight, checksums match (status %ld)", i,
            MULTI_ROUNDS * 2, MULTI_DEPTH, st);
    }
    return failures;
}

/* ---- bad ------------------------------------------------------------- */

static int test_bad(void)
{
    struct ipc_conn *c = connect_blk(64 * 1024);
    struct disk_info d;
    uint64_t area;
    long va;

    if (!tap(c != NULL, "connect"))
        return 1;
    info(c, &d);
    area = ipc_data_size(c);
    memset(ipc_data(c), 0xee, area);
    tap(io(c, BLK_OP_WRITE, 0, d.sectors - 1, 1024, 0) == CHIME_ERANGE, "past the end: ERANGE");
    tap(io(c, BLK_OP_WRITE, 0, d.sectors, 512, 0) == CHIME_ERANGE, "at the end: ERANGE");
    tap(io(c, BLK_OP_WRITE, 0, ~0ull, 512, 0) == CHIME_ERANGE, "sector + count wraps: ERANGE");
    tap(io(c, BLK_OP_WRITE, 0, ~0ull - 1, 1024, 0) == CHIME_ERANGE, "wraps to 0: ERANGE");
    tap(io(c, BLK_OP_WRITE, 0, 0, 0, 0) == CHIME_EINVAL, "length 0: EINVAL");
    tap(io(c, BLK_OP_WRITE, 0, 0, 100, 0) == CHIME_EINVAL, "length not a multiple: EINVAL");
    tap(io(c, BLK_OP_WRITE, 0, 0, d.max_bytes + 512, 0) == CHIME_EINVAL, "over the max: EINVAL");
    tap(io(c, BLK_OP_WRITE, 0, 0, ~0ull - 511, 0) == CHIME_EINVAL, "huge length: EINVAL");
    tap(io(c, BLK_OP_WRITE, 0, 0, 4096, area - 512) == CHIME_EFAULT, "past the data area: EFAULT");
    tap(io(c, BLK_OP_WRITE, 0, 0, 4096, ~0ull - 100) == CHIME_EFAULT, "data offset wraps: EFAULT");
    tap(io(c, BLK_OP_READ, 0, 0, 512, area) == CHIME_EFAULT, "read past the area: EFAULT");
    tap(io(c, BLK_OP_WRITE, IPC_F_LENT, 0, 4096, 0x2000001000ull) == CHIME_EFAULT,
        "not lent: EFAULT");
    va = ipc_lend(c, lent, 8192, CHIME_PROT_READ);
    tap(io(c, BLK_OP_READ, IPC_F_LENT, 0, 4096, (uint64_t)va) == CHIME_EPERM,
        "READ into a read-only lend: EPERM");
    tap(io(c, BLK_OP_WRITE, IPC_F_LENT, 0, 12288, (uint64_t)va) == CHIME_EFAULT,
        "past the end of a lend: EFAULT");
    ipc_unlend(c, (uint64_t)va);
    tap(io(c, BLK_OP_WRITE, IPC_F_LENT, 0, 4096, (uint64_t)va) == CHIME_EFAULT,
        "after unlend: EFAULT");
    va = ipc_lend(c, lent, 8192, CHIME_PROT_WRITE);
    tap(io(c, BLK_OP_WRITE, IPC_F_LENT, 0, 4096, (uint64_t)va) == CHIME_EPERM,
        "WRITE from a write-only lend: EPERM");
    ipc_unlend(c, (uint64_t)va);
    tap(io(c, 99, 0, 0, 512, 0) == CHIME_ENOSYS, "unknown opcode: ENOSYS");
    tap(io(c, BLK_OP_WRITE, 0x80, 0, 512, 0) == CHIME_EINVAL, "unknown flag: EINVAL");
    tap(io(c, BLK_OP_READ, BLK_F_FUA, 0, 512, 0) == CHIME_EINVAL, "FUA on a READ: EINVAL");
    /* Still serving after all that. */
    tap(io(c, BLK_OP_READ, 0, 0, 4096, 0) == 4096, "a good READ still works");
    ipc_disconnect(c);
    return failures;
}

/* ---- ro -------------------------------------------------------------- */

static int test_ro(void)
{
    struct ipc_conn *c = connect_blk(0);
    struct disk_info d;

    if (!tap(c != NULL, "connect"))
        return 1;
    tap(info(c, &d) == 0 && (d.flags & BLK_INFO_RO), "INFO reports read-only");
    memset(ipc_data(c), 0x77, 4096);
    tap(io(c, BLK_OP_WRITE, 0, 0, 4096, 0) == CHIME_EROFS, "WRITE: EROFS");
    tap(io(c, BLK_OP_READ, 0, 0, 4096, 0) == 4096, "READ works");
    ipc_disconnect(c);
    return failures;
}

/* ---- exit ------------------------------------------------------------ */

static int test_quitter(void)
{
    struct ipc_conn *c = connect_blk(256 * 1024);
    struct slotctx s[MULTI_DEPTH];

    if (!c)
        return 1;
    for (int i = 0; i < MULTI_DEPTH; i++) {
        struct ipc_slot rq = {.opcode = BLK_OP_READ,
                              .offset = (uint64_t)i * 64,
                              .length = 4096,
                              .data = (uint64_t)i * 4096};

        ipc_submit(c, &rq, on_cpl, &s[i]);
    }
    exit(0); /* with all of them in flight */
}

static int test_exit(char *self)
{
    for (int round = 0; round < 4; round++) {
        char *argv[] = {self, "quitter", NULL};
        pid_t pid;

        if (chime_spawn(&pid, argv, 0) == 0)
            chime_wait(pid, CHIME_FOREVER);
    }
    struct ipc_conn *c = connect_blk(0);
    tap(c != NULL, "connect after clients left with requests in flight");
    if (c) {
        tap(io(c, BLK_OP_READ, 0, 0, 4096, 0) == 4096, "the driver still serves");
        ipc_disconnect(c);
    }
    return failures;
}

/* ---- pin ------------------------------------------------------------- */

#define PIN_BYTES  (2u << 20) /* the lend: 512 frames */
#define PIN_FRAMES (PIN_BYTES / 4096)
#define PIN_CHECK  (4u << 20)      /* what the sibling allocates meanwhile */
#define PIN_VA     0x1d00000000ull /* free in the libos layout (libos.h) */

static uint8_t pin_buf[PIN_BYTES] __attribute__((aligned(4096)));

static long free_frames(void)
{
    return syscall0(SYS_MEM_STATS);
}

/* The lender: lend 2 MiB, fill it with READs, exit once the first one has
 * completed (the driver has taken them all then: it drains the ring in one
 * go, and the throttled disk takes seconds for the rest). */
static int test_lender(void)
{
    struct ipc_conn *c = connect_blk(64 * 1024);
    struct slotctx s[64];
    struct disk_info d;
    uint64_t chunk;
    long va;
    unsigned n = 0;

    if (!c || info(c, &d) != 0)
        return 1;
    memset(pin_buf, 0x5a, sizeof(pin_buf)); /* (its frames exist now) */
    va = ipc_lend(c, pin_buf, sizeof(pin_buf), CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (va < 0)
        return 1;
    chunk = d.max_bytes < 128 * 1024 ? d.max_bytes / 4096 * 4096 : 128 * 1024;
    memset(s, 0, sizeof(s));
    for (uint64_t off = 0; off + chunk <= PIN_BYTES && n < 64; off += chunk, n++) {
        struct ipc_slot rq = {.opcode = BLK_OP_READ,
                              .flags = IPC_F_LENT,
                              .offset = off / 512,
                              .length = chunk,
                              .data = (uint64_t)va + off};

        if (ipc_submit(c, &rq, on_cpl, &s[n]) < 0)
            return 1;
    }
    while (!s[0].done && ipc_wait(c, 10000000000ull) > 0)
        ;
    printf("blk-pin: lender exits with %u reads of %llu bytes in flight\n", n - 1,
           (unsigned long long)chunk);
    fflush(stdout);
    exit(0);
}

/* Run a lender; then, before the driver is done with its reads, count the
 * free frames and fill fresh memory with a pattern; then wait for the
 * driver (our READ queues behind the lender's on the throttled disk) and
 * count again. */
static int pin_round(char *self, struct ipc_conn *c, int report)
{
    char *argv[] = {self, "lender", NULL};
    long f0 = free_frames(), f1, f1b, f2;
    uint8_t *check;
    pid_t pid;
    int bad = 0;

    if (chime_spawn(&pid, argv, 0) != 0 || chime_wait(pid, CHIME_FOREVER) != 0)
        return tap(0, "the lender ran");
    f1 = free_frames();
    /* Fresh frames (the heap may have some in reserve): the allocator's
     * next ones, which would include the lender's were they free. */
    if (syscall_map_anon(CHIME_SELF, PIN_VA, PIN_CHECK, CHIME_PROT_READ | CHIME_PROT_WRITE) < 0)
        return tap(0, "4 MiB for the pattern");
    check = (uint8_t *)PIN_VA;
    memset(check, 0xa5, PIN_CHECK);
    f1b = free_frames();
    if (!tap(io(c, BLK_OP_READ, 0, 0, 4096, 0) == 4096, "a READ after the lender's"))
        return 0;
    syscall1(SYS_SLEEP, 20000000); /* (the release came before our reply) */
    f2 = free_frames();
    for (uint32_t i = 0; i < PIN_CHECK; i++)
        bad += check[i] != 0xa5;
    syscall3(SYS_SPACE_UNMAP, CHIME_SELF, (long)PIN_VA, PIN_CHECK);
    if (!report)
        return 1;
    printf("# free frames: %ld before, %ld after the exit, %ld after our 1024 pages, %ld once "
           "the driver was done\n",
           f0, f1, f1b, f2);
    tap(f0 - f1 >= (long)PIN_FRAMES,
        "the lent frames stay allocated after the lender exited (%ld held)", f0 - f1);
    tap(f2 - f1b >= (long)PIN_FRAMES, "they come back once the driver is done (%ld freed)",
        f2 - f1b);
    tap(bad == 0, "memory allocated meanwhile is not written by the device (%d bytes changed)",
        bad);
    return 1;
}

static int test_pin(char *self)
{
    struct ipc_conn *c = connect_blk(0);

    if (!tap(c != NULL, "connect"))
        return failures;
    pin_round(self, c, 0); /* the first: the driver's and kernel's one-time allocations */
    pin_round(self, c, 1);
    ipc_disconnect(c);
    return failures;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "rw";
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    int r;

    if (!strcmp(mode, "rw"))
        r = test_rw(seed);
    else if (!strcmp(mode, "multi"))
        r = test_multi(argv[0], seed);
    else if (!strcmp(mode, "client") && argc > 3)
        return test_client(atoi(argv[2]), strtoull(argv[3], NULL, 10));
    else if (!strcmp(mode, "bad"))
        r = test_bad();
    else if (!strcmp(mode, "ro"))
        r = test_ro();
    else if (!strcmp(mode, "exit"))
        r = test_exit(argv[0]);
    else if (!strcmp(mode, "quitter"))
        return test_quitter();
    else if (!strcmp(mode, "pin"))
        r = test_pin(argv[0]);
    else if (!strcmp(mode, "lender"))
        return test_lender();
    else {
        fprintf(stderr, "usage: blktest rw|multi|bad|ro|exit|pin [seed]\n");
        return 2;
    }
    fflush(stdout);
    return r;
}
