/* Inodes: locating them in the inode tables, loading and storing their
 * 128-byte core, and the helpers that interpret its fields. */
#include <string.h>

#include "ext2_priv.h"

/* Find the table block and byte offset of inode ino. */
static int inode_locate(struct ext2_fs *fs, uint32_t ino, uint32_t *blk, uint32_t *off)
{
    if (unlikely(ino == 0 || ino > fs->sb.s_inodes_count))
        return ext2_fail(fs, EXT2_ECORRUPT, "inode number %u out of range", ino);
    uint32_t group = (ino - 1) / fs->sb.s_inodes_per_group;
    uint32_t index = (ino - 1) % fs->sb.s_inodes_per_group;
    uint64_t byte = (uint64_t)index * fs->inode_size;
    *blk = ext2_group(fs, group)->bg_inode_table + (uint32_t)(byte / fs->block_size);
    *off = (uint32_t)(byte % fs->block_size);
    return 0;
}

/* Copy inode ino's core into out. */
int inode_load(struct ext2_fs *fs, uint32_t ino, struct ext2_ino *out)
{
    uint32_t blk, off;
    struct ext2_buf *b;
    int err = inode_locate(fs, ino, &blk, &off);
    if (!err)
        err = cache_get(fs, blk, &b);
    if (err)
        return err;
    memcpy(&out->raw, b->data + off, sizeof(out->raw));
    cache_put(b);
    out->ino = ino;
    return 0;
}

/* Pin the table block of inode ino and point *raw at the inode in it,
 * for a look without a copy; release with cache_put(*b). */
int inode_peek(struct ext2_fs *fs, uint32_t ino, struct ext2_buf **b, const struct ext2_inode **raw)
{
    uint32_t blk, off;
    int err = inode_locate(fs, ino, &blk, &off);
    if (!err)
        err = cache_get(fs, blk, b);
    if (err)
        return err;
    *raw = (const struct ext2_inode *)((*b)->data + off);
    return 0;
}

/* Write in's core back to its table block (in the cache). */
int inode_store(struct ext2_fs *fs, const struct ext2_ino *in)
{
    uint32_t blk, off;
    struct ext2_buf *b;
    int err = inode_locate(fs, in->ino, &blk, &off);
    if (!err)
        err = cache_get(fs, blk, &b);
    if (err)
        return err;
    memcpy(b->data + off, &in->raw, sizeof(in->raw));
    cache_dirty(b);
    cache_put(b);
    return 0;
}

/* Initialise a freshly allocated inode: the whole on-disk inode (extra
 * fields included) is zeroed, then mode, owner, times and generation set.
 * Links start at 0; the caller adds them. */
int inode_init_new(struct ext2_fs *fs, uint32_t ino, uint16_t mode, struct ext2_ino *out)
{
    uint32_t blk, off;
    struct ext2_buf *b;
    int err = inode_locate(fs, ino, &blk, &off);
    if (!err)
        err = cache_get(fs, blk, &b);
    if (err)
        return err;
    memset(b->data + off, 0, fs->inode_size);
    cache_dirty(b);
    cache_put(b);
    memset(out, 0, sizeof(*out));
    out->ino = ino;
    uint32_t now = ext2_now(fs);
    out->raw.i_mode = mode;
    out->raw.i_uid = (uint16_t)fs->opts.uid;
    out->raw.i_uid_high = (uint16_t)(fs->opts.uid >> 16);
    out->raw.i_gid = (uint16_t)fs->opts.gid;
    out->raw.i_gid_high = (uint16_t)(fs->opts.gid >> 16);
    out->raw.i_atime = out->raw.i_ctime = out->raw.i_mtime = now;
    out->raw.i_generation = fs->generation++;
    return 0;
}

int inode_is_dir(const struct ext2_inode *raw)
{
    return (raw->i_mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
}

/* Size in bytes; the high word counts only for regular files. */
uint64_t inode_size(const struct ext2_inode *raw)
{
    uint64_t size = raw->i_size;
    if ((raw->i_mode & EXT2_S_IFMT) == EXT2_S_IFREG)
        size |= (uint64_t)raw->i_size_high << 32;
    return size;
}

/* Set the size, turning on large_file when a file first passes 2 GiB. */
int inode_set_size(struct ext2_fs *fs, struct ext2_inode *raw, uint64_t size)
{
    if (size > 0x7fffffffu) {
        if ((raw->i_mode & EXT2_S_IFMT) != EXT2_S_IFREG || fs->sb.s_rev_level == 0)
            return EXT2_EFBIG;
        if (!(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
            fs->sb.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
            fs->sb_dirty = 1;
        }
    }
    raw->i_size = (uint32_t)size;
    if ((raw->i_mode & EXT2_S_IFMT) == EXT2_S_IFREG)
        raw->i_size_high = (uint32_t)(size >> 32);
    return 0;
}

/* A fast symlink keeps its target in i_block and owns no data block. */
int inode_is_fast_symlink(const struct ext2_fs *fs, const struct ext2_inode *raw)
{
    if ((raw->i_mode & EXT2_S_IFMT) != EXT2_S_IFLNK)
        return 0;
    uint32_t xattr = raw->i_file_acl ? fs->block_size / EXT2_SECTOR_SIZE : 0;
    return raw->i_blocks == xattr;
}

uint8_t inode_ftype(const struct ext2_inode *raw)
{
    switch (raw->i_mode & EXT2_S_IFMT) {
    case EXT2_S_IFREG:
        return EXT2_FT_REG_FILE;
    case EXT2_S_IFDIR:
        return EXT2_FT_DIR;
    case EXT2_S_IFLNK:
        return EXT2_FT_SYMLINK;
    case EXT2_S_IFCHR:
        return EXT2_FT_CHRDEV;
    case EXT2_S_IFBLK:
        return EXT2_FT_BLKDEV;
    case EXT2_S_IFIFO:
        return EXT2_FT_FIFO;
    case EXT2_S_IFSOCK:
        return EXT2_FT_SOCK;
    default:
        return EXT2_FT_UNKNOWN;
    }
}

/* Account delta blocks (positive or negative) in i_blocks' 512-byte units. */
void inode_add_blocks(struct ext2_fs *fs, struct ext2_inode *raw, int delta)
{
    raw->i_blocks += (uint32_t)(delta * (int)(fs->block_size / EXT2_SECTOR_SIZE));
}

/* Largest file size: what the indirect tree can address, capped at 1 TiB
 * so i_blocks (32 bits of 512-byte units) cannot overflow. */
uint64_t inode_max_size(const struct ext2_fs *fs)
{
    uint64_t p = fs->ptrs_per_block;
    uint64_t blocks = EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
    uint64_t bytes = blocks * fs->block_size;
    uint64_t cap = 1ull << 40;
    return bytes < cap ? bytes : cap;
}
