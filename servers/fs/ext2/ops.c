/* The library's public operations (ext2.h): each checks its arguments,
 * loads the inodes it needs, and composes path, dir, file and alloc steps.
 *
 * Rule for inode copies: an operation holds at most one struct ext2_ino per
 * inode and stores that copy, so no stale copy overwrites a newer one. */
#include <string.h>

#include "ext2_priv.h"

static int load_type(struct ext2_fs *fs, uint32_t ino, uint32_t type, struct ext2_ino *in)
{
    int err = inode_load(fs, ino, in);
    if (err)
        return err;
    uint32_t t = in->raw.i_mode & EXT2_S_IFMT;
    if (t == type)
        return 0;
    if (type == EXT2_S_IFDIR)
        return EXT2_ENOTDIR;
    return t == EXT2_S_IFDIR ? EXT2_EISDIR : EXT2_EINVAL;
}

int ext2_lookup(struct ext2_fs *fs, const char *path, int follow_last, uint32_t *ino)
{
    return path_resolve(fs, path, follow_last, ino);
}

uint32_t ext2_names_gen(const struct ext2_fs *fs)
{
    return fs->dcache_gen;
}

int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st)
{
    struct ext2_buf *b;
    const struct ext2_inode *raw;
    int err = inode_peek(fs, ino, &b, &raw); /* no copy of the inode */
    if (err)
        return err;
    st->ino = ino;
    st->mode = raw->i_mode;
    st->uid = raw->i_uid | (uint32_t)raw->i_uid_high << 16;
    st->gid = raw->i_gid | (uint32_t)raw->i_gid_high << 16;
    st->nlink = raw->i_links_count;
    st->size = inode_size(raw);
    st->blocks = raw->i_blocks;
    st->atime = raw->i_atime;
    st->mtime = raw->i_mtime;
    st->ctime = raw->i_ctime;
    cache_put(b);
    return 0;
}

long ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, size_t len)
{
    struct ext2_ino in;
    int err = load_type(fs, ino, EXT2_S_IFREG, &in);
    if (err)
        return err;
    return file_read(fs, &in, off, buf, len);
}

long ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, size_t len)
{
    if (fs->read_only)
        return EXT2_EROFS;
    struct ext2_ino in;
    int err = load_type(fs, ino, EXT2_S_IFREG, &in);
    if (err)
        return err;
    if (len == 0)
        return 0;
    return file_write(fs, &in, off, buf, len);
}

int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size)
{
    if (fs->read_only)
        return EXT2_EROFS;
    struct ext2_ino in;
    int err = load_type(fs, ino, EXT2_S_IFREG, &in);
    if (err)
        return err;
    return file_truncate(fs, &in, size);
}

long ext2_readlink(struct ext2_fs *fs, uint32_t ino, char *buf, size_t len)
{
    struct ext2_ino in;
    int err = load_type(fs, ino, EXT2_S_IFLNK, &in);
    if (err)
        return err;
    return file_readlink(fs, &in, buf, len);
}

int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *cookie, struct ext2_dirent_info *ent)
{
    struct ext2_ino in;
    int err = load_type(fs, dir, EXT2_S_IFDIR, &in);
    if (err)
        return err;
    return dir_next(fs, &in, cookie, ent);
}

int ext2_chmod(struct ext2_fs *fs, uint32_t ino, uint32_t mode)
{
    if (fs->read_only)
        return EXT2_EROFS;
    struct ext2_ino in;
    int err = inode_load(fs, ino, &in);
    if (err)
        return err;
    in.raw.i_mode = (uint16_t)((in.raw.i_mode & EXT2_S_IFMT) | (mode & 07777));
    in.raw.i_ctime = ext2_now(fs);
    return inode_store(fs, &in);
}

/* A parent directory and a new name in it, checked to be absent. */
struct new_entry {
    struct ext2_ino dir;
    char name[EXT2_NAME_MAX + 1];
    uint32_t len;
};

static int prepare_new(struct ext2_fs *fs, const char *path, struct new_entry *ne)
{
    if (fs->read_only)
        return EXT2_EROFS;
    uint32_t dir, ino;
    int err = path_parent(fs, path, &dir, ne->name, &ne->len);
    if (!err)
        err = load_type(fs, dir, EXT2_S_IFDIR, &ne->dir);
    if (err)
        return err;
    if (ne->dir.raw.i_links_count == 0)
        return EXT2_ENOENT; /* a removed directory */
    err = dir_lookup(fs, &ne->dir, ne->name, ne->len, &ino);
    if (err == 0)
        return EXT2_EEXIST;
    return err == EXT2_ENOENT ? 0 : err;
}

