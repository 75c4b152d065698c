/* The file-system client (fs_client.h). */
#include "fs_client.h"

#include <errno.h>
#include <string.h>
#include <sys/lock.h>

#include <chime/errno.h>

#include "ipc.h"
#include "libos.h"

/* The connection buffer: the data area carries paths and small payloads. */
#define FS_BUF_SIZE (64u * 1024)

static struct ipc_conn *conn;
static _LOCK_RECURSIVE_T fs_lock;

/* The connection, made or remade as needed; NULL when no fs server runs. */
static struct ipc_conn *fs_conn(void)
{
    struct ipc_conn *c = conn;

    if (c != NULL && !ipc_closed(c))
        return c;
    if (c != NULL) {
        ipc_disconnect(c);
        conn = NULL;
    }
    /* No waiting: init starts fs before any program that uses files, and
     * a machine without a disk answers ENOENT at once (posix_spawn tries
     * the disk before the boot archive). */
    if (ipc_connect(&c, FS_SERVICE, FS_BUF_SIZE, 0) < 0)
        return NULL;
    conn = c;
    return c;
}

struct ipc_conn *fs_conn_self(void)
{
    struct ipc_conn *c;

    __lock_acquire_recursive(fs_lock);
    c = fs_conn();
    __lock_release_recursive(fs_lock);
    return c;
}

void *fs_begin(uint64_t *size)
{
    struct ipc_conn *c;

    __lock_acquire_recursive(fs_lock);
    c = fs_conn();
    if (c == NULL) {
        *size = 0;
        return NULL;
    }
    *size = ipc_data_size(c);
    return ipc_data(c);
}

void fs_end(void)
{
    __lock_release_recursive(fs_lock);
}

long fs_call(struct ipc_slot *req, struct ipc_slot *reply)
{
    if (conn == NULL)
        return CHIME_ENOENT;
    return ipc_call(conn, req, reply);
}

long fs_lend(const void *buf, size_t n, unsigned prot)
{
    return conn != NULL ? ipc_lend(conn, buf, n, prot) : CHIME_ENOENT;
}

void fs_unlend(long server_va)
{
    if (conn != NULL && server_va >= 0)
        ipc_unlend(conn, (uint64_t)server_va);
}

int fs_errno(long r)
{
    /* A server that died mid-call: the file is gone with it. */
    return r == CHIME_EPIPE ? EIO : libos_errno(r);
}
