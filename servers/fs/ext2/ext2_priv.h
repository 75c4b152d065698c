/* Internals shared by the ext2 library's files. Not for users of the library. */
#ifndef EXT2_PRIV_H
#define EXT2_PRIV_H

#include <stdint.h>

#include "ext2.h"
#include "ext2_disk.h"

#define unlikely(x) __builtin_expect(!!(x), 0)

/* One block cache buffer. */
struct ext2_buf {
    uint32_t blk; /* file-system block held; valid only if in_use */
    uint8_t in_use, dirty;
    uint16_t pins;         /* users holding a pointer to data; never evicted while > 0 */
    uint64_t last_use;     /* LRU tick */
    struct ext2_buf *next; /* hash chain */
    uint8_t *data;         /* block_size bytes */
};

/* The block cache: a fixed set of buffers, hashed by block number,
 * written back on eviction and on ext2_sync. */
struct ext2_cache {
    struct ext2_buf *bufs;
    unsigned nbufs;
    struct ext2_buf **hash;
    unsigned hash_mask;
    uint64_t tick;
    uint8_t *mem; /* nbufs * block_size bytes backing the buffers */
};

/* A mounted file system. */
/* The name cache (path.c): (directory, name) -> inode, for names of
 * directories and regular files up to EXT2_DCACHE_NAME bytes that a
 * lookup found. An entry is good while its gen is dcache_gen + 1: every
 * change to any directory (dir.c) bumps dcache_gen, dropping them all. */
#define EXT2_DCACHE_SLOTS 256
#define EXT2_DCACHE_NAME  36
struct ext2_dentry {
    uint32_t gen, dir, ino;
    uint8_t len;
    char name[EXT2_DCACHE_NAME];
};

struct ext2_fs {
    struct ext2_blockdev dev;
    struct ext2_mount_opts opts;
    struct ext2_super sb; /* in-memory copy of the primary superblock */
    uint8_t *gdt;         /* gdt_blocks * block_size bytes of group descriptors */
    uint32_t block_size;  /* bytes per block */
    uint32_t sectors_per_block;
    uint32_t ptrs_per_block; /* block pointers per indirect block */
    uint32_t ngroups;
    uint32_t gdt_blocks;
    uint32_t inode_size;
    uint32_t first_ino;
    uint32_t inode_table_blocks; /* blocks of inode table per group */
    int read_only;
    int flags; /* EXT2_MOUNT_* */
    int sb_dirty, gdt_dirty;
    uint32_t generation; /* next i_generation */
    uint32_t clock_base; /* time used when the mount has no clock */
    struct ext2_cache cache;
    uint32_t dcache_gen;
    struct ext2_dentry dcache[EXT2_DCACHE_SLOTS];
    struct ext2_counters counters;
    char errmsg[160];
};

/* In-memory handle on an inode: its number and a copy of its 128-byte core. */
struct ext2_ino {
    uint32_t ino;
    /* 8-byte aligned like the inode in its table block, so loading and
     * storing it is a word copy, not a byte copy. */
    struct ext2_inode raw __attribute__((aligned(8)));
};

