/* Mounting: superblock and group descriptor validation, feature policy,
 * sync and unmount, and the bounds-checked device I/O everything else uses. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext2_priv.h"

/* A named feature bit, for error messages. */
struct feature_name {
    uint32_t bit;
    const char *name;
};

static const struct feature_name incompat_names[] = {
    {0x0001, "compression"}, {0x0002, "filetype"},    {0x0004, "needs_recovery"},
    {0x0008, "journal_dev"}, {0x0010, "meta_bg"},     {0x0040, "extent"},
    {0x0080, "64bit"},       {0x0100, "mmp"},         {0x0200, "flex_bg"},
    {0x0400, "ea_inode"},    {0x1000, "dirdata"},     {0x2000, "metadata_csum_seed"},
    {0x4000, "large_dir"},   {0x8000, "inline_data"}, {0x10000, "encrypt"},
    {0x20000, "casefold"},
};

static const struct feature_name ro_compat_names[] = {
    {0x0001, "sparse_super"}, {0x0002, "large_file"},      {0x0004, "btree_dir"},
    {0x0008, "huge_file"},    {0x0010, "uninit_bg"},       {0x0020, "dir_nlink"},
    {0x0040, "extra_isize"},  {0x0080, "snapshot"},        {0x0100, "quota"},
    {0x0200, "bigalloc"},     {0x0400, "metadata_csum"},   {0x0800, "replica"},
    {0x1000, "read-only"},    {0x2000, "project"},         {0x4000, "shared_blocks"},
    {0x8000, "verity"},       {0x10000, "orphan_present"},
};

#define INCOMPAT_SUPPORTED (EXT2_FEATURE_INCOMPAT_FILETYPE | EXT2_FEATURE_INCOMPAT_FLEX_BG)
#define RO_COMPAT_SUPPORTED                                                                        \
    (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* Record a message for err in fs->errmsg and return err. */
int ext2_fail(struct ext2_fs *fs, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fs->errmsg, sizeof(fs->errmsg), fmt, ap);
    va_end(ap);
    return err;
}

const char *ext2_strerror(int err)
{
    switch (err) {
    case EXT2_OK:
        return "success";
    case EXT2_EINVAL:
        return "invalid argument";
    case EXT2_ENOMEM:
        return "out of memory";
    case EXT2_EPERM:
        return "operation not permitted";
    case EXT2_ENOENT:
        return "no such file or directory";
    case EXT2_EEXIST:
        return "file exists";
    case EXT2_EBUSY:
        return "resource busy";
    case EXT2_ERANGE:
        return "result out of range";
    case EXT2_ENOTSUP:
        return "not supported";
    case EXT2_EIO:
        return "input/output error";
    case EXT2_ECORRUPT:
        return "file system corrupt";
    case EXT2_ENOTDIR:
        return "not a directory";
    case EXT2_EISDIR:
        return "is a directory";
    case EXT2_ENOTEMPTY:
        return "directory not empty";
    case EXT2_ENOSPC:
        return "no space left on device";
    case EXT2_ENAMETOOLONG:
        return "file name too long";
    case EXT2_EROFS:
        return "read-only file system";
    case EXT2_EFBIG:
        return "file too large";
    case EXT2_EMLINK:
        return "too many links";
    case EXT2_ELOOP:
        return "too many levels of symbolic links";
    default:
        return "unknown error";
    }
}

/* Nonzero if blk may hold file data or an indirect block: past the block
 * holding the superblock and inside the file system. */
int ext2_block_valid(const struct ext2_fs *fs, uint32_t blk)
{
    return blk > fs->sb.s_first_data_block && blk < fs->sb.s_blocks_count;
}

/* The only path to the device: refuses any range outside the file system
 * or outside the device. */
static int dev_check(struct ext2_fs *fs, uint32_t blk, uint32_t count)
{
    uint64_t end = (uint64_t)blk + count;
    if (unlikely(count == 0 || end > fs->sb.s_blocks_count))
        return ext2_fail(fs, EXT2_ECORRUPT, "block %u+%u outside the file system", blk, count);
    if (end * fs->sectors_per_block > fs->dev.sectors)
        return ext2_fail(fs, EXT2_ECORRUPT, "block %u+%u outside the device", blk, count);
    return 0;
}

int ext2_dev_read(struct ext2_fs *fs, uint32_t blk, uint32_t count, void *buf)
{
    int err = dev_check(fs, blk, count);
    if (err)
        return err;
    if (fs->dev.read(fs->dev.ctx, (uint64_t)blk * fs->sectors_per_block,
                     count * fs->sectors_per_block, buf))
        return ext2_fail(fs, EXT2_EIO, "device read of block %u failed", blk);
    return 0;
}

