/* The fs server's disk: a struct ext2_blockdev over one connection to the
 * blk service (include/chime/proto/blk.h).
 *
 * Transfers go by DMA-able memory where the driver can reach it: memory the
 * fs server lent to blk on this connection (the block cache, see
 * blk_client_lend) is named by its lent address, so the device reads and
 * writes cache blocks in place; any other buffer is bounced through the
 * connection's data area, one chunk at a time. Requests are synchronous:
 * the fs server runs one request at a time anyway. */
#ifndef FS_BLK_CLIENT_H
#define FS_BLK_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "ext2/ext2.h"

struct blk_client;

/* Connect to the blk service (waiting up to timeout_ns for it to appear),
 * ask INFO, and fill *dev with callbacks over it. *read_only is the disk's
 * BLK_INFO_RO. Disks with sectors other than 512 bytes are refused
 * (CHIME_ENOTSUP) until the library learns to address them. Returns 0 or a
 * negative code with the reason in why. */
int blk_client_open(struct blk_client **out, struct ext2_blockdev *dev, int *read_only,
                    uint64_t timeout_ns, char *why, size_t whylen);

/* Lend [base, base+len) to the driver so transfers into it need no bounce
 * (page-aligned parts only; what cannot be lent is simply bounced). */
int blk_client_lend(struct blk_client *bc, void *base, size_t len);

#endif