/* Allocate and initialise a new inode of the given mode with one link. */
static int new_inode(struct ext2_fs *fs, struct new_entry *ne, uint32_t mode, struct ext2_ino *in)
{
    int is_dir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
    uint32_t ino;
    int err = alloc_inode(fs, ne->dir.ino, is_dir, &ino);
    if (err)
        return err;
    err = inode_init_new(fs, ino, (uint16_t)mode, in);
    if (err)
        return err;
    in->raw.i_links_count = 1;
    if (ne->dir.raw.i_mode & 02000) {
        /* A set-group-ID directory hands its group down, and its set-group-ID
         * bit to subdirectories (System V semantics, as the ext2 driver). */
        in->raw.i_gid = ne->dir.raw.i_gid;
        in->raw.i_gid_high = ne->dir.raw.i_gid_high;
        if (is_dir)
            in->raw.i_mode |= 02000;
    }
    return 0;
}

/* Undo new_inode after a later step failed. */
static void drop_inode(struct ext2_fs *fs, struct ext2_ino *in)
{
    file_release(fs, in);
}

int ext2_create(struct ext2_fs *fs, const char *path, uint32_t mode, uint32_t *ino)
{
    struct new_entry ne;
    struct ext2_ino in;
    int err = prepare_new(fs, path, &ne);
    if (!err)
        err = new_inode(fs, &ne, EXT2_S_IFREG | (mode & 07777), &in);
    if (err)
        return err;
    err = inode_store(fs, &in);
    if (!err)
        err = dir_add(fs, &ne.dir, ne.name, ne.len, in.ino, EXT2_FT_REG_FILE);
    if (err) {
        drop_inode(fs, &in);
        return err;
    }
    if (ino)
        *ino = in.ino;
    return 0;
}

int ext2_mkdir(struct ext2_fs *fs, const char *path, uint32_t mode)
{
    struct new_entry ne;
    struct ext2_ino in;
    int err = prepare_new(fs, path, &ne);
    if (err)
        return err;
    if (ne.dir.raw.i_links_count >= EXT2_LINK_MAX)
        return EXT2_EMLINK;
    err = new_inode(fs, &ne, EXT2_S_IFDIR | (mode & 07777), &in);
    if (err)
        return err;
    in.raw.i_links_count = 2;
    err = dir_init(fs, &in, ne.dir.ino);
    if (!err)
        err = inode_store(fs, &in);
    if (!err) {
        ne.dir.raw.i_links_count++;
        err = dir_add(fs, &ne.dir, ne.name, ne.len, in.ino, EXT2_FT_DIR);
        if (err) {
            ne.dir.raw.i_links_count--;
            inode_store(fs, &ne.dir);
        }
    }
    if (err)
        drop_inode(fs, &in);
    return err;
}

/* The last link of in went: free it, or, while it is open, keep it with
 * no links until ext2_release. Stores in. */
static int last_link_gone(struct ext2_fs *fs, struct ext2_ino *in)
{
    if (!fs->opts.is_open || !fs->opts.is_open(fs->opts.open_ctx, in->ino))
        return file_release(fs, in);
    in->raw.i_links_count = 0;
    in->raw.i_ctime = ext2_now(fs);
    return inode_store(fs, in);
}

/* Drop one link of in; when none are left, free it. Stores in. */
static int drop_link(struct ext2_fs *fs, struct ext2_ino *in)
{
    if (inode_is_dir(&in->raw) || in->raw.i_links_count <= 1)
        return last_link_gone(fs, in);
    in->raw.i_links_count--;
    in->raw.i_ctime = ext2_now(fs);
    return inode_store(fs, in);
}

int ext2_release(struct ext2_fs *fs, uint32_t ino)
{
    struct ext2_ino in;
    int err = inode_load(fs, ino, &in);
    if (err)
        return err;
    if (in.raw.i_links_count != 0 || in.raw.i_dtime != 0 || in.raw.i_mode == 0)
        return 0;
    err = file_release(fs, &in);
    return err ? err : 1;
}

/* An existing entry: its directory, name and inode. */
struct old_entry {
    struct ext2_ino dir;
    char name[EXT2_NAME_MAX + 1];
    uint32_t len;
    struct ext2_ino in;
};

