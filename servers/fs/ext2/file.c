/* File data: read, write, truncate, and releasing an inode's storage.
 *
 * Reads copy each byte at most once: whole blocks that are not in the
 * cache go from the device straight into the caller's buffer (in runs of
 * physically contiguous blocks), the rest is copied out of the cache. */
#include <string.h>

#include "ext2_priv.h"

#define DIRECT_RUN_MAX 256 /* blocks per direct device read */

/* memcpy for the bulk of file data: when both ends and the length are
 * 8-byte aligned (a cache block and a page-aligned buffer are), 32 words a
 * turn, about 0.26 instructions a byte; the byte loop tails stay memcpy's.
 * (The loop must stay a loop: gcc would turn it back into memcpy.) */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif
static void
block_copy(void *dst, const void *src, size_t n)
{
    if ((((uintptr_t)dst | (uintptr_t)src | n) & 7) != 0 || n < 256) {
        memcpy(dst, src, n);
        return;
    }
    uint64_t *d = dst;
    const uint64_t *s = src, *end = s + (n & ~(size_t)255) / 8;

    while (s < end) {
        uint64_t a = s[0], b = s[1], c = s[2], e = s[3], f = s[4], g = s[5], h = s[6], i = s[7];
        d[0] = a, d[1] = b, d[2] = c, d[3] = e, d[4] = f, d[5] = g, d[6] = h, d[7] = i;
        a = s[8], b = s[9], c = s[10], e = s[11], f = s[12], g = s[13], h = s[14], i = s[15];
        d[8] = a, d[9] = b, d[10] = c, d[11] = e, d[12] = f, d[13] = g, d[14] = h, d[15] = i;
        a = s[16], b = s[17], c = s[18], e = s[19], f = s[20], g = s[21], h = s[22], i = s[23];
        d[16] = a, d[17] = b, d[18] = c, d[19] = e, d[20] = f, d[21] = g, d[22] = h, d[23] = i;
        a = s[24], b = s[25], c = s[26], e = s[27], f = s[28], g = s[29], h = s[30], i = s[31];
        d[24] = a, d[25] = b, d[26] = c, d[27] = e, d[28] = f, d[29] = g, d[30] = h, d[31] = i;
        s += 32;
        d += 32;
    }
    if (n & 255)
        memcpy(d, s, n & 255);
}

/* Count how many blocks from lblk on (at most max) are mapped to
 * consecutive device blocks starting at pblk and are not cached. */
static uint32_t direct_run(struct ext2_fs *fs, struct ext2_ino *in, uint64_t lblk, uint32_t pblk,
                           uint32_t max)
{
    uint32_t n = 1;
    while (n < max && n < DIRECT_RUN_MAX) {
        uint32_t next;
        if (bmap_get(fs, in, lblk + n, &next) || next != pblk + n || cache_peek(fs, next))
            break;
        n++;
    }
    return n;
}

/* Copy chunk bytes at boff of block pblk (0 = hole) into dst. */
static int read_partial(struct ext2_fs *fs, uint32_t pblk, uint32_t boff, uint8_t *dst,
                        uint32_t chunk)
{
    fs->counters.bytes_copied += chunk;
    if (!pblk) {
        memset(dst, 0, chunk);
        return 0;
    }
    struct ext2_buf *b;
    int err = cache_get(fs, pblk, &b);
    if (err)
        return err;
    block_copy(dst, b->data + boff, chunk);
    cache_put(b);
    return 0;
}

