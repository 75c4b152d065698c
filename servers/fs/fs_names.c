/* The fs server's requests by path: STAT, LSTAT, MKDIR, RMDIR, UNLINK,
 * RENAME, LINK, SYMLINK, READLINK, TRUNCATE, ACCESS, CHMOD, and the two
 * without a path, SYNC and STATFS (proto/fs.h). Each copies its paths out
 * of the data area once, checks them, and calls the ext2 library, which
 * resolves ".", ".." and symlinks (one home for the path rules:
 * servers/fs/ext2/path.c). */
#include <string.h>

#include <chime/errno.h>

#include "fs_server.h"

/* How many paths an opcode carries (0, 1 or 2). */
static int op_paths(uint16_t op)
{
    switch (op) {
    case FS_OP_SYNC:
    case FS_OP_STATFS:
        return 0;
    case FS_OP_RENAME:
    case FS_OP_LINK:
    case FS_OP_SYMLINK:
        return 2;
    default:
        return 1;
    }
}

static long op_stat(struct fs_server *s, struct ipc_sconn *c, const struct ipc_slot *req,
                    int follow)
{
    struct fs_stat st;
    uint32_t ino;
    long r = fs_lookup(s, 0, follow, &ino);

    if (r == 0)
        r = fs_stat_ino(s, ino, &st);
    if (r < 0)
        return fs_result(s, r);
    return fs_put_output(c, req->arg, &st, sizeof(st));
}

static long op_readlink(struct fs_server *s, struct ipc_sconn *c, const struct ipc_slot *req)
{
    uint32_t ino;
    long r;

    if (!ipc_sconn_data(c, req->arg, req->aux))
        return CHIME_EFAULT;
    r = fs_lookup(s, 0, 0, &ino);
    if (r == 0)
        r = ext2_readlink(s->fs, ino, s->link, sizeof(s->link));
    if (r == CHIME_EISDIR)
        r = CHIME_EINVAL; /* not a symlink, whatever it is */
    if (r < 0)
        return fs_result(s, r);
    uint64_t n = (uint64_t)r < req->aux ? (uint64_t)r : req->aux;
    if (fs_put_output(c, req->arg, s->link, n) < 0)
        return CHIME_EFAULT;
    return (long)n;
}

static long op_truncate(struct fs_server *s, const struct ipc_slot *req)
{
    uint32_t ino;
    long r;

    if (req->offset > INT64_MAX)
        return CHIME_EINVAL;
    r = fs_lookup(s, 0, 1, &ino);
    if (r == 0)
        r = ext2_truncate(s->fs, ino, req->offset);
    return fs_result(s, r);
}

static long op_access(struct fs_server *s, const struct ipc_slot *req)
{
    uint32_t ino;
    long r;

    if (req->aux & ~(FS_R_OK | FS_W_OK | FS_X_OK))
        return CHIME_EINVAL;
    r = fs_lookup(s, 0, 1, &ino);
    if (r < 0)
        return fs_result(s, r);
    if ((req->aux & FS_W_OK) && ext2_is_read_only(s->fs))
        return CHIME_EROFS;
    return 0;
}

static long op_chmod(struct fs_server *s, const struct ipc_slot *req)
{
    uint32_t ino;
    long r;

    if (req->arg > 07777)
        return CHIME_EINVAL;
    r = fs_lookup(s, 0, 1, &ino);
    if (r == 0)
        r = ext2_chmod(s->fs, ino, (uint32_t)req->arg);
    return fs_result(s, r);
}

static long op_statfs(struct fs_server *s, struct ipc_sconn *c, const struct ipc_slot *req)
{
    struct ext2_statfs sf;
    struct fs_statfs out;

    ext2_statfs(s->fs, &sf);
    memset(&out, 0, sizeof(out));
    out.blocks = sf.blocks;
    out.bfree = sf.free_blocks;
    out.bavail = sf.free_blocks > sf.reserved_blocks ? sf.free_blocks - sf.reserved_blocks : 0;
    out.files = sf.inodes;
    out.ffree = sf.free_inodes;
    out.bsize = sf.block_size;
    out.namemax = FS_NAME_MAX;
    out.flags = ext2_is_read_only(s->fs) ? FS_ST_RDONLY : 0;
    return fs_put_output(c, req->arg, &out, sizeof(out));
}

long fs_op_path(struct fs_server *s, struct ipc_sconn *c, const struct ipc_slot *req,
                struct ipc_slot *cpl)
{
    int npaths = op_paths(req->opcode);
    long r = 0;

    if (npaths > 0)
        r = fs_copy_paths(s, c, req, npaths);
    /* A symlink's target is stored as it is, not resolved: only its link
     * path is checked. */
    if (r == 0 && npaths > 0 && req->opcode != FS_OP_SYMLINK)
        r = fs_check_trailing_slash(s, 0);
    if (r == 0 && npaths == 2)
        r = fs_check_trailing_slash(s, 1);
    if (r < 0)
        return r;
    const char *p0 = s->path[0], *p1 = s->path[1];
    switch (req->opcode) {
    case FS_OP_STAT:
        return op_stat(s, c, req, 1);
    case FS_OP_LSTAT:
        return op_stat(s, c, req, 0);
    case FS_OP_MKDIR:
        if (req->arg > 07777)
            return CHIME_EINVAL;
        return fs_result(s, ext2_mkdir(s->fs, p0, (uint32_t)req->arg));
    case FS_OP_RMDIR:
        return fs_result(s, ext2_rmdir(s->fs, p0));
    case FS_OP_UNLINK:
        return fs_result(s, ext2_unlink(s->fs, p0));
    case FS_OP_RENAME:
        return fs_result(s, ext2_rename(s->fs, p0, p1));
    case FS_OP_LINK:
        return fs_result(s, ext2_link(s->fs, p0, p1));
    case FS_OP_SYMLINK:
        return fs_result(s, ext2_symlink(s->fs, p0, p1));
    case FS_OP_READLINK:
        return op_readlink(s, c, req);
    case FS_OP_TRUNCATE:
        return op_truncate(s, req);
    case FS_OP_ACCESS:
        return op_access(s, req);
    case FS_OP_CHMOD:
        return op_chmod(s, req);
    case FS_OP_SYNC:
        return fs_result(s, ext2_sync(s->fs));
    case FS_OP_STATFS:
        return op_statfs(s, c, req);
    default:
        (void)cpl;
        return CHIME_ENOSYS;
    }
}