/* ---- super.c --------------------------------------------------------- */
int ext2_fail(struct ext2_fs *fs, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
struct ext2_group_desc *ext2_group(struct ext2_fs *fs, uint32_t group);
uint32_t ext2_group_blocks(const struct ext2_fs *fs, uint32_t g);
uint32_t ext2_now(struct ext2_fs *fs);
int ext2_has_filetype(const struct ext2_fs *fs);
int ext2_dev_read(struct ext2_fs *fs, uint32_t blk, uint32_t count, void *buf);
int ext2_dev_write(struct ext2_fs *fs, uint32_t blk, uint32_t count, const void *buf);
int ext2_block_valid(const struct ext2_fs *fs, uint32_t blk);

/* ---- cache.c --------------------------------------------------------- */
int cache_init(struct ext2_fs *fs, unsigned nbufs);
void cache_destroy(struct ext2_fs *fs);
int cache_get(struct ext2_fs *fs, uint32_t blk, struct ext2_buf **out);
int cache_get_zero(struct ext2_fs *fs, uint32_t blk, struct ext2_buf **out);
struct ext2_buf *cache_peek(struct ext2_fs *fs, uint32_t blk);
void cache_put(struct ext2_buf *b);
void cache_dirty(struct ext2_buf *b);
void cache_forget(struct ext2_fs *fs, uint32_t blk);
int cache_sync(struct ext2_fs *fs);

/* ---- inode.c --------------------------------------------------------- */
int inode_load(struct ext2_fs *fs, uint32_t ino, struct ext2_ino *out);
int inode_peek(struct ext2_fs *fs, uint32_t ino, struct ext2_buf **b,
               const struct ext2_inode **raw);
int inode_store(struct ext2_fs *fs, const struct ext2_ino *in);
int inode_init_new(struct ext2_fs *fs, uint32_t ino, uint16_t mode, struct ext2_ino *out);
uint64_t inode_size(const struct ext2_inode *raw);
int inode_set_size(struct ext2_fs *fs, struct ext2_inode *raw, uint64_t size);
int inode_is_dir(const struct ext2_inode *raw);
int inode_is_fast_symlink(const struct ext2_fs *fs, const struct ext2_inode *raw);
uint8_t inode_ftype(const struct ext2_inode *raw);
void inode_add_blocks(struct ext2_fs *fs, struct ext2_inode *raw, int delta);
uint64_t inode_max_size(const struct ext2_fs *fs);

/* ---- bmap.c ---------------------------------------------------------- */
int bmap_get(struct ext2_fs *fs, struct ext2_ino *in, uint64_t lblk, uint32_t *pblk);
/* The last indirect block a walk read: entries for [base, base + ptrs). */
struct bmap_memo {
    struct ext2_buf *b;
    uint32_t blk;
    uint64_t base;
};
int bmap_get_memo(struct ext2_fs *fs, struct ext2_ino *in, uint64_t lblk, uint32_t *pblk,
                  struct bmap_memo *memo);
int bmap_alloc(struct ext2_fs *fs, struct ext2_ino *in, uint64_t lblk, uint32_t goal,
               uint32_t *pblk, int *fresh);
int bmap_free_from(struct ext2_fs *fs, struct ext2_ino *in, uint64_t first_lblk);

/* ---- alloc.c --------------------------------------------------------- */
int alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
int free_block(struct ext2_fs *fs, uint32_t blk);
int alloc_inode(struct ext2_fs *fs, uint32_t parent_ino, int is_dir, uint32_t *out);
int free_inode(struct ext2_fs *fs, uint32_t ino, int is_dir);

/* ---- dir.c ----------------------------------------------------------- */
int dir_lookup(struct ext2_fs *fs, struct ext2_ino *dir, const char *name, uint32_t len,
               uint32_t *ino);
int dir_add(struct ext2_fs *fs, struct ext2_ino *dir, const char *name, uint32_t len, uint32_t ino,
            uint8_t ftype);
int dir_remove(struct ext2_fs *fs, struct ext2_ino *dir, const char *name, uint32_t len);
int dir_retarget(struct ext2_fs *fs, struct ext2_ino *dir, const char *name, uint32_t len,
                 uint32_t ino, uint8_t ftype);
int dir_is_empty(struct ext2_fs *fs, struct ext2_ino *dir);
int dir_init(struct ext2_fs *fs, struct ext2_ino *dir, uint32_t parent);
int dir_next(struct ext2_fs *fs, struct ext2_ino *dir, uint64_t *pos, struct ext2_dirent_info *ent);

/* ---- path.c ---------------------------------------------------------- */
/* A directory is about to change: forget every cached name. */
void dcache_invalidate(struct ext2_fs *fs);
int path_resolve(struct ext2_fs *fs, const char *path, int follow_last, uint32_t *ino);
int path_parent(struct ext2_fs *fs, const char *path, uint32_t *dir, char *name, uint32_t *len);

/* ---- file.c ---------------------------------------------------------- */
int file_truncate(struct ext2_fs *fs, struct ext2_ino *in, uint64_t size);
long file_read(struct ext2_fs *fs, struct ext2_ino *in, uint64_t off, void *buf, size_t len);
long file_write(struct ext2_fs *fs, struct ext2_ino *in, uint64_t off, const void *buf, size_t len);
int file_release(struct ext2_fs *fs, struct ext2_ino *in);
long file_readlink(struct ext2_fs *fs, struct ext2_ino *in, char *buf, size_t len);

#endif
