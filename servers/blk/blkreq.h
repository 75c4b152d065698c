/* Checking blk requests (include/chime/proto/blk.h) against the disk and
 * the client's memory, before anything is touched. Pure code: it builds on
 * the host for tests/unit/test_blkreq.c. */
#ifndef BLK_BLKREQ_H
#define BLK_BLKREQ_H

#include <stdint.h>

#include <chime/ipc.h>

/* What the driver knows about its disk. */
struct blk_disk {
    uint64_t sectors;     /* capacity in sectors of sector_size */
    uint32_t sector_size; /* bytes, a power of two >= 512 */
    uint32_t max_bytes;   /* largest READ/WRITE */
    int read_only;
};

/* Check opcode, flags, length and range of a private copy of a request.
 * 0 if the disk part is acceptable, else the CHIME_E* the client gets. */
long blk_check_request(const struct blk_disk *d, const struct ipc_slot *rq);

/* The client memory a READ/WRITE names: [data, data+length) inside a data
 * area of data_size bytes, or (IPC_F_LENT) inside one lend of the table
 * (IPC_LEND_SLOTS entries, read once each) with prot (CHIME_PROT_WRITE for
 * a READ: the device writes it). 0, CHIME_EFAULT or CHIME_EPERM. */
long blk_check_payload(const struct ipc_slot *rq, uint64_t data_size,
                       const volatile struct ipc_lend_entry *lends, unsigned prot);

/* The protection a payload of opcode op needs. */
unsigned blk_payload_prot(uint16_t op);

#endif