static int find_old(struct ext2_fs *fs, const char *path, struct old_entry *oe)
{
    if (fs->read_only)
        return EXT2_EROFS;
    uint32_t dir = 0, ino = 0;
    int err = path_parent(fs, path, &dir, oe->name, &oe->len);
    if (!err)
        err = load_type(fs, dir, EXT2_S_IFDIR, &oe->dir);
    if (!err)
        err = dir_lookup(fs, &oe->dir, oe->name, oe->len, &ino);
    if (!err)
        err = inode_load(fs, ino, &oe->in);
    if (!err && ino == dir)
        err = ext2_fail(fs, EXT2_ECORRUPT, "directory %u names itself", dir);
    return err;
}

int ext2_unlink(struct ext2_fs *fs, const char *path)
{
    struct old_entry oe;
    int err = find_old(fs, path, &oe);
    if (err)
        return err;
    if (inode_is_dir(&oe.in.raw))
        return EXT2_EISDIR;
    err = dir_remove(fs, &oe.dir, oe.name, oe.len);
    if (err)
        return err;
    return drop_link(fs, &oe.in);
}

int ext2_rmdir(struct ext2_fs *fs, const char *path)
{
    struct old_entry oe;
    int err = find_old(fs, path, &oe);
    if (err)
        return err;
    if (!inode_is_dir(&oe.in.raw))
        return EXT2_ENOTDIR;
    if (oe.in.ino == EXT2_ROOT_INO)
        return EXT2_EBUSY;
    err = dir_is_empty(fs, &oe.in);
    if (err <= 0)
        return err ? err : EXT2_ENOTEMPTY;
    if (oe.dir.raw.i_links_count > 2)
        oe.dir.raw.i_links_count--;
    err = dir_remove(fs, &oe.dir, oe.name, oe.len);
    if (err)
        return err;
    return last_link_gone(fs, &oe.in);
}

int ext2_link(struct ext2_fs *fs, const char *existing, const char *newpath)
{
    uint32_t ino;
    struct ext2_ino in;
    struct new_entry ne;
    if (fs->read_only)
        return EXT2_EROFS;
    int err = path_resolve(fs, existing, 0, &ino);
    if (!err)
        err = inode_load(fs, ino, &in);
    if (err)
        return err;
    if (inode_is_dir(&in.raw))
        return EXT2_EPERM;
    if (in.raw.i_links_count >= EXT2_LINK_MAX)
        return EXT2_EMLINK;
    err = prepare_new(fs, newpath, &ne);
    if (!err)
        err = dir_add(fs, &ne.dir, ne.name, ne.len, ino, inode_ftype(&in.raw));
    if (err)
        return err;
    in.raw.i_links_count++;
    in.raw.i_ctime = ext2_now(fs);
    return inode_store(fs, &in);
}

int ext2_symlink(struct ext2_fs *fs, const char *target, const char *linkpath)
{
    size_t tlen = strlen(target);
    struct new_entry ne;
    struct ext2_ino in;
    if (tlen == 0)
        return EXT2_ENOENT;
    if (tlen >= fs->block_size || tlen >= EXT2_PATH_MAX)
        return EXT2_ENAMETOOLONG;
    int err = prepare_new(fs, linkpath, &ne);
    if (!err)
        err = new_inode(fs, &ne, EXT2_S_IFLNK | 0777, &in);
    if (err)
        return err;
    if (tlen < sizeof(in.raw.i_block)) {
        memcpy(in.raw.i_block, target, tlen); /* fast symlink */
        in.raw.i_size = (uint32_t)tlen;
        err = inode_store(fs, &in);
    } else {
        long n = file_write(fs, &in, 0, target, tlen); /* slow symlink: one block */
        err = n < 0 ? (int)n : 0;
    }
    if (!err)
        err = dir_add(fs, &ne.dir, ne.name, ne.len, in.ino, EXT2_FT_SYMLINK);
    if (err)
        drop_inode(fs, &in);
    return err;
}

/* EINVAL if directory `dir` is `ancestor` or lies below it. Walks ".."
 * up to the root, with a bound so a corrupt loop cannot hang. */
