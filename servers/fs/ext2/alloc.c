/* Allocation of blocks and inodes through the per-group bitmaps, keeping
 * the free counts of the group descriptors and the superblock exact.
 *
 * Block bitmap bit i of group g is block s_first_data_block + g *
 * s_blocks_per_group + i; inode bitmap bit i of group g is inode g *
 * s_inodes_per_group + i + 1. A set bit means in use. */
#include "ext2_priv.h"

/* Find a clear bit in bitmap[from, to); returns its index or -1. */
static long bitmap_find_clear(const uint8_t *bitmap, uint32_t from, uint32_t to)
{
    uint32_t i = from;
    while (i < to) {
        if ((i & 7) == 0 && bitmap[i >> 3] == 0xff) {
            i += 8;
            continue;
        }
        if (!(bitmap[i >> 3] & (1u << (i & 7))))
            return (long)i;
        i++;
    }
    return -1;
}

static int bit_test(const uint8_t *bitmap, uint32_t i)
{
    return (bitmap[i >> 3] >> (i & 7)) & 1;
}

static void bit_flip(uint8_t *bitmap, uint32_t i)
{
    bitmap[i >> 3] ^= (uint8_t)(1u << (i & 7));
}

/* Pin the bitmap block at blk after checking it lies inside the fs. */
static int bitmap_get(struct ext2_fs *fs, uint32_t blk, struct ext2_buf **out)
{
    if (!ext2_block_valid(fs, blk))
        return ext2_fail(fs, EXT2_ECORRUPT, "bitmap block %u out of range", blk);
    return cache_get(fs, blk, out);
}

/* Apply a change of delta free blocks in group g to both counters. */
static void count_blocks(struct ext2_fs *fs, uint32_t g, int delta)
{
    ext2_group(fs, g)->bg_free_blocks_count += (uint16_t)delta;
    fs->sb.s_free_blocks_count += (uint32_t)delta;
    fs->gdt_dirty = fs->sb_dirty = 1;
}

/* Try to take a free block of group g at bit >= from and < to. */
static int alloc_in_group(struct ext2_fs *fs, uint32_t g, uint32_t from, uint32_t to, uint32_t *out)
{
    struct ext2_group_desc *gd = ext2_group(fs, g);
    if (gd->bg_free_blocks_count == 0 || from >= to)
        return EXT2_ENOSPC;
    struct ext2_buf *b;
    int err = bitmap_get(fs, gd->bg_block_bitmap, &b);
    if (err)
        return err;
    long bit = bitmap_find_clear(b->data, from, to);
    if (bit < 0) {
        cache_put(b);
        return EXT2_ENOSPC;
    }
    uint32_t blk = fs->sb.s_first_data_block + g * fs->sb.s_blocks_per_group + (uint32_t)bit;
    if (!ext2_block_valid(fs, blk)) {
        cache_put(b);
        return ext2_fail(fs, EXT2_ECORRUPT, "block bitmap of group %u marks block %u free", g, blk);
    }
    bit_flip(b->data, (uint32_t)bit);
    cache_dirty(b);
    cache_put(b);
    count_blocks(fs, g, -1);
    *out = blk;
    return 0;
}

/* Allocate one block, the first free one at or after goal (wrapping
 * around the file system). Its contents are undefined. */
int alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
    if (fs->read_only)
        return EXT2_EROFS;
    if (fs->sb.s_free_blocks_count == 0)
        return EXT2_ENOSPC;
    if (!ext2_block_valid(fs, goal))
        goal = fs->sb.s_first_data_block + 1;
    uint32_t rel = goal - fs->sb.s_first_data_block;
    uint32_t g0 = rel / fs->sb.s_blocks_per_group;
    uint32_t start = rel % fs->sb.s_blocks_per_group;
    for (uint32_t n = 0; n <= fs->ngroups; n++) {
        uint32_t g = (g0 + n) % fs->ngroups;
        uint32_t from = n == 0 ? start : 0;
        uint32_t to = n == fs->ngroups ? start : ext2_group_blocks(fs, g);
        int err = alloc_in_group(fs, g, from, to, out);
        if (err != EXT2_ENOSPC)
            return err;
    }
    return EXT2_ENOSPC;
}