/* Read up to len bytes at off; returns the bytes read (0 at or past EOF). */
long file_read(struct ext2_fs *fs, struct ext2_ino *in, uint64_t off, void *buf, size_t len)
{
    uint64_t size = inode_size(&in->raw);
    if (off >= size)
        return 0;
    if (len > size - off)
        len = (size_t)(size - off);
    if (len > 0x40000000u)
        len = 0x40000000u; /* keep the byte count representable as a long everywhere */
    uint8_t *dst = buf;
    size_t done = 0;
    struct bmap_memo memo = {0};
    while (done < len) {
        uint64_t pos = off + done;
        uint64_t lblk = pos / fs->block_size;
        uint32_t boff = (uint32_t)(pos % fs->block_size);
        uint32_t chunk = fs->block_size - boff;
        if (chunk > len - done)
            chunk = (uint32_t)(len - done);
        uint32_t pblk;
        int err = bmap_get_memo(fs, in, lblk, &pblk, &memo);
        struct ext2_buf *b = !err && pblk ? cache_peek(fs, pblk) : NULL;
        if (b) {
            /* Cached: one copy, no pin (nothing runs meanwhile). */
            fs->counters.cache_hits++;
            fs->counters.bytes_copied += chunk;
            b->last_use = ++fs->cache.tick;
            block_copy(dst + done, b->data + boff, chunk);
        } else if (!err && pblk && chunk == fs->block_size) {
            uint32_t run = direct_run(fs, in, lblk, pblk, (uint32_t)((len - done) / chunk));
            err = ext2_dev_read(fs, pblk, run, dst + done);
            chunk = run * fs->block_size;
            fs->counters.bytes_direct += chunk;
        } else if (!err) {
            err = read_partial(fs, pblk, boff, dst + done, chunk);
        }
        if (err)
            return done ? (long)done : err;
        done += chunk;
    }
    fs->counters.bytes_read += done;
    return (long)done;
}

/* Zero the bytes of the block holding offset from, from there to the end
 * of that block (stale bytes past EOF must read back as zeros when the
 * file grows over them). */
static int zero_tail(struct ext2_fs *fs, struct ext2_ino *in, uint64_t from)
{
    uint32_t boff = (uint32_t)(from % fs->block_size);
    uint32_t pblk;
    if (boff == 0)
        return 0;
    int err = bmap_get(fs, in, from / fs->block_size, &pblk);
    if (err || !pblk)
        return err;
    struct ext2_buf *b;
    err = cache_get(fs, pblk, &b);
    if (err)
        return err;
    memset(b->data + boff, 0, fs->block_size - boff);
    cache_dirty(b);
    cache_put(b);
    return 0;
}

/* Write chunk bytes at boff of logical block lblk, allocating it if needed.
 * *goal carries the allocation goal from one block to the next. */
static int write_block(struct ext2_fs *fs, struct ext2_ino *in, uint64_t lblk, uint32_t boff,
                       const uint8_t *src, uint32_t chunk, uint32_t *goal)
{
    uint32_t pblk;
    int fresh;
    int err = bmap_alloc(fs, in, lblk, *goal, &pblk, &fresh);
    if (err)
        return err;
    *goal = pblk + 1;
    struct ext2_buf *b;
    if (fresh || chunk == fs->block_size)
        err = cache_get_zero(fs, pblk, &b);
    else
        err = cache_get(fs, pblk, &b);
    if (err)
        return err;
    block_copy(b->data + boff, src, chunk);
    cache_dirty(b);
    cache_put(b);
    return 0;
}

/* Write len bytes at off, growing the file as needed. Returns the bytes
 * written; a short count if space ran out part way. Stores the inode. */
long file_write(struct ext2_fs *fs, struct ext2_ino *in, uint64_t off, const void *buf, size_t len)
{
    uint64_t size = inode_size(&in->raw);
    if (len > 0x40000000u)
        len = 0x40000000u;
    if (off > inode_max_size(fs) || len > inode_max_size(fs) - off)
        return EXT2_EFBIG;
    int err = off > size ? zero_tail(fs, in, size) : 0;
    const uint8_t *src = buf;
    size_t done = 0;
    uint32_t goal = 0;
    while (!err && done < len) {
        uint64_t pos = off + done;
        uint32_t boff = (uint32_t)(pos % fs->block_size);
        uint32_t chunk = fs->block_size - boff;
        if (chunk > len - done)
            chunk = (uint32_t)(len - done);
        err = write_block(fs, in, pos / fs->block_size, boff, src + done, chunk, &goal);
        if (!err)
            done += chunk;
    }
    if (off + done > size) {
        int serr = inode_set_size(fs, &in->raw, off + done);
        if (serr && !err)
            err = serr;
    }
    if (done)
        in->raw.i_mtime = in->raw.i_ctime = ext2_now(fs);
    int serr = inode_store(fs, in);
    if (done)
        return (long)done;
    return err ? err : serr;
}

