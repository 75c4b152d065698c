/* The fs server's request handler: mounting, clients, dispatch, and the
 * checks on what a request names (see fs_server.h, proto/fs.h).
 *
 * Untrusted input. A request is a private 64-byte copy (the caller took
 * it once from the ring), so its fields cannot change while it is served;
 * everything it points at can. The rules, one error per defect class:
 *   - a handle is an index below FS_OPEN_MAX of a slot this client has in
 *     use, opened with the access the operation needs: else CHIME_EBADF;
 *   - every (offset, length) is checked, without overflow, to lie inside
 *     the data area (ipc_sconn_data) or inside one lend of this connection
 *     with the right protection (ipc_payload): else CHIME_EFAULT;
 *   - paths are copied out of shared memory once, before they are looked
 *     at, and must end in a NUL inside the request's length (CHIME_EFAULT;
 *     CHIME_ENAMETOOLONG if no NUL comes in FS_PATH_MAX bytes);
 *   - outputs are built in private memory and copied out at the end;
 *   - a lend revoked while a READ or WRITE used it fails the request
 *     (CHIME_EFAULT): the revoked pages read as zeros and swallow writes.
 * A hostile client can get errors, corrupt its own files and stall its own
 * connection; nothing it sends touches another client's handles. */
#include "fs_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/errno.h>

/* ---- open counts: which inodes have handles -------------------------------- */

static struct fs_open_count *open_find(struct fs_server *s, uint32_t ino)
{
    for (uint32_t i = 0; i < s->nopen; i++)
        if (s->open[i].ino == ino)
            return &s->open[i];
    return NULL;
}

/* The library asks before it frees an inode whose last link went. */
static int open_is_open(void *ctx, uint32_t ino)
{
    struct fs_open_count *oc = open_find(ctx, ino);

    if (oc == NULL)
        return 0;
    oc->orphan = 1; /* the library keeps it, linkless, until fs_open_unref */
    return 1;
}

/* ---- mounting --------------------------------------------------------------- */

int fs_server_mount(struct fs_server *s, const struct ext2_blockdev *dev, int ro,
                    unsigned cache_blocks, char *why, size_t whylen)
{
    struct ext2_mount_opts opts = {
        .cache_blocks = cache_blocks,
        .read_only = ro,
        .is_open = open_is_open,
        .open_ctx = s,
    };

    s->fs = NULL;
    s->open = NULL;
    s->nopen = s->open_cap = 0;
    memset(s->pcache, 0, sizeof(s->pcache));
    return ext2_mount(&s->fs, dev, &opts, why, whylen);
}

int fs_server_unmount(struct fs_server *s)
{
    int err = ext2_unmount(s->fs);

    s->fs = NULL;
    free(s->open);
    s->open = NULL;
    s->nopen = s->open_cap = 0;
    return err;
}

/* ---- clients and handles ---------------------------------------------------- */

struct fs_client *fs_client_new(struct fs_server *s)
{
    return calloc(1, sizeof(struct fs_client));
}

/* Count one more handle on ino: 0 or CHIME_ENOMEM. */
long fs_open_ref(struct fs_server *s, uint32_t ino)
{
    struct fs_open_count *oc = open_find(s, ino);

    if (oc) {
        oc->count++;
        return 0;
    }
    if (s->nopen == s->open_cap) {
        uint32_t cap = s->open_cap ? 2 * s->open_cap : 64;
        struct fs_open_count *a = realloc(s->open, cap * sizeof(*a));

        if (!a)
            return CHIME_ENOMEM;
        s->open = a;
        s->open_cap = cap;
    }
    s->open[s->nopen] = (struct fs_open_count){.ino = ino, .count = 1};
    s->nopen++;
    return 0;
}

/* Drop one handle on ino; the last one frees an inode unlinked while open. */
long fs_open_unref(struct fs_server *s, uint32_t ino)
{
    struct fs_open_count *oc = open_find(s, ino);

    int orphan;

    if (!oc)
        return 0;
    if (--oc->count > 0)
        return 0;
    orphan = oc->orphan;
    *oc = s->open[--s->nopen];
    /* Only an inode whose last link went while open needs freeing. */
    if (!orphan || ext2_is_read_only(s->fs))
        return 0;
    long r = ext2_release(s->fs, ino);
    return r < 0 ? fs_result(s, r) : 0;
}

void fs_client_free(struct fs_server *s, struct fs_client *cl)
{
    for (uint32_t h = 0; h < FS_OPEN_MAX && cl->nopen > 0; h++) {
        if (cl->file[h].ino) {
            fs_open_unref(s, cl->file[h].ino);
            cl->file[h].ino = 0;
            cl->nopen--;
        }
    }
    free(cl);
}

/* ---- results and outputs ---------------------------------------------------- */

long fs_result(struct fs_server *s, long r)
{
    if (r != EXT2_ECORRUPT)
        return r;
    if (s->log) {
        char msg[200];

        snprintf(msg, sizeof(msg), "file system inconsistent: %s", ext2_errmsg(s->fs));
        s->log(s->log_ctx, msg);
    }
    return CHIME_EIO;
}

long fs_put_output(struct ipc_sconn *c, uint64_t off, const void *src, uint64_t n)
{
    void *dst = ipc_sconn_data(c, off, n);

    if (!dst)
        return CHIME_EFAULT;
    memcpy(dst, src, n);
    return 0;
}