/* Return blk to its group's free pool and drop it from the cache. */
int free_block(struct ext2_fs *fs, uint32_t blk)
{
    if (!ext2_block_valid(fs, blk))
        return ext2_fail(fs, EXT2_ECORRUPT, "freeing block %u out of range", blk);
    uint32_t rel = blk - fs->sb.s_first_data_block;
    uint32_t g = rel / fs->sb.s_blocks_per_group;
    uint32_t bit = rel % fs->sb.s_blocks_per_group;
    struct ext2_buf *b;
    int err = bitmap_get(fs, ext2_group(fs, g)->bg_block_bitmap, &b);
    if (err)
        return err;
    if (!bit_test(b->data, bit)) {
        cache_put(b);
        return ext2_fail(fs, EXT2_ECORRUPT, "block %u freed twice", blk);
    }
    bit_flip(b->data, bit);
    cache_dirty(b);
    cache_put(b);
    count_blocks(fs, g, 1);
    cache_forget(fs, blk);
    return 0;
}

/* Apply an inode allocation (delta -1) or release (+1) to the counters. */
static void count_inodes(struct ext2_fs *fs, uint32_t g, int delta, int is_dir)
{
    struct ext2_group_desc *gd = ext2_group(fs, g);
    gd->bg_free_inodes_count += (uint16_t)delta;
    if (is_dir)
        gd->bg_used_dirs_count -= (uint16_t)delta;
    fs->sb.s_free_inodes_count += (uint32_t)delta;
    fs->gdt_dirty = fs->sb_dirty = 1;
}

/* Try to take a free inode of group g. */
static int ialloc_in_group(struct ext2_fs *fs, uint32_t g, int is_dir, uint32_t *out)
{
    struct ext2_group_desc *gd = ext2_group(fs, g);
    if (gd->bg_free_inodes_count == 0)
        return EXT2_ENOSPC;
    struct ext2_buf *b;
    int err = bitmap_get(fs, gd->bg_inode_bitmap, &b);
    if (err)
        return err;
    uint32_t from = 0;
    uint32_t base = g * fs->sb.s_inodes_per_group;
    if (base + 1 < fs->first_ino)
        from = fs->first_ino - 1 - base;
    long bit = bitmap_find_clear(b->data, from, fs->sb.s_inodes_per_group);
    if (bit < 0) {
        cache_put(b);
        return EXT2_ENOSPC;
    }
    bit_flip(b->data, (uint32_t)bit);
    cache_dirty(b);
    cache_put(b);
    count_inodes(fs, g, -1, is_dir);
    *out = base + (uint32_t)bit + 1;
    return 0;
}

/* Group to start an inode search in: a file goes beside its parent; a
 * directory goes to the group with the most free inodes, to spread trees. */
static uint32_t ialloc_start(struct ext2_fs *fs, uint32_t parent_ino, int is_dir)
{
    uint32_t pg = (parent_ino - 1) / fs->sb.s_inodes_per_group;
    if (!is_dir)
        return pg;
    uint32_t best = pg;
    for (uint32_t g = 0; g < fs->ngroups; g++)
        if (ext2_group(fs, g)->bg_free_inodes_count > ext2_group(fs, best)->bg_free_inodes_count)
            best = g;
    return best;
}

/* Allocate an inode number for a new file (is_dir counts it as a directory). */
int alloc_inode(struct ext2_fs *fs, uint32_t parent_ino, int is_dir, uint32_t *out)
{
    if (fs->read_only)
        return EXT2_EROFS;
    if (fs->sb.s_free_inodes_count == 0)
        return EXT2_ENOSPC;
    uint32_t g0 = ialloc_start(fs, parent_ino, is_dir);
    for (uint32_t n = 0; n < fs->ngroups; n++) {
        int err = ialloc_in_group(fs, (g0 + n) % fs->ngroups, is_dir, out);
        if (err != EXT2_ENOSPC)
            return err;
    }
    return EXT2_ENOSPC;
}

/* Return inode ino to the free pool. */
int free_inode(struct ext2_fs *fs, uint32_t ino, int is_dir)
{
    if (ino == 0 || ino > fs->sb.s_inodes_count)
        return ext2_fail(fs, EXT2_ECORRUPT, "freeing inode %u out of range", ino);
    uint32_t g = (ino - 1) / fs->sb.s_inodes_per_group;
    uint32_t bit = (ino - 1) % fs->sb.s_inodes_per_group;
    struct ext2_buf *b;
    int err = bitmap_get(fs, ext2_group(fs, g)->bg_inode_bitmap, &b);
    if (err)
        return err;
    if (!bit_test(b->data, bit)) {
        cache_put(b);
        return ext2_fail(fs, EXT2_ECORRUPT, "inode %u freed twice", ino);
    }
    bit_flip(b->data, bit);
    cache_dirty(b);
    cache_put(b);
    count_inodes(fs, g, 1, is_dir);
    return 0;
}
