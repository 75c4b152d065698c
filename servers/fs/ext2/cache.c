/* The block cache: a fixed pool of block buffers with write-back.
 *
 * Users pin a buffer with cache_get, use its data, mark it dirty if they
 * changed it, and unpin it with cache_put. Unpinned buffers are recycled in
 * least-recently-used order; a dirty one is written to the device first.
 * Nothing reaches the device until eviction or cache_sync. */
#include <stdlib.h>
#include <string.h>

#include "ext2_priv.h"

static unsigned hash_of(const struct ext2_cache *c, uint32_t blk)
{
    return (blk * 2654435761u) & c->hash_mask;
}

/* Allocate nbufs buffers of one block each. */
int cache_init(struct ext2_fs *fs, unsigned nbufs)
{
    struct ext2_cache *c = &fs->cache;
    if (nbufs < 16)
        nbufs = 16;
    unsigned hsize = 1;
    while (hsize < 2 * nbufs)
        hsize <<= 1;
    c->bufs = calloc(nbufs, sizeof(*c->bufs));
    c->hash = calloc(hsize, sizeof(*c->hash));
    c->mem = malloc((size_t)nbufs * fs->block_size);
    if (!c->bufs || !c->hash || !c->mem)
        return ext2_fail(fs, EXT2_ENOMEM, "no memory for %u cache blocks", nbufs);
    c->nbufs = nbufs;
    c->hash_mask = hsize - 1;
    for (unsigned i = 0; i < nbufs; i++)
        c->bufs[i].data = c->mem + (size_t)i * fs->block_size;
    return 0;
}

void cache_destroy(struct ext2_fs *fs)
{
    free(fs->cache.bufs);
    free(fs->cache.hash);
    free(fs->cache.mem);
    memset(&fs->cache, 0, sizeof(fs->cache));
}

/* The buffer holding blk, or NULL if it is not cached. Does not pin. */
struct ext2_buf *cache_peek(struct ext2_fs *fs, uint32_t blk)
{
    struct ext2_cache *c = &fs->cache;
    for (struct ext2_buf *b = c->hash[hash_of(c, blk)]; b; b = b->next)
        if (b->blk == blk)
            return b;
    return NULL;
}

static void hash_remove(struct ext2_cache *c, struct ext2_buf *b)
{
    struct ext2_buf **pp = &c->hash[hash_of(c, b->blk)];
    while (*pp != b)
        pp = &(*pp)->next;
    *pp = b->next;
    b->next = NULL;
}

static int buf_writeback(struct ext2_fs *fs, struct ext2_buf *b)
{
    if (!b->dirty)
        return 0;
    int err = ext2_dev_write(fs, b->blk, 1, b->data);
    if (!err)
        b->dirty = 0;
    return err;
}

/* Take the least recently used unpinned buffer, writing it back if dirty.
 * Returns it unhashed and not in use. */
static int cache_victim(struct ext2_fs *fs, struct ext2_buf **out)
{
    struct ext2_cache *c = &fs->cache;
    struct ext2_buf *best = NULL;
    for (unsigned i = 0; i < c->nbufs; i++) {
        struct ext2_buf *b = &c->bufs[i];
        if (!b->in_use) {
            best = b;
            break;
        }
        if (b->pins == 0 && (!best || b->last_use < best->last_use))
            best = b;
    }
    if (!best)
        return ext2_fail(fs, EXT2_ENOMEM, "every cache block is pinned");
    if (best->in_use) {
        int err = buf_writeback(fs, best);
        if (err)
            return err;
        hash_remove(c, best);
        best->in_use = 0;
    }
    *out = best;
    return 0;
}

/* Find or load blk; read says whether a miss fills it from the device
 * (else it is zeroed and marked dirty). Pins the buffer. */
static int cache_lookup(struct ext2_fs *fs, uint32_t blk, int read, struct ext2_buf **out)
{
    struct ext2_cache *c = &fs->cache;
    if (unlikely(blk >= fs->sb.s_blocks_count))
        return ext2_fail(fs, EXT2_ECORRUPT, "block %u outside the file system", blk);
    struct ext2_buf *b = cache_peek(fs, blk);
    if (b) {
        fs->counters.cache_hits++;
    } else {
        fs->counters.cache_misses++;
        int err = cache_victim(fs, &b);
        if (err)
            return err;
        if (read) {
            err = ext2_dev_read(fs, blk, 1, b->data);
            if (err)
                return err;
        }
        b->blk = blk;
        b->in_use = 1;
        b->dirty = 0;
        unsigned h = hash_of(c, blk);
        b->next = c->hash[h];
        c->hash[h] = b;
    }
    if (!read) {
        memset(b->data, 0, fs->block_size);
        b->dirty = 1;
    }
    b->pins++;
    b->last_use = ++c->tick;
    *out = b;
    return 0;
}

/* Pin the buffer of block blk, reading it on a miss. Release with cache_put. */
int cache_get(struct ext2_fs *fs, uint32_t blk, struct ext2_buf **out)
{
    return cache_lookup(fs, blk, 1, out);
}

/* Pin a zero-filled, dirty buffer for blk without reading it (a block just
 * allocated, whose old contents do not matter). */
int cache_get_zero(struct ext2_fs *fs, uint32_t blk, struct ext2_buf **out)
{
    return cache_lookup(fs, blk, 0, out);
}

void cache_put(struct ext2_buf *b)
{
    b->pins--;
}

void cache_dirty(struct ext2_buf *b)
{
    b->dirty = 1;
}

/* Drop blk from the cache without writing it (the block was freed). */
void cache_forget(struct ext2_fs *fs, uint32_t blk)
{
    struct ext2_buf *b = cache_peek(fs, blk);
    if (b && b->pins == 0) {
        hash_remove(&fs->cache, b);
        b->in_use = 0;
        b->dirty = 0;
    }
}

/* Write every dirty buffer to the device. */
int cache_sync(struct ext2_fs *fs)
{
    for (unsigned i = 0; i < fs->cache.nbufs; i++) {
        struct ext2_buf *b = &fs->cache.bufs[i];
        if (b->in_use) {
            int err = buf_writeback(fs, b);
            if (err)
                return err;
        }
    }
    return 0;
}