/* Set the file size: shrinking frees the blocks past the end, growing
 * leaves a hole. Stores the inode. */
int file_truncate(struct ext2_fs *fs, struct ext2_ino *in, uint64_t size)
{
    if (size > inode_max_size(fs))
        return EXT2_EFBIG;
    uint64_t old = inode_size(&in->raw);
    int err = 0;
    if (size < old) {
        uint64_t keep = (size + fs->block_size - 1) / fs->block_size;
        err = bmap_free_from(fs, in, keep);
        if (!err)
            err = zero_tail(fs, in, size);
    } else if (size > old) {
        err = zero_tail(fs, in, old);
    }
    if (!err)
        err = inode_set_size(fs, &in->raw, size);
    in->raw.i_mtime = in->raw.i_ctime = ext2_now(fs);
    int serr = inode_store(fs, in);
    return err ? err : serr;
}

/* Drop this inode's reference to its extended-attribute block. */
static int release_xattr(struct ext2_fs *fs, struct ext2_ino *in)
{
    uint32_t blk = in->raw.i_file_acl;
    if (!blk)
        return 0;
    if (!ext2_block_valid(fs, blk))
        return ext2_fail(fs, EXT2_ECORRUPT, "inode %u: xattr block %u out of range", in->ino, blk);
    struct ext2_buf *b;
    int err = cache_get(fs, blk, &b);
    if (err)
        return err;
    struct ext2_xattr_header *h = (struct ext2_xattr_header *)b->data;
    int last = h->h_magic != EXT2_XATTR_MAGIC || h->h_refcount <= 1;
    if (!last) {
        h->h_refcount--;
        cache_dirty(b);
    }
    cache_put(b);
    if (last) {
        err = free_block(fs, blk);
        if (err)
            return err;
    }
    inode_add_blocks(fs, &in->raw, -1);
    in->raw.i_file_acl = 0;
    return 0;
}

/* Free everything an inode whose last link went owns: data, indirect and
 * xattr blocks, then the inode itself (marked deleted). */
int file_release(struct ext2_fs *fs, struct ext2_ino *in)
{
    int err;
    int is_dir = inode_is_dir(&in->raw);
    if (inode_is_fast_symlink(fs, &in->raw)) {
        memset(in->raw.i_block, 0, sizeof(in->raw.i_block));
        err = 0;
    } else {
        err = bmap_free_from(fs, in, 0);
    }
    if (!err)
        err = release_xattr(fs, in);
    if (err)
        return err;
    in->raw.i_size = 0;
    in->raw.i_size_high = 0;
    in->raw.i_links_count = 0;
    /* Nonzero marks the inode deleted; e2fsck reads values below the inode
     * count as orphan-list links, so a missing clock must not give one. */
    in->raw.i_dtime = ext2_now(fs);
    if (in->raw.i_dtime <= fs->sb.s_inodes_count)
        in->raw.i_dtime = fs->sb.s_inodes_count + 1;
    err = inode_store(fs, in);
    if (err)
        return err;
    return free_inode(fs, in->ino, is_dir);
}

/* Read a symlink's target into buf (not NUL-terminated); returns its length
 * or, if it does not fit, the bytes copied (len). */
long file_readlink(struct ext2_fs *fs, struct ext2_ino *in, char *buf, size_t len)
{
    uint32_t size = in->raw.i_size;
    if (inode_is_fast_symlink(fs, &in->raw)) {
        if (size > sizeof(in->raw.i_block))
            return ext2_fail(fs, EXT2_ECORRUPT, "inode %u: fast symlink of %u bytes", in->ino,
                             size);
        if (len > size)
            len = size;
        memcpy(buf, in->raw.i_block, len);
        return (long)len;
    }
    if (size >= fs->block_size)
        return ext2_fail(fs, EXT2_ECORRUPT, "inode %u: symlink of %u bytes", in->ino, size);
    return file_read(fs, in, 0, buf, len);
}
