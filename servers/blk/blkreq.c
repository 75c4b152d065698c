/* blk request checks (see blkreq.h). */
#include "blkreq.h"

#include <chime/errno.h>
#include <chime/proto/blk.h>
#include <chime/types.h>

#define BLK_FLAGS_ALL (IPC_F_LENT | BLK_F_FUA | BLK_F_PREFLUSH)

long blk_check_request(const struct blk_disk *d, const struct ipc_slot *rq)
{
    uint64_t count;

    switch (rq->opcode) {
    case BLK_OP_INFO:
    case BLK_OP_FLUSH:
        return rq->flags ? CHIME_EINVAL : 0;
    case BLK_OP_READ:
        if (rq->flags & ~IPC_F_LENT)
            return CHIME_EINVAL;
        break;
    case BLK_OP_WRITE:
        if (rq->flags & ~BLK_FLAGS_ALL)
            return CHIME_EINVAL;
        break;
    default:
        return CHIME_ENOSYS;
    }
    if (rq->length == 0 || rq->length > d->max_bytes || rq->length % d->sector_size)
        return CHIME_EINVAL;
    /* offset + count <= sectors, without computing a sum that can wrap. */
    count = rq->length / d->sector_size;
    if (rq->offset > d->sectors || count > d->sectors - rq->offset)
        return CHIME_ERANGE;
    if (rq->opcode == BLK_OP_WRITE && d->read_only)
        return CHIME_EROFS;
    return 0;
}

unsigned blk_payload_prot(uint16_t op)
{
    return op == BLK_OP_READ ? CHIME_PROT_WRITE : CHIME_PROT_READ;
}

long blk_check_payload(const struct ipc_slot *rq, uint64_t data_size,
                       const volatile struct ipc_lend_entry *lends, unsigned prot)
{
    uint64_t va = rq->data, len = rq->length;
    long r = CHIME_EFAULT;

    if (!(rq->flags & IPC_F_LENT))
        return len <= data_size && va <= data_size - len ? 0 : CHIME_EFAULT;
    if (!lends)
        return CHIME_EFAULT;
    for (unsigned i = 0; i < IPC_LEND_SLOTS; i++) {
        uint64_t base = lends[i].va, size = lends[i].len;
        uint32_t eprot = lends[i].prot;

        if (!base || va < base || va - base > size || len > size - (va - base))
            continue;
        if ((eprot & prot) == prot)
            return 0;
        r = CHIME_EPERM;
    }
    return r;
}
