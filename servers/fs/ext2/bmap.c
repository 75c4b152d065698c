/* The block map: from a file's logical block numbers to device blocks,
 * through i_block's 12 direct pointers and its single, double and triple
 * indirect blocks (each an array of ptrs_per_block 32-bit block numbers;
 * 0 is a hole). Every pointer read from disk is range-checked before use. */
#include "ext2_priv.h"

/* Split lblk into the i_block slot idx[0] and the index within each
 * indirect level idx[1..depth]. Returns the depth (0 = direct) or EFBIG. */
static int bmap_path(const struct ext2_fs *fs, uint64_t lblk, uint32_t idx[4])
{
    uint64_t p = fs->ptrs_per_block;
    if (lblk < EXT2_NDIR_BLOCKS) {
        idx[0] = (uint32_t)lblk;
        return 0;
    }
    lblk -= EXT2_NDIR_BLOCKS;
    if (lblk < p) {
        idx[0] = EXT2_IND_BLOCK;
        idx[1] = (uint32_t)lblk;
        return 1;
    }
    lblk -= p;
    if (lblk < p * p) {
        idx[0] = EXT2_DIND_BLOCK;
        idx[1] = (uint32_t)(lblk / p);
        idx[2] = (uint32_t)(lblk % p);
        return 2;
    }
    lblk -= p * p;
    if (lblk < p * p * p) {
        idx[0] = EXT2_TIND_BLOCK;
        idx[1] = (uint32_t)(lblk / (p * p));
        idx[2] = (uint32_t)(lblk / p % p);
        idx[3] = (uint32_t)(lblk % p);
        return 3;
    }
    return EXT2_EFBIG;
}

static int bad_pointer(struct ext2_fs *fs, const struct ext2_ino *in, uint32_t blk)
{
    return ext2_fail(fs, EXT2_ECORRUPT, "inode %u: block pointer %u out of range", in->ino, blk);
}

/* Map logical block lblk of in to *pblk (0 for a hole). With memo, the
 * last indirect block of the walk is remembered, and the next lblk it
 * covers is mapped from it without a walk (while the buffer still holds
 * that block: reads do not change block maps). */
int bmap_get_memo(struct ext2_fs *fs, struct ext2_ino *in, uint64_t lblk, uint32_t *pblk,
                  struct bmap_memo *memo)
{
    uint32_t idx[4], blk;

    if (memo && memo->b && lblk >= memo->base && lblk - memo->base < fs->ptrs_per_block &&
        memo->b->in_use && memo->b->blk == memo->blk) {
        blk = ((const uint32_t *)memo->b->data)[lblk - memo->base];
        goto found;
    }
    int depth = bmap_path(fs, lblk, idx);
    if (depth < 0)
        return depth;
    blk = in->raw.i_block[idx[0]];
    for (int level = 1; level <= depth && blk; level++) {
        struct ext2_buf *b;
        if (!ext2_block_valid(fs, blk))
            return bad_pointer(fs, in, blk);
        int err = cache_get(fs, blk, &b);
        if (err)
            return err;
        if (memo && level == depth)
            *memo = (struct bmap_memo){.b = b, .blk = blk, .base = lblk - idx[level]};
        blk = ((const uint32_t *)b->data)[idx[level]];
        cache_put(b);
    }
found:
    if (blk && !ext2_block_valid(fs, blk))
        return bad_pointer(fs, in, blk);
    *pblk = blk;
    return 0;
}

int bmap_get(struct ext2_fs *fs, struct ext2_ino *in, uint64_t lblk, uint32_t *pblk)
{
    return bmap_get_memo(fs, in, lblk, pblk, NULL);
}

/* Pick an allocation goal for lblk: just after the previous block of the
 * file if it has one, else the start of the inode's group. */
static uint32_t bmap_goal(struct ext2_fs *fs, struct ext2_ino *in, uint64_t lblk)
{
    uint32_t prev = 0;
    if (lblk > 0 && bmap_get(fs, in, lblk - 1, &prev) == 0 && prev)
        return prev + 1;
    uint32_t group = (in->ino - 1) / fs->sb.s_inodes_per_group;
    return fs->sb.s_first_data_block + group * fs->sb.s_blocks_per_group;
}

/* Allocate a block near *goal for in (counted in i_blocks); a new indirect
 * block is zeroed in the cache. Advances *goal past it. */
