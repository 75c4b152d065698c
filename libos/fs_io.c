/* READ and WRITE of fs files (fs_file.h): the one place the bytes move.
 *
 * Three ways, cheapest first:
 *   - a buffer of FS_KEEP_MIN bytes or more that may stay lent (fs_lend.c):
 *     the server copies between its cache and the buffer, one copy, no
 *     syscall beyond the round trip once the pages are lent;
 *   - FS_LEND_MIN bytes or more elsewhere: lent for this request only;
 *   - otherwise, and whenever lending fails: through the connection's
 *     data area, in pieces, copied on both sides.
 * Requests are built in place in the request ring (ipc_call_begin/end). */
#include <errno.h>
#include <string.h>

#include <chime/errno.h>
#include <chime/types.h>

#include "fs_client.h"
#include "fs_file.h"
#include "ipc.h"

#define FS_KEEP_MIN (2u * 1024)
#define FS_LEND_MIN (16u * 1024)

/* One READ or WRITE on c; *end gets the completion's offset. */
static long io_call(struct ipc_conn *c, uint16_t op, uint32_t flags, int32_t handle, uint64_t off,
                    uint64_t n, uint64_t data, uint64_t *end)
{
    struct ipc_slot *rq = ipc_call_begin(c);
    const struct ipc_slot *cpl;
    long r;

    rq->opcode = op;
    rq->flags = flags;
    rq->handle = handle;
    rq->offset = off;
    rq->length = n;
    rq->data = data;
    cpl = ipc_call_end(c, rq);
    r = cpl->result;
    if (r >= 0 && end != NULL)
        *end = cpl->offset;
    return r;
}

static ssize_t through_data(struct ipc_conn *c, int32_t handle, uint16_t op, char *buf, size_t n,
                            uint64_t off, uint64_t *end)
{
    char *data = ipc_data(c);
    uint64_t room = ipc_data_size(c);
    size_t done = 0;
    long r = 0;

    do { /* one request at least: a read of 0 bytes still gets a directory's EISDIR */
        size_t k = n - done < room ? n - done : room;

        if (op == FS_OP_WRITE)
            memcpy(data, buf + done, k);
        r = io_call(c, op, 0, handle, off + done, k, 0, end);
        if (r < 0)
            break;
        if (op == FS_OP_READ)
            memcpy(buf + done, data, (size_t)r);
        done += (size_t)r;
        if ((size_t)r < k)
            break;
    } while (done < n);
    if (r < 0 && done == 0)
        return -fs_errno(r);
    return (ssize_t)done;
}

ssize_t fs_transfer(int32_t handle, uint16_t op, void *buf, size_t n, uint64_t off, uint64_t *end)
{
    struct ipc_conn *c = fs_conn_self();
    long va, r;

    if (c == NULL)
        return -EBADF;
    if (n > FS_IO_MAX)
        n = FS_IO_MAX;
    if (n >= FS_KEEP_MIN) {
        va = fs_lend_cached(c, buf, n);
        if (va >= 0) {
            r = io_call(c, op, IPC_F_LENT, handle, off, n, (uint64_t)va, end);
            if (r != CHIME_EFAULT)
                return r < 0 ? -fs_errno(r) : r;
            fs_lend_drop(c, buf); /* revoked under us: the slow ways */
        }
    }
    if (n >= FS_LEND_MIN) {
        va = fs_lend(c, buf, n, op == FS_OP_READ ? CHIME_PROT_WRITE : CHIME_PROT_READ);
        if (va >= 0) {
            r = io_call(c, op, IPC_F_LENT, handle, off, n, (uint64_t)va, end);
            fs_unlend(c, va);
            return r < 0 ? -fs_errno(r) : r;
        }
        /* No lend (say, the buffer is not ours to lend): fall back. */
    }
    return through_data(c, handle, op, buf, n, off, end);
}

long fs_handle_call(uint16_t op, int32_t handle, uint64_t offset)
{
    struct ipc_conn *c = fs_conn_self();
    struct ipc_slot *rq;
    long r;

    if (c == NULL)
        return -EBADF;
    rq = ipc_call_begin(c);
    rq->opcode = op;
    rq->flags = 0;
    rq->handle = handle;
    rq->offset = offset;
    r = ipc_call_end(c, rq)->result;
    return r < 0 ? -fs_errno(r) : r;
}