int ext2_dev_write(struct ext2_fs *fs, uint32_t blk, uint32_t count, const void *buf)
{
    int err = dev_check(fs, blk, count);
    if (err)
        return err;
    if (fs->dev.write(fs->dev.ctx, (uint64_t)blk * fs->sectors_per_block,
                      count * fs->sectors_per_block, buf))
        return ext2_fail(fs, EXT2_EIO, "device write of block %u failed", blk);
    return 0;
}

struct ext2_group_desc *ext2_group(struct ext2_fs *fs, uint32_t group)
{
    return (struct ext2_group_desc *)(fs->gdt + (size_t)group * sizeof(struct ext2_group_desc));
}

/* The time for timestamps: the caller's clock, or without one the latest
 * time the superblock records (so times never read as 1970). */
uint32_t ext2_now(struct ext2_fs *fs)
{
    if (fs->opts.now)
        return fs->opts.now(fs->opts.now_ctx);
    return fs->clock_base;
}

int ext2_has_filetype(const struct ext2_fs *fs)
{
    return fs->sb.s_rev_level >= 1 && (fs->sb.s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
}

/* Name the lowest bit of mask in table, for an error message. */
static const char *feature_name(const struct feature_name *table, size_t n, uint32_t mask,
                                char *tmp, size_t tmplen)
{
    uint32_t bit = mask & -mask;
    for (size_t i = 0; i < n; i++)
        if (table[i].bit == bit)
            return table[i].name;
    snprintf(tmp, tmplen, "unknown feature 0x%x", bit);
    return tmp;
}

/* Apply the feature policy: unknown incompat refuses, unknown ro_compat
 * forces a read-only mount. */
static int super_check_features(struct ext2_fs *fs)
{
    char tmp[40];
    if (fs->sb.s_rev_level == 0)
        return 0;
    uint32_t bad = fs->sb.s_feature_incompat & ~INCOMPAT_SUPPORTED;
    if (bad)
        return ext2_fail(fs, EXT2_ENOTSUP, "unsupported incompatible feature: %s",
                         feature_name(incompat_names,
                                      sizeof(incompat_names) / sizeof(incompat_names[0]), bad, tmp,
                                      sizeof(tmp)));
    bad = fs->sb.s_feature_ro_compat & ~RO_COMPAT_SUPPORTED;
    if (bad && !fs->read_only) {
        ext2_fail(fs, 0, "read-only: unsupported ro_compat feature: %s",
                  feature_name(ro_compat_names,
                               sizeof(ro_compat_names) / sizeof(ro_compat_names[0]), bad, tmp,
                               sizeof(tmp)));
        fs->read_only = 1;
        fs->flags |= EXT2_MOUNT_RO_FORCED;
    }
    return 0;
}

/* Check the superblock's geometry and derive the in-memory parameters. */
static int super_validate(struct ext2_fs *fs)
{
    struct ext2_super *sb = &fs->sb;
    if (sb->s_magic != EXT2_MAGIC)
        return ext2_fail(fs, EXT2_EINVAL, "bad magic 0x%04x: not an ext2 file system", sb->s_magic);
    if (sb->s_rev_level > 1)
        return ext2_fail(fs, EXT2_ENOTSUP, "unsupported revision %u", sb->s_rev_level);
    if (sb->s_log_block_size > 2)
        return ext2_fail(fs, EXT2_ENOTSUP, "unsupported block size 2^%u KiB", sb->s_log_block_size);
    fs->block_size = 1024u << sb->s_log_block_size;
    fs->sectors_per_block = fs->block_size / EXT2_SECTOR_SIZE;
    fs->ptrs_per_block = fs->block_size / 4;
    if (sb->s_first_data_block != (fs->block_size == 1024 ? 1u : 0u))
        return ext2_fail(fs, EXT2_ECORRUPT, "bad first data block %u", sb->s_first_data_block);
    if (sb->s_blocks_per_group < 8 || sb->s_blocks_per_group > 8 * fs->block_size ||
        sb->s_inodes_per_group == 0 || sb->s_inodes_per_group > 8 * fs->block_size)
        return ext2_fail(fs, EXT2_ECORRUPT, "bad group geometry");
    if (sb->s_blocks_count <= sb->s_first_data_block + 2)
        return ext2_fail(fs, EXT2_ECORRUPT, "bad block count %u", sb->s_blocks_count);
    fs->ngroups = (sb->s_blocks_count - sb->s_first_data_block + sb->s_blocks_per_group - 1) /
                  sb->s_blocks_per_group;
    if ((uint64_t)fs->ngroups * sb->s_inodes_per_group != sb->s_inodes_count)
        return ext2_fail(fs, EXT2_ECORRUPT, "inode count %u does not match %u groups",
                         sb->s_inodes_count, fs->ngroups);
    if (sb->s_rev_level == 0) {
        fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
        fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
    } else {
        fs->inode_size = sb->s_inode_size;
        fs->first_ino = sb->s_first_ino;
    }
    if (fs->inode_size < 128 || fs->inode_size > fs->block_size ||
        (fs->inode_size & (fs->inode_size - 1)))
        return ext2_fail(fs, EXT2_ECORRUPT, "bad inode size %u", fs->inode_size);
    if (fs->first_ino <= EXT2_ROOT_INO || fs->first_ino >= sb->s_inodes_count)
        return ext2_fail(fs, EXT2_ECORRUPT, "bad first inode %u", fs->first_ino);
    fs->inode_table_blocks =
        (uint32_t)(((uint64_t)sb->s_inodes_per_group * fs->inode_size + fs->block_size - 1) /
                   fs->block_size);
    fs->gdt_blocks =
        (uint32_t)(((uint64_t)fs->ngroups * sizeof(struct ext2_group_desc) + fs->block_size - 1) /
                   fs->block_size);
    if ((uint64_t)sb->s_first_data_block + 1 + fs->gdt_blocks > sb->s_blocks_count)
        return ext2_fail(fs, EXT2_ECORRUPT, "group descriptors past the end");
    if ((uint64_t)sb->s_blocks_count * fs->sectors_per_block > fs->dev.sectors)
        return ext2_fail(fs, EXT2_EINVAL, "device (%llu sectors) smaller than the file system",
                         (unsigned long long)fs->dev.sectors);
    return 0;
}

/* Blocks in group g (the last group may be short). */
uint32_t ext2_group_blocks(const struct ext2_fs *fs, uint32_t g)
{
    uint32_t start = fs->sb.s_first_data_block + g * fs->sb.s_blocks_per_group;
    uint32_t left = fs->sb.s_blocks_count - start;
    return left < fs->sb.s_blocks_per_group ? left : fs->sb.s_blocks_per_group;
}

/* Check every group descriptor's metadata locations and counters, and
 * recompute the superblock's free totals from them. */
static int super_validate_groups(struct ext2_fs *fs)
{
    uint64_t free_blocks = 0, free_inodes = 0;
    for (uint32_t g = 0; g < fs->ngroups; g++) {
        const struct ext2_group_desc *gd = ext2_group(fs, g);
        if (!ext2_block_valid(fs, gd->bg_block_bitmap) ||
            !ext2_block_valid(fs, gd->bg_inode_bitmap) ||
            !ext2_block_valid(fs, gd->bg_inode_table) ||
            (uint64_t)gd->bg_inode_table + fs->inode_table_blocks > fs->sb.s_blocks_count)
            return ext2_fail(fs, EXT2_ECORRUPT, "group %u: metadata block out of range", g);
        if (gd->bg_free_blocks_count > ext2_group_blocks(fs, g) ||
            gd->bg_free_inodes_count > fs->sb.s_inodes_per_group ||
            gd->bg_used_dirs_count > fs->sb.s_inodes_per_group)
            return ext2_fail(fs, EXT2_ECORRUPT, "group %u: bad counters", g);
        free_blocks += gd->bg_free_blocks_count;
        free_inodes += gd->bg_free_inodes_count;
    }
    fs->sb.s_free_blocks_count = (uint32_t)free_blocks;
    fs->sb.s_free_inodes_count = (uint32_t)free_inodes;
    return 0;
}

/* Read and check the primary superblock and the group descriptor table. */
static int super_load(struct ext2_fs *fs)
{
    if (fs->dev.sectors < 4)
        return ext2_fail(fs, EXT2_EINVAL, "device too small for a superblock");
    if (fs->dev.read(fs->dev.ctx, EXT2_SUPER_OFFSET / EXT2_SECTOR_SIZE,
                     EXT2_SUPER_SIZE / EXT2_SECTOR_SIZE, &fs->sb))
        return ext2_fail(fs, EXT2_EIO, "cannot read the superblock");
    int err = super_validate(fs);
    if (err)
        return err;
    err = super_check_features(fs);
    if (err)
        return err;
    fs->gdt = malloc((size_t)fs->gdt_blocks * fs->block_size);
    if (!fs->gdt)
        return ext2_fail(fs, EXT2_ENOMEM, "no memory for group descriptors");
    err = ext2_dev_read(fs, fs->sb.s_first_data_block + 1, fs->gdt_blocks, fs->gdt);
    if (err)
        return err;
    return super_validate_groups(fs);
}

/* Check that the root inode is a directory. */
static int super_check_root(struct ext2_fs *fs)
{
    struct ext2_ino root;
    int err = inode_load(fs, EXT2_ROOT_INO, &root);
    if (err)
        return err;
    if (!inode_is_dir(&root.raw) || root.raw.i_links_count == 0)
        return ext2_fail(fs, EXT2_ECORRUPT, "root inode is not a directory");
    return 0;
}

static void fs_free(struct ext2_fs *fs)
{
    cache_destroy(fs);
    free(fs->gdt);
    free(fs);
}

/* Write the superblock (and with it the clean/dirty state) to the device. */
static int super_write(struct ext2_fs *fs)
{
    fs->sb.s_wtime = ext2_now(fs);
    if (fs->dev.write(fs->dev.ctx, EXT2_SUPER_OFFSET / EXT2_SECTOR_SIZE,
                      EXT2_SUPER_SIZE / EXT2_SECTOR_SIZE, &fs->sb))
        return ext2_fail(fs, EXT2_EIO, "superblock write failed");
    fs->sb_dirty = 0;
    return 0;
}

int ext2_mount(struct ext2_fs **out, const struct ext2_blockdev *dev,
               const struct ext2_mount_opts *opts, char *errbuf, size_t errlen)
{
    struct ext2_fs *fs = calloc(1, sizeof(*fs));
    if (!fs) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "no memory");
        return EXT2_ENOMEM;
    }
    fs->dev = *dev;
    if (opts)
        fs->opts = *opts;
    fs->read_only = fs->opts.read_only;
    int err = super_load(fs);
    fs->clock_base = fs->sb.s_wtime > fs->sb.s_mtime ? fs->sb.s_wtime : fs->sb.s_mtime;
    if (!err)
        err = cache_init(fs, fs->opts.cache_blocks ? fs->opts.cache_blocks : 256);
    if (!err)
        err = super_check_root(fs);
    if (!err && !fs->read_only) {
        /* Mark the file system in use: a crash before unmount leaves it
         * flagged for a check, as the ext2 driver does. */
        fs->sb.s_state &= (uint16_t)~EXT2_VALID_FS;
        fs->sb.s_mnt_count++;
        fs->sb.s_mtime = ext2_now(fs);
        fs->generation = fs->sb.s_mtime;
        err = super_write(fs);
    }
    if (err) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "%s", fs->errmsg);
        fs_free(fs);
        return err;
    }
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s", fs->errmsg); /* why it is read-only, if it is */
    *out = fs;
    return 0;
}

