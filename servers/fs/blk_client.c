/* The blk client: ext2_blockdev callbacks that send READ, WRITE and FLUSH
 * to the blk service (see blk_client.h and proto/blk.h). */
#include "blk_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/errno.h>
#include <chime/proto/blk.h>
#include <chime/types.h>

#include "libos/ipc.h"

#define PAGE 4096u

/* A region lent to the driver: client range and the address blk sees. */
struct blk_lent {
    uintptr_t base;
    uint64_t len;
    uint64_t server_va;
};

struct blk_client {
    struct ipc_conn *conn;
    uint64_t sectors; /* capacity in 512-byte sectors */
    uint64_t max_io;  /* largest request, bytes */
    int can_flush;    /* BLK_INFO_FLUSH */
    unsigned nlent;
    struct blk_lent lent[IPC_LEND_SLOTS];
};

/* The lent address of [p, p+n) if it lies in one lent region, else 0. */
static uint64_t lent_va(const struct blk_client *bc, const void *p, uint64_t n)
{
    uintptr_t a = (uintptr_t)p;

    for (unsigned i = 0; i < bc->nlent; i++) {
        const struct blk_lent *l = &bc->lent[i];

        if (a >= l->base && a - l->base <= l->len && n <= l->len - (a - l->base))
            return l->server_va + (a - l->base);
    }
    return 0;
}

/* One READ or WRITE of n bytes at sector, payload at data (flags say how). */
static int blk_rw(struct blk_client *bc, uint16_t op, uint64_t sector, uint64_t n, uint64_t data,
                  uint16_t flags)
{
    struct ipc_slot req = {
        .opcode = op, .flags = flags, .offset = sector, .length = n, .data = data};
    struct ipc_slot reply;
    long r = ipc_call(bc->conn, &req, &reply);

    return r == (long)n ? 0 : (r < 0 ? (int)r : CHIME_EIO);
}

/* Move count sectors between buf and the disk, in chunks the driver and
 * the data area can take; lent memory goes direct. */
static int blk_transfer(struct blk_client *bc, uint16_t op, uint64_t sector, uint32_t count,
                        uint8_t *buf)
{
    uint64_t total = (uint64_t)count * EXT2_SECTOR_SIZE, done = 0;
    uint64_t bounce = ipc_data_size(bc->conn) & ~(uint64_t)(EXT2_SECTOR_SIZE - 1);
    uint8_t *area = ipc_data(bc->conn);

    if (sector > bc->sectors || count > bc->sectors - sector)
        return CHIME_ERANGE;
    while (done < total) {
        uint64_t n = total - done;
        uint64_t va;
        int err;

        if (n > bc->max_io)
            n = bc->max_io;
        va = lent_va(bc, buf + done, n);
        if (va) {
            err = blk_rw(bc, op, sector + done / EXT2_SECTOR_SIZE, n, va, IPC_F_LENT);
        } else {
            if (n > bounce)
                n = bounce;
            if (op == BLK_OP_WRITE)
                memcpy(area, buf + done, n);
            err = blk_rw(bc, op, sector + done / EXT2_SECTOR_SIZE, n, 0, 0);
            if (!err && op == BLK_OP_READ)
                memcpy(buf + done, area, n);
        }
        if (err)
            return err;
        done += n;
    }
    return 0;
}

static int dev_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    return blk_transfer(ctx, BLK_OP_READ, sector, count, buf);
}

static int dev_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    /* WRITE only reads the buffer; the cast is for the shared chunk loop. */
    return blk_transfer(ctx, BLK_OP_WRITE, sector, count, (uint8_t *)(uintptr_t)buf);
}

static int dev_flush(void *ctx)
{
    struct blk_client *bc = ctx;
    struct ipc_slot req = {.opcode = BLK_OP_FLUSH};
    struct ipc_slot reply;

    if (!bc->can_flush)
        return 0; /* writes are durable when they complete */
    long r = ipc_call(bc->conn, &req, &reply);
    return r < 0 ? (int)r : 0;
}

int blk_client_open(struct blk_client **out, struct ext2_blockdev *dev, int *read_only,
                    uint64_t timeout_ns, char *why, size_t whylen)
{
    struct blk_client *bc = calloc(1, sizeof(*bc));
    struct ipc_slot req = {.opcode = BLK_OP_INFO}, info;
    long r;

    if (!bc)
        return CHIME_ENOMEM;
    r = ipc_connect_wait(&bc->conn, BLK_SERVICE, CHIME_IPC_BUF_MAX, 0, timeout_ns);
    if (r < 0) {
        snprintf(why, whylen, "cannot connect to %s: error %ld", BLK_SERVICE, r);
        free(bc);
        return (int)r;
    }
    r = ipc_call(bc->conn, &req, &info);
    if (r < 0 || info.aux != EXT2_SECTOR_SIZE || info.length < EXT2_SECTOR_SIZE) {
        snprintf(why, whylen, "%s INFO: error %ld, sector size %u (want %u)", BLK_SERVICE, r,
                 (unsigned)info.aux, EXT2_SECTOR_SIZE);
        ipc_disconnect(bc->conn);
        free(bc);
        return r < 0 ? (int)r : CHIME_ENOTSUP;
    }
    bc->sectors = info.offset;
    bc->max_io = info.length & ~(uint64_t)(EXT2_SECTOR_SIZE - 1);
    bc->can_flush = (info.arg & BLK_INFO_FLUSH) != 0;
    *read_only = (info.arg & BLK_INFO_RO) != 0;
    dev->ctx = bc;
    dev->sectors = bc->sectors;
    dev->read = dev_read;
    dev->write = dev_write;
    dev->flush = dev_flush;
    *out = bc;
    return 0;
}

int blk_client_lend(struct blk_client *bc, void *base, size_t len)
{
    uintptr_t lo = ((uintptr_t)base + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    uintptr_t hi = ((uintptr_t)base + len) & ~(uintptr_t)(PAGE - 1);

    while (lo < hi && bc->nlent < IPC_LEND_SLOTS) {
        uint64_t n = hi - lo < IPC_LEND_SLOT_SIZE ? hi - lo : IPC_LEND_SLOT_SIZE;
        long va = ipc_lend(bc->conn, (void *)lo, n, CHIME_PROT_READ | CHIME_PROT_WRITE);

        if (va < 0)
            return (int)va;
        bc->lent[bc->nlent++] = (struct blk_lent){.base = lo, .len = n, .server_va = (uint64_t)va};
        lo += n;
    }
    return 0;
}
