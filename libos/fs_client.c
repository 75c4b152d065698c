/* The file-system client (fs_client.h): one fs connection per thread.
 *
 * A thread's connection is made at its first file call and closed when the
 * thread exits (a pthread key's destructor). The server shares open-file
 * handles between all connections of one process and closes them with the
 * process's last connection, so the process must never be left without a
 * connection the server knows while it has files open:
 *
 *   - a connection counts as live (fs_live) only once it completed a
 *     request: the server then has seen it connect, so its handles are the
 *     process's (it served the request on that connection);
 *   - an exiting thread closes its connection only while another live one
 *     remains; the last one is kept instead, as the keeper, which holds the
 *     process's handles until a new thread's connection is live (then the
 *     keeper is closed) or the process exits.
 *
 * So at any moment some connection the server knows stays open. Each
 * disconnect the server later processes still leaves it one of the
 * process's connections, and the handles survive. */
#include "fs_client.h"
#include "fs_file.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <chime/errno.h>

#include "ipc.h"
#include "libos.h"

/* The connection buffer: the data area carries paths and small payloads. */
#define FS_BUF_SIZE (64u * 1024)

static __thread struct ipc_conn *self_conn;
static unsigned fs_live;           /* open connections that completed a request */
static struct ipc_conn *fs_keeper; /* the last live connection of a gone thread */
static pthread_key_t fs_key;
static pthread_once_t fs_key_once = PTHREAD_ONCE_INIT;

static void thread_gone(void *arg)
{
    struct ipc_conn *c = self_conn;

    (void)arg;
    fs_file_spares_free();
    if (c == NULL)
        return;
    self_conn = NULL;
    fs_lend_clear(c);
    if (__atomic_sub_fetch(&fs_live, 1, __ATOMIC_ACQ_REL) > 0) {
        ipc_disconnect(c);
        return;
    }
    c = __atomic_exchange_n(&fs_keeper, c, __ATOMIC_ACQ_REL);
    if (c != NULL)
        ipc_disconnect(c); /* the new keeper is live: the old one may go */
}

static void key_init(void)
{
    pthread_key_create(&fs_key, thread_gone);
}

/* Connect the calling thread; NULL when there is no fs server. */
static struct ipc_conn *connect_self(void)
{
    struct ipc_slot null = {.opcode = IPC_OP_NULL}, reply;
    struct ipc_conn *c = self_conn, *old;

    if (c != NULL) {
        /* The server died: its handles went with it. */
        self_conn = NULL;
        fs_lend_clear(c);
        ipc_disconnect(c);
        __atomic_sub_fetch(&fs_live, 1, __ATOMIC_ACQ_REL);
    }
    /* No waiting: init starts fs before any program that uses files, and
     * a machine without a disk answers ENOENT at once (posix_spawn tries
     * the disk before the boot archive). */
    if (ipc_connect(&c, FS_SERVICE, FS_BUF_SIZE, 0) < 0)
        return NULL;
    /* Live once the server has served it (see the top of the file). */
    if (ipc_call(c, &null, &reply) < 0) {
        ipc_disconnect(c);
        return NULL;
    }
    __atomic_add_fetch(&fs_live, 1, __ATOMIC_ACQ_REL);
    old = __atomic_exchange_n(&fs_keeper, NULL, __ATOMIC_ACQ_REL);
    if (old != NULL)
        ipc_disconnect(old);
    pthread_once(&fs_key_once, key_init);
    pthread_setspecific(fs_key, c);
    self_conn = c;
    return c;
}

struct ipc_conn *fs_conn_self(void)
{
    struct ipc_conn *c = self_conn;

    if (__builtin_expect(c != NULL && !ipc_closed(c), 1))
        return c;
    return connect_self();
}

long fs_call(struct ipc_conn *c, const struct ipc_slot *req, struct ipc_slot *reply)
{
    return ipc_call(c, req, reply);
}

long fs_lend(struct ipc_conn *c, const void *buf, size_t n, unsigned prot)
{
    return ipc_lend(c, buf, n, prot);
}

void fs_unlend(struct ipc_conn *c, long server_va)
{
    if (server_va >= 0)
        ipc_unlend(c, (uint64_t)server_va);
}

int fs_errno(long r)
{
    /* A server that died mid-call: the file is gone with it. */
    return r == CHIME_EPIPE ? EIO : libos_errno(r);
}
