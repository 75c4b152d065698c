/* fs: the file-system server. Connects to blk, mounts the ext2 disk and
 * serves FS_SERVICE (include/chime/proto/fs.h) to any number of clients.
 *
 * This file is the guest's thin layer: the blk connection (blk_client.c)
 * and the IPC loop (libos ipc_server_run). Everything a request does is in
 * fs_server.c, fs_files.c and fs_names.c, which the host tests run over an
 * image file.
 *
 * Usage: fs [ro]   ("ro": mount read-only whatever the disk allows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/errno.h>

#include "blk_client.h"
#include "fs_server.h"
#include "libos/ipc.h"

#define FS_CACHE_BLOCKS 1024u                   /* 1-4 MiB of cache, by block size */
#define BLK_WAIT_NS     (10ull * 1000000000ull) /* for blk to publish its name */

static struct fs_server server;

/* The open-file table of one client process, shared by all its
 * connections: libos makes one connection per thread that calls into
 * files (libos/fs_client.c), and a descriptor opened on one thread works
 * on every other. The kernel names the process (ipc_sconn.client; ids are
 * never reused), and a connection cannot be handed to another process
 * (docs/ipc.md), so a handle is good on exactly the connections of the
 * process that opened it. The table goes, its handles closed, with the
 * process's last connection. */
struct fs_proc {
    uint32_t client; /* kernel id of the process */
    uint32_t conns;  /* its live connections */
    struct fs_client *cl;
    struct fs_proc *next;
};

static struct fs_proc *procs;

static void fs_log(void *ctx, const char *msg)
{
    fprintf(stderr, "fs: %s\n", msg);
}

static long on_request(struct ipc_sconn *c, const struct ipc_slot *req, struct ipc_slot *cpl,
                       void *ctx)
{
    return fs_request(&server, ((struct fs_proc *)c->user)->cl, c, req, cpl);
}

static long on_connect(struct ipc_sconn *c, void *ctx)
{
    struct fs_proc *p;

    for (p = procs; p != NULL && p->client != c->client; p = p->next)
        ;
    if (p == NULL) {
        p = calloc(1, sizeof(*p));
        if (p == NULL)
            return CHIME_ENOMEM;
        p->cl = fs_client_new(&server);
        if (p->cl == NULL) {
            free(p);
            return CHIME_ENOMEM;
        }
        p->client = c->client;
        p->next = procs;
        procs = p;
    }
    p->conns++;
    c->user = p;
    return 0;
}

static void on_disconnect(struct ipc_sconn *c, void *ctx)
{
    struct fs_proc *p = c->user, **pp;

    c->user = NULL;
    if (p == NULL || --p->conns > 0)
        return;
    for (pp = &procs; *pp != p; pp = &(*pp)->next)
        ;
    *pp = p->next;
    fs_client_free(&server, p->cl);
    free(p);
}

int main(int argc, char **argv)
{
    struct ipc_handlers h = {
        .name = FS_SERVICE,
        .request = on_request,
        .connect = on_connect,
        .disconnect = on_disconnect,
    };
    struct ext2_blockdev dev;
    struct blk_client *bc;
    char why[200] = "";
    int disk_ro = 0, ro = argc > 1 && strcmp(argv[1], "ro") == 0;
    void *cache;
    size_t cache_len;
    long r;

    r = blk_client_open(&bc, &dev, &disk_ro, BLK_WAIT_NS, why, sizeof(why));
    if (r < 0) {
        fprintf(stderr, "fs: no disk: %s\n", why);
        return 1;
    }
    server.log = fs_log;
    r = fs_server_mount(&server, &dev, ro || disk_ro, FS_CACHE_BLOCKS, why, sizeof(why));
    if (r < 0) {
        fprintf(stderr, "fs: cannot mount: %s (error %ld)\n", why, r);
        return 1;
    }
    if (ext2_is_read_only(server.fs))
        fprintf(stderr, "fs: mounted read-only: %s\n",
                why[0] ? why : (disk_ro ? "the disk is read-only" : "asked to"));
    /* The cache is where blocks land: let the driver DMA straight into it. */
    ext2_cache_memory(server.fs, &cache, &cache_len);
    if (blk_client_lend(bc, cache, cache_len) < 0)
        fprintf(stderr, "fs: cache not lent to blk; blocks are bounced\n");
    r = ipc_server_run(&h);
    if (r < 0)
        fprintf(stderr, "fs: cannot serve %s: error %ld\n", FS_SERVICE, r);
    fs_server_unmount(&server);
    return r < 0 ? 1 : 0;
}