static int bmap_new_block(struct ext2_fs *fs, struct ext2_ino *in, uint32_t *goal, int indirect,
                          uint32_t *out)
{
    int err = alloc_block(fs, *goal, out);
    if (err)
        return err;
    inode_add_blocks(fs, &in->raw, 1);
    *goal = *out + 1;
    if (indirect) {
        struct ext2_buf *b;
        err = cache_get_zero(fs, *out, &b);
        if (err)
            return err;
        cache_put(b);
    }
    return 0;
}

/* Map lblk, allocating the data block and any missing indirect blocks.
 * *fresh is set when the data block is new: its contents are garbage and
 * the caller must fill all of it. The caller stores the inode afterwards. */
int bmap_alloc(struct ext2_fs *fs, struct ext2_ino *in, uint64_t lblk, uint32_t goal,
               uint32_t *pblk, int *fresh)
{
    uint32_t idx[4];
    int depth = bmap_path(fs, lblk, idx);
    if (depth < 0)
        return depth;
    if (!goal)
        goal = bmap_goal(fs, in, lblk);
    *fresh = 0;
    uint32_t *slot = &in->raw.i_block[idx[0]];
    struct ext2_buf *parent = NULL;
    int err = 0;
    for (int level = 0; level <= depth; level++) {
        uint32_t blk = *slot;
        if (!blk) {
            err = bmap_new_block(fs, in, &goal, level < depth, &blk);
            if (err)
                break;
            *slot = blk;
            if (parent)
                cache_dirty(parent);
            if (level == depth)
                *fresh = 1;
        } else if (!ext2_block_valid(fs, blk)) {
            err = bad_pointer(fs, in, blk);
            break;
        }
        if (parent)
            cache_put(parent);
        parent = NULL;
        if (level == depth) {
            *pblk = blk;
            return 0;
        }
        err = cache_get(fs, blk, &parent);
        if (err)
            return err;
        slot = &((uint32_t *)parent->data)[idx[level + 1]];
    }
    if (parent)
        cache_put(parent);
    return err;
}

/* Free one block owned by in and uncount it. */
static int bmap_release(struct ext2_fs *fs, struct ext2_ino *in, uint32_t blk)
{
    int err = free_block(fs, blk);
    if (err)
        return err;
    inode_add_blocks(fs, &in->raw, -1);
    return 0;
}

/* Free every block of the subtree under *slot that maps logical blocks
 * >= from. The subtree has `depth` indirect levels and maps logical blocks
 * from base on. If the whole subtree goes, its root block is freed and
 * *slot cleared; the caller marks the slot's block dirty. */
static int free_tree(struct ext2_fs *fs, struct ext2_ino *in, uint32_t *slot, int depth,
                     uint64_t base, uint64_t from)
{
    uint32_t blk = *slot;
    if (!blk)
        return 0;
    if (!ext2_block_valid(fs, blk))
        return bad_pointer(fs, in, blk);
    if (depth > 0) {
        uint64_t child_span = 1;
        for (int i = 1; i < depth; i++)
            child_span *= fs->ptrs_per_block;
        uint32_t first = base >= from ? 0 : (uint32_t)((from - base) / child_span);
        struct ext2_buf *b;
        int err = cache_get(fs, blk, &b);
        if (err)
            return err;
        uint32_t *ptrs = (uint32_t *)b->data;
        for (uint32_t i = first; i < fs->ptrs_per_block && !err; i++) {
            if (ptrs[i]) {
                err = free_tree(fs, in, &ptrs[i], depth - 1, base + i * child_span, from);
                cache_dirty(b);
            }
        }
        cache_put(b);
        if (err)
            return err;
    }
    if (base < from)
        return 0;
    *slot = 0;
    return bmap_release(fs, in, blk);
}

/* Free every block mapping logical block first_lblk or later, with the
 * indirect blocks that map nothing but those. */
int bmap_free_from(struct ext2_fs *fs, struct ext2_ino *in, uint64_t first_lblk)
{
    uint64_t p = fs->ptrs_per_block;
    int err = 0;
    for (uint32_t i = 0; i < EXT2_NDIR_BLOCKS && !err; i++)
        err = free_tree(fs, in, &in->raw.i_block[i], 0, i, first_lblk);
    if (!err)
        err = free_tree(fs, in, &in->raw.i_block[EXT2_IND_BLOCK], 1, EXT2_NDIR_BLOCKS, first_lblk);
    if (!err)
        err = free_tree(fs, in, &in->raw.i_block[EXT2_DIND_BLOCK], 2, EXT2_NDIR_BLOCKS + p,
                        first_lblk);
    if (!err)
        err = free_tree(fs, in, &in->raw.i_block[EXT2_TIND_BLOCK], 3, EXT2_NDIR_BLOCKS + p + p * p,
                        first_lblk);
    return err;
}
