/* The block protocol, served by servers/blk (the virtio-blk driver) and used
 * by the fs server and tests/guest/blktest. Shaped like proto/echo.h: fields a
 * request does not list are ignored; fields a completion does not list are
 * zero, except tag, which every completion copies from its request.
 *
 * Addressing: a disk is an array of sectors of BLK_INFO's sector size
 * (512 bytes unless the device reports a larger logical block). Requests
 * name a first sector (offset) and a byte count (length) that is a nonzero
 * multiple of the sector size and at most the INFO maximum.
 *
 * Payloads are named by (data, length) as in every protocol: with IPC_F_LENT
 * clear, data is an offset into the connection's data area; with IPC_F_LENT
 * set, data is the server address of memory the client lent (ipc_lend). The
 * device DMAs straight into or out of those bytes: no copy in the driver.
 * A READ writes the client's memory, so a lend it names must have been lent
 * with CHIME_PROT_WRITE; a WRITE's with CHIME_PROT_READ. The client must
 * not touch the bytes of a request in flight (a READ's are written by the
 * device at any moment until the completion; a WRITE's may be read late),
 * nor unlend them before the completion arrives.
 *
 * Many requests may be in flight per connection (at most IPC_RING_SLOTS; the
 * INFO queue depth is what the device can run at once, across all clients);
 * they complete in any order, matched by tag. Clients are served fairly in
 * request-timestamp order. A request the driver refuses gets its error and
 * touches neither the disk nor the client's memory.
 *
 * Errors common to READ and WRITE:
 *   CHIME_EINVAL  length 0, not a multiple of the sector size, over the INFO
 *                 maximum, or a flag this opcode does not take
 *   CHIME_ERANGE  offset + length / sector size wraps or passes the end
 *   CHIME_EFAULT  data does not lie wholly inside the data area, or (LENT)
 *                 inside one lend of this connection
 *   CHIME_EPERM   (LENT) lent, but without the protection the opcode needs
 *   CHIME_EAGAIN  IPC_RING_SLOTS requests of this connection in flight
 *   CHIME_EIO     the device reported an error; the disk bytes of the
 *                 range (WRITE) or the buffer (READ) are then undefined */
#ifndef CHIME_PROTO_BLK_H
#define CHIME_PROTO_BLK_H

#include <stdint.h>

#define BLK_SERVICE "blk"

/* Request flags (struct ipc_slot.flags), beside IPC_F_LENT (bit 0). */
#define BLK_F_FUA                                                                                  \
    (1u << 1) /* WRITE: complete only once the data is
                                    durable (as if FLUSH followed it) */
#define BLK_F_PREFLUSH                                                                             \
    (1u << 2) /* WRITE: first make every write completed
                                    before this one was submitted durable */

/* INFO completion arg bits. */
#define BLK_INFO_RO (1u << 0) /* the disk is read-only: WRITE fails */
#define BLK_INFO_FLUSH                                                                             \
    (1u << 1) /* the device has a volatile write cache:
                                    FLUSH (and FUA/PREFLUSH) reach the
                                    medium; clear: writes are durable on
                                    completion and FLUSH is a no-op */

enum blk_op {
    /* Describe the disk.
     *   request:    (no fields)
     *   completion: result        0
     *               offset        capacity in sectors
     *               aux           sector size in bytes (a power of two,
     *                             >= 512)
     *               length        largest READ/WRITE in bytes (a multiple
     *                             of the sector size, >= 4096)
     *               data          queue depth: requests the device runs at
     *                             once across all clients; keep this many in
     *                             flight for full throughput
     *               arg           BLK_INFO_* bits */
    BLK_OP_INFO = 1,

    /* Read sectors into the client's memory.
     *   request:    offset        first sector
     *               length        bytes (see the rules above)
     *               data          where to put them: data-area offset, or
     *                             server va of a writable lend (IPC_F_LENT)
     *               flags         IPC_F_LENT only
     *               aux           any value: returned as is
     *   completion: result        length, or a CHIME_E* code above
     *               aux           the request's aux */
    BLK_OP_READ = 2,

    /* Write sectors from the client's memory.
     *   request:    offset, length, aux: as READ
     *               data          the bytes: data-area offset, or server va
     *                             of a readable lend (IPC_F_LENT)
     *               flags         IPC_F_LENT, BLK_F_FUA, BLK_F_PREFLUSH
     *   completion: result        length, CHIME_EROFS on a read-only disk,
     *                             or a CHIME_E* code above
     *               aux           the request's aux */
    BLK_OP_WRITE = 3,

    /* Make every write completed before this request was submitted durable
     * (sends VIRTIO_BLK_T_FLUSH when the device has a write cache).
     *   request:    aux           any value: returned as is
     *   completion: result        0, CHIME_EIO, or CHIME_EAGAIN as above
     *               aux           the request's aux */
    BLK_OP_FLUSH = 4,
};

/* The smallest sector size; the unit virtio itself counts in. */
#define BLK_SECTOR_MIN 512u

#endif