static int check_not_below(struct ext2_fs *fs, uint32_t dir, uint32_t ancestor)
{
    uint32_t cur = dir;
    for (uint32_t steps = 0; steps < 4096; steps++) {
        if (cur == ancestor)
            return EXT2_EINVAL;
        if (cur == EXT2_ROOT_INO)
            return 0;
        struct ext2_ino in;
        int err = load_type(fs, cur, EXT2_S_IFDIR, &in);
        if (!err)
            err = dir_lookup(fs, &in, "..", 2, &cur);
        if (err)
            return err == EXT2_ENOENT || err == EXT2_ENOTDIR ? EXT2_ECORRUPT : err;
    }
    return ext2_fail(fs, EXT2_ECORRUPT, "directory %u: '..' chain does not reach the root", dir);
}

/* Check that the entry named by `to` may be replaced by the source. */
static int check_replace(struct ext2_fs *fs, const struct ext2_ino *src, struct ext2_ino *dst)
{
    int src_dir = inode_is_dir(&src->raw), dst_dir = inode_is_dir(&dst->raw);
    if (src_dir && !dst_dir)
        return EXT2_ENOTDIR;
    if (!src_dir && dst_dir)
        return EXT2_EISDIR;
    if (dst_dir) {
        int r = dir_is_empty(fs, dst);
        if (r <= 0)
            return r ? r : EXT2_ENOTEMPTY;
    }
    return 0;
}

/* Move the old entry (src) to the place of new entry name in ddir (which
 * may be the same inode copy as oe->dir), replacing dst if has_dst. */
static int rename_apply(struct ext2_fs *fs, struct old_entry *oe, struct ext2_ino *ddir,
                        const char *name, uint32_t len, struct ext2_ino *dst, int has_dst)
{
    int src_dir = inode_is_dir(&oe->in.raw);
    uint8_t ftype = inode_ftype(&oe->in.raw);
    int err = has_dst ? dir_retarget(fs, ddir, name, len, oe->in.ino, ftype)
                      : dir_add(fs, ddir, name, len, oe->in.ino, ftype);
    if (!err)
        err = dir_remove(fs, &oe->dir, oe->name, oe->len);
    if (err)
        return err;
    if (src_dir && ddir != &oe->dir) {
        err = dir_retarget(fs, &oe->in, "..", 2, ddir->ino, EXT2_FT_DIR);
        oe->dir.raw.i_links_count--;
        ddir->raw.i_links_count++;
    }
    if (!err && has_dst && inode_is_dir(&dst->raw))
        ddir->raw.i_links_count--;
    oe->in.raw.i_ctime = ext2_now(fs);
    if (!err)
        err = inode_store(fs, &oe->in);
    if (!err)
        err = inode_store(fs, &oe->dir);
    if (!err && ddir != &oe->dir)
        err = inode_store(fs, ddir);
    if (!err && has_dst)
        err = drop_link(fs, dst);
    return err;
}

int ext2_rename(struct ext2_fs *fs, const char *from, const char *to)
{
    struct old_entry oe;
    struct new_entry ne;
    struct ext2_ino dst;
    uint32_t dino;
    int err = find_old(fs, from, &oe);
    if (!err)
        err = path_parent(fs, to, &ne.dir.ino, ne.name, &ne.len);
    if (err)
        return err;
    struct ext2_ino *ddir = &oe.dir;
    if (ne.dir.ino != oe.dir.ino) {
        ddir = &ne.dir;
        err = load_type(fs, ne.dir.ino, EXT2_S_IFDIR, ddir);
        if (!err && inode_is_dir(&oe.in.raw))
            err = check_not_below(fs, ddir->ino, oe.in.ino);
        if (!err && inode_is_dir(&oe.in.raw) && ddir->raw.i_links_count >= EXT2_LINK_MAX)
            err = EXT2_EMLINK;
        if (err)
            return err;
    }
    err = dir_lookup(fs, ddir, ne.name, ne.len, &dino);
    int has_dst = err == 0;
    if (err && err != EXT2_ENOENT)
        return err;
    if (has_dst) {
        if (dino == oe.in.ino)
            return 0;
        err = inode_load(fs, dino, &dst);
        /* A directory that holds the source (however deep) or the new
         * name is not empty, whatever the types: checked first, as Linux. */
        if (!err && dino == ddir->ino)
            err = EXT2_ENOTEMPTY;
        if (!err && inode_is_dir(&dst.raw)) {
            err = check_not_below(fs, oe.dir.ino, dino);
            if (err == EXT2_EINVAL)
                err = EXT2_ENOTEMPTY;
        }
        if (!err)
            err = check_replace(fs, &oe.in, &dst);
        if (err)
            return err;
    }
    return rename_apply(fs, &oe, ddir, ne.name, ne.len, &dst, has_dst);
}
