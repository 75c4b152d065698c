/* The fs server's core: the request handler of include/chime/proto/fs.h
 * over one mounted ext2 file system, with each client's open-file table.
 *
 * Nothing here knows how requests arrive or where the disk is: the handler
 * takes a validated private copy of a descriptor and the connection's
 * struct ipc_sconn (for its data area and lend table), and the file system
 * sits on any struct ext2_blockdev. So the whole of request handling runs
 * on the host in tests (over an image file), and on the guest under
 * ipc_server_run over the blk client (fs_main.c, blk_client.c).
 *
 * One fs_server serves one file system and handles one request at a time:
 * that is what makes O_CREAT|O_EXCL, O_APPEND and rename atomic for every
 * other client. */
#ifndef FS_SERVER_H
#define FS_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <chime/ipc.h>
#include <chime/proto/fs.h>

#include "ext2/ext2.h"
#include "libos/ipc.h"

/* One open handle of a client. */
struct fs_file {
    uint32_t ino;   /* 0: the slot is free */
    uint32_t flags; /* FS_O_ACCMODE bits and FS_O_APPEND */
    uint32_t mode;  /* the inode's type and permissions at open */
};

/* A client: its open handles, FS_OPEN_MAX at most. */
struct fs_client {
    struct fs_file file[FS_OPEN_MAX];
    uint32_t nopen;
};

/* How many handles, of all clients, have an inode open. */
struct fs_open_count {
    uint32_t ino;
    uint32_t count;
    uint32_t orphan; /* its last link went while open: free it at the last close */
};

/* A path the server resolved (fs_lookup.c): the request's path, 8-byte
 * words, with the follow flag and the names generation it was found in. */
#define FS_PCACHE_SLOTS 64
#define FS_PCACHE_WORDS 8 /* paths up to 64 bytes */
struct fs_pentry {
    uint32_t gen; /* ext2_names_gen + 1 when found; 0: empty */
    uint32_t ino;
    uint32_t len;
    uint32_t follow;
    uint64_t w[FS_PCACHE_WORDS];
};

struct fs_server {
    struct ext2_fs *fs;
    struct fs_open_count *open; /* inodes with open handles */
    uint32_t nopen, open_cap;
    /* Private copies of the paths of the request being served. */
    char path[2][FS_PATH_MAX];
    uint32_t path_len[2]; /* their lengths */
    uint8_t long_name[2]; /* a name in them passes FS_NAME_MAX */
    struct fs_pentry pcache[FS_PCACHE_SLOTS];
    char link[FS_PATH_MAX]; /* READLINK's target */
    /* Where the library's detail of an I/O or corruption error goes
     * (NULL: nowhere). */
    void (*log)(void *ctx, const char *msg);
    void *log_ctx;
};

/* Mount dev as the server's file system (read-only if ro, or if the library
 * decides so: then why says why). Returns 0 or a negative code with the
 * reason in why. */
int fs_server_mount(struct fs_server *s, const struct ext2_blockdev *dev, int ro,
                    unsigned cache_blocks, char *why, size_t whylen);

/* Write everything back and unmount; every client must be gone. */
int fs_server_unmount(struct fs_server *s);

/* A new client with no handle open, or NULL without memory. */
struct fs_client *fs_client_new(struct fs_server *s);

/* The client went (disconnect or exit): close its handles, free it. */
void fs_client_free(struct fs_server *s, struct fs_client *cl);

/* Serve one request of client cl on connection c: req is a private copy
 * the caller took once from the ring (the handler never reads the shared
 * descriptor). Fills cpl's offset/arg/aux as the protocol says and returns
 * the result (>= 0 or a CHIME_E* code). */
long fs_request(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                const struct ipc_slot *req, struct ipc_slot *cpl);

/* ---- shared by the handler's files (fs_server.c, fs_files.c, fs_names.c) ---- */

/* A library result as a protocol result: the codes are the same but
 * EXT2_ECORRUPT, which is reported (log) and becomes CHIME_EIO. */
long fs_result(struct fs_server *s, long r);

long fs_op_open(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                const struct ipc_slot *req, struct ipc_slot *cpl);
long fs_op_close(struct fs_server *s, struct fs_client *cl, const struct ipc_slot *req);
long fs_op_read(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                const struct ipc_slot *req);
long fs_op_write(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                 const struct ipc_slot *req, struct ipc_slot *cpl);
long fs_op_readdir(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                   const struct ipc_slot *req, struct ipc_slot *cpl);
long fs_op_fstat(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                 const struct ipc_slot *req);
long fs_op_ftruncate(struct fs_server *s, struct fs_client *cl, const struct ipc_slot *req);
long fs_op_fsync(struct fs_server *s, struct fs_client *cl, const struct ipc_slot *req);

long fs_op_path(struct fs_server *s, struct ipc_sconn *c, const struct ipc_slot *req,
                struct ipc_slot *cpl);

/* Copy the request's path (npaths = 1) or two paths (2) out of the data
 * area into s->path[] (with path_len[], long_name[]). Returns 0 or
 * CHIME_EFAULT / CHIME_ENAMETOOLONG / CHIME_ENOENT (an empty path). */
long fs_copy_paths(struct fs_server *s, struct ipc_sconn *c, const struct ipc_slot *req,
                   int npaths);

/* ext2_lookup of s->path[i], through a cache of whole paths (fs_lookup.c). */
long fs_lookup(struct fs_server *s, int i, int follow, uint32_t *ino);

/* For s->path[i]: CHIME_ENAMETOOLONG if a name in it is too long,
 * CHIME_ENOTDIR if it ends in '/' and names something that is not a
 * directory (following links); else 0. */
long fs_check_trailing_slash(struct fs_server *s, int i);

/* One handle more / less on inode ino (fs_open_ref: 0 or CHIME_ENOMEM). The
 * last unref frees an inode that was unlinked while open. */
long fs_open_ref(struct fs_server *s, uint32_t ino);
long fs_open_unref(struct fs_server *s, uint32_t ino);

/* Fill a protocol stat from inode ino. */
long fs_stat_ino(struct fs_server *s, uint32_t ino, struct fs_stat *out);

/* Write n bytes of src to data-area offset off of c: 0 or CHIME_EFAULT. */
long fs_put_output(struct ipc_sconn *c, uint64_t off, const void *src, uint64_t n);

#endif