int ext2_sync(struct ext2_fs *fs)
{
    if (fs->read_only)
        return 0;
    int err = cache_sync(fs);
    if (err)
        return err;
    if (fs->gdt_dirty) {
        err = ext2_dev_write(fs, fs->sb.s_first_data_block + 1, fs->gdt_blocks, fs->gdt);
        if (err)
            return err;
        fs->gdt_dirty = 0;
    }
    err = super_write(fs);
    if (err)
        return err;
    if (fs->dev.flush && fs->dev.flush(fs->dev.ctx))
        return ext2_fail(fs, EXT2_EIO, "device flush failed");
    return 0;
}

int ext2_unmount(struct ext2_fs *fs)
{
    int err = 0;
    if (!fs->read_only) {
        fs->sb.s_state |= EXT2_VALID_FS;
        err = ext2_sync(fs);
    }
    fs_free(fs);
    return err;
}

const char *ext2_errmsg(const struct ext2_fs *fs)
{
    return fs->errmsg;
}

int ext2_fs_flags(const struct ext2_fs *fs)
{
    return fs->flags;
}

int ext2_is_read_only(const struct ext2_fs *fs)
{
    return fs->read_only;
}

void ext2_get_counters(const struct ext2_fs *fs, struct ext2_counters *out)
{
    *out = fs->counters;
}

void ext2_cache_memory(const struct ext2_fs *fs, void **base, size_t *len)
{
    *base = fs->cache.mem;
    *len = (size_t)fs->cache.nbufs * fs->block_size;
}

int ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *out)
{
    out->block_size = fs->block_size;
    out->blocks = fs->sb.s_blocks_count;
    out->free_blocks = fs->sb.s_free_blocks_count;
    out->reserved_blocks = fs->sb.s_r_blocks_count;
    out->inodes = fs->sb.s_inodes_count;
    out->free_inodes = fs->sb.s_free_inodes_count;
    return 0;
}