long fs_stat_ino(struct fs_server *s, uint32_t ino, struct fs_stat *out)
{
    struct ext2_stat st;
    long r = ext2_stat(s->fs, ino, &st);

    if (r < 0)
        return fs_result(s, r);
    struct ext2_statfs sf;
    ext2_statfs(s->fs, &sf);
    *out = (struct fs_stat){
        .ino = st.ino,
        .size = st.size,
        .blocks = st.blocks,
        .mode = st.mode,
        .nlink = st.nlink,
        .uid = st.uid,
        .gid = st.gid,
        .blksize = sf.block_size,
        .atime = st.atime,
        .mtime = st.mtime,
        .ctime = st.ctime,
    };
    return 0;
}

/* ---- paths ------------------------------------------------------------------ */

long fs_copy_paths(struct fs_server *s, struct ipc_sconn *c, const struct ipc_slot *req, int npaths)
{
    uint64_t avail = req->length;
    uint64_t room = (uint64_t)npaths * FS_PATH_MAX;
    uint64_t take = avail < room ? avail : room, pos = 0;
    const volatile char *src = ipc_sconn_data(c, req->data, avail);

    if ((req->flags & IPC_F_LENT) || !src)
        return CHIME_EFAULT;
    /* One pass over shared memory, each byte read once: the copy and its
     * NUL. From here on only the copy is read. */
    _Static_assert(sizeof(s->path) == 2 * FS_PATH_MAX, "paths are contiguous");
    for (int i = 0; i < npaths; i++) {
        char *dst = s->path[i];
        uint64_t n = 0;

        if ((((uintptr_t)src + pos) & 7) == 0 && ((uintptr_t)dst & 7) == 0) {
            /* Whole words (the data area is word-aligned, so no read
             * crosses its end), until one holds a NUL. */
            typedef uint64_t __attribute__((may_alias)) word_t;
            const volatile word_t *sw = (const volatile word_t *)(src + pos);
            word_t *dw = (word_t *)dst;

            for (;; n += 8) {
                uint64_t w;

                if (pos + n >= take)
                    return take == avail ? CHIME_EFAULT : CHIME_ENAMETOOLONG;
                w = sw[n / 8];
                dw[n / 8] = w;
                if ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)
                    break;
            }
            while (dst[n] != '\0')
                n++;
            if (pos + n >= take) /* the NUL lies past the request's bytes */
                return take == avail ? CHIME_EFAULT : CHIME_ENAMETOOLONG;
        } else {
            for (;; n++) {
                if (pos + n >= take)
                    return take == avail ? CHIME_EFAULT : CHIME_ENAMETOOLONG;
                if ((dst[n] = src[pos + n]) == '\0')
                    break;
            }
        }
        if (n >= FS_PATH_MAX)
            return CHIME_ENAMETOOLONG;
        if (n == 0)
            return CHIME_ENOENT;
        /* A name longer than FS_NAME_MAX needs a path at least that long. */
        uint64_t run = 0, longest = 0;
        for (uint64_t k = n > FS_NAME_MAX ? 0 : n; k < n; k++) {
            run = dst[k] == '/' ? 0 : run + 1;
            longest = run > longest ? run : longest;
        }
        s->path_len[i] = (uint32_t)n;
        s->long_name[i] = longest > FS_NAME_MAX;
        pos += n + 1;
    }
    return 0;
}

long fs_check_trailing_slash(struct fs_server *s, int i)
{
    const char *path = s->path[i];
    uint32_t n = s->path_len[i], ino;
    struct ext2_stat st;

    if (s->long_name[i])
        return CHIME_ENAMETOOLONG;
    if (n < 2 || path[n - 1] != '/')
        return 0;
    if (ext2_lookup(s->fs, path, 1, &ino) != 0 || ext2_stat(s->fs, ino, &st) != 0)
        return 0; /* the operation reports what is missing */
    return (st.mode & FS_S_IFMT) == FS_S_IFDIR ? 0 : CHIME_ENOTDIR;
}

/* ---- dispatch --------------------------------------------------------------- */

long fs_request(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                const struct ipc_slot *req, struct ipc_slot *cpl)
{
    switch (req->opcode) {
    case FS_OP_OPEN:
        return fs_op_open(s, cl, c, req, cpl);
    case FS_OP_CLOSE:
        return fs_op_close(s, cl, req);
    case FS_OP_READ:
        return fs_op_read(s, cl, c, req);
    case FS_OP_WRITE:
        return fs_op_write(s, cl, c, req, cpl);
    case FS_OP_READDIR:
        return fs_op_readdir(s, cl, c, req, cpl);
    case FS_OP_FSTAT:
        return fs_op_fstat(s, cl, c, req);
    case FS_OP_FTRUNCATE:
        return fs_op_ftruncate(s, cl, req);
    case FS_OP_FSYNC:
    case FS_OP_FDATASYNC:
        return fs_op_fsync(s, cl, req);
    case FS_OP_STAT:
    case FS_OP_LSTAT:
    case FS_OP_MKDIR:
    case FS_OP_RMDIR:
    case FS_OP_UNLINK:
    case FS_OP_RENAME:
    case FS_OP_LINK:
    case FS_OP_SYMLINK:
    case FS_OP_READLINK:
    case FS_OP_TRUNCATE:
    case FS_OP_SYNC:
    case FS_OP_STATFS:
    case FS_OP_ACCESS:
    case FS_OP_CHMOD:
        return fs_op_path(s, c, req, cpl);
    default:
        return CHIME_ENOSYS;
    }
}
