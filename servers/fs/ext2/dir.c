/* Directories: linear lists of struct ext2_dirent records filling each
 * directory block. Every record is validated before it is used, so a
 * corrupt rec_len or name_len ends in EXT2_ECORRUPT, never an overrun.
 *
 * An htree-indexed directory (dir_index) reads as a linear one: its index
 * blocks look like free records. Changing such a directory clears its
 * index flag, as ext2 drivers without htree support do. */
#include <string.h>

#include "ext2_priv.h"

#define NO_PREV UINT32_MAX

/* Position of a walk: the pinned block, the record and the one before it. */
struct dir_walk {
    struct ext2_buf *buf;
    uint64_t lblk;
    uint32_t off;  /* offset of the current record in the block */
    uint32_t prev; /* offset of the record before it, or NO_PREV */
};

typedef int (*dirent_fn)(struct ext2_fs *fs, struct dir_walk *w, struct ext2_dirent *de, void *arg);

static struct ext2_dirent *dirent_at(const struct dir_walk *w, uint32_t off)
{
    return (struct ext2_dirent *)(w->buf->data + off);
}

/* Check the record at off of a directory block; returns 0 if it is sound. */
static int dirent_check(struct ext2_fs *fs, const struct ext2_ino *dir, const struct dir_walk *w)
{
    uint32_t bs = fs->block_size;
    const struct ext2_dirent *de = dirent_at(w, w->off);
    if (w->off + 8 > bs || de->rec_len < 8 || (de->rec_len & 3) || w->off + de->rec_len > bs)
        return ext2_fail(fs, EXT2_ECORRUPT, "directory %u block %llu: bad rec_len at %u", dir->ino,
                         (unsigned long long)w->lblk, w->off);
    if (de->inode && (de->name_len == 0 || 8u + de->name_len > de->rec_len))
        return ext2_fail(fs, EXT2_ECORRUPT, "directory %u block %llu: bad name_len at %u", dir->ino,
                         (unsigned long long)w->lblk, w->off);
    if (de->inode > fs->sb.s_inodes_count)
        return ext2_fail(fs, EXT2_ECORRUPT, "directory %u: entry names inode %u", dir->ino,
                         de->inode);
    return 0;
}

/* Number of blocks in a directory; its size must be whole blocks. */
static int dir_blocks(struct ext2_fs *fs, const struct ext2_ino *dir, uint64_t *n)
{
    uint64_t size = inode_size(&dir->raw);
    if (size % fs->block_size)
        return ext2_fail(fs, EXT2_ECORRUPT, "directory %u: size %llu not whole blocks", dir->ino,
                         (unsigned long long)size);
    *n = size / fs->block_size;
    return 0;
}

/* Pin directory block lblk; a hole in a directory is corruption. */
static int dir_block(struct ext2_fs *fs, struct ext2_ino *dir, uint64_t lblk, struct ext2_buf **out)
{
    uint32_t pblk;
    int err = bmap_get(fs, dir, lblk, &pblk);
    if (err)
        return err;
    if (!pblk)
        return ext2_fail(fs, EXT2_ECORRUPT, "directory %u: hole at block %llu", dir->ino,
                         (unsigned long long)lblk);
    return cache_get(fs, pblk, out);
}

/* Call fn on every record of dir (free ones too) until it returns nonzero;
 * returns that value, or 0 when all were visited. */
static int dir_walk(struct ext2_fs *fs, struct ext2_ino *dir, dirent_fn fn, void *arg)
{
    uint64_t nblocks = 0;
    int err = dir_blocks(fs, dir, &nblocks);
    if (err)
        return err;
    for (uint64_t lblk = 0; lblk < nblocks; lblk++) {
        struct dir_walk w = {.lblk = lblk, .prev = NO_PREV};
        err = dir_block(fs, dir, lblk, &w.buf);
        if (err)
            return err;
        int r = 0;
        for (w.off = 0; w.off < fs->block_size && r == 0;) {
            r = dirent_check(fs, dir, &w);
            if (r)
                break;
            struct ext2_dirent *de = dirent_at(&w, w.off);
            r = fn(fs, &w, de, arg);
            w.prev = w.off;
            w.off += de->rec_len;
        }
        cache_put(w.buf);
        if (r)
            return r;
    }
    return 0;
}

/* A name to find, and what was found. */
struct dir_name {
    const char *name;
    uint32_t len;
    uint32_t ino;  /* lookup: the entry's inode; retarget: the new one */
    uint8_t ftype; /* retarget: the new file type */
};

static int name_matches(const struct ext2_dirent *de, const struct dir_name *n)
{
    return de->inode && de->name_len == n->len && memcmp(de->name, n->name, n->len) == 0;
}

static int lookup_fn(struct ext2_fs *fs, struct dir_walk *w, struct ext2_dirent *de, void *arg)
{
    struct dir_name *n = arg;
    if (!name_matches(de, n))
        return 0;
    n->ino = de->inode;
    return 1;
}

/* Find name in dir: 0 and *ino, or ENOENT. */
int dir_lookup(struct ext2_fs *fs, struct ext2_ino *dir, const char *name, uint32_t len,
               uint32_t *ino)
{
    struct dir_name n = {.name = name, .len = len};
    int r = dir_walk(fs, dir, lookup_fn, &n);
    if (r < 0)
        return r;
    if (r == 0)
        return EXT2_ENOENT;
    *ino = n.ino;
    return 0;
}

/* Clear the htree flag before the first change to an indexed directory. */
static int dir_drop_index(struct ext2_fs *fs, struct ext2_ino *dir)
{
    dcache_invalidate(fs); /* every change to a directory comes through here */
    if (!(dir->raw.i_flags & EXT2_INDEX_FL))
        return 0;
    dir->raw.i_flags &= ~EXT2_INDEX_FL;
    return inode_store(fs, dir);
}

static void dirent_fill(struct ext2_fs *fs, struct ext2_dirent *de, const struct dir_name *n)
{
    de->inode = n->ino;
    de->name_len = (uint8_t)n->len;
    de->file_type = ext2_has_filetype(fs) ? n->ftype : 0;
    memcpy(de->name, n->name, n->len);
}

/* Place the new entry in a free record, or in the slack after a used one. */
static int add_fn(struct ext2_fs *fs, struct dir_walk *w, struct ext2_dirent *de, void *arg)
{
    struct dir_name *n = arg;
    uint32_t need = EXT2_DIRENT_LEN(n->len);
    if (!de->inode && de->rec_len >= need) {
        dirent_fill(fs, de, n);
    } else if (de->inode && de->rec_len - EXT2_DIRENT_LEN(de->name_len) >= need) {
        uint32_t used = EXT2_DIRENT_LEN(de->name_len);
        struct ext2_dirent *nde = dirent_at(w, w->off + used);
        nde->rec_len = (uint16_t)(de->rec_len - used);
        de->rec_len = (uint16_t)used;
        dirent_fill(fs, nde, n);
    } else {
        return 0;
    }
    cache_dirty(w->buf);
    return 1;
}

/* Grow dir by one block holding just the new entry. */
static int dir_append_block(struct ext2_fs *fs, struct ext2_ino *dir, const struct dir_name *n)
{
    uint64_t nblocks = inode_size(&dir->raw) / fs->block_size;
    if (nblocks + 1 > 0xffffffffull / fs->block_size)
        return EXT2_EFBIG;
    uint32_t pblk;
    int fresh;
    int err = bmap_alloc(fs, dir, nblocks, 0, &pblk, &fresh);
    if (err) {
        inode_store(fs, dir); /* keep any indirect blocks it did allocate */
        return err;
    }
    struct ext2_buf *b;
    err = cache_get_zero(fs, pblk, &b);
    if (err)
        return err;
    struct ext2_dirent *de = (struct ext2_dirent *)b->data;
    de->rec_len = (uint16_t)fs->block_size;
    dirent_fill(fs, de, n);
    cache_put(b);
    dir->raw.i_size = (uint32_t)((nblocks + 1) * fs->block_size);
    return 0;
}

/* Add entry name -> ino to dir. The caller has checked that name is absent.
 * Updates and stores dir (size, times). */
int dir_add(struct ext2_fs *fs, struct ext2_ino *dir, const char *name, uint32_t len, uint32_t ino,
            uint8_t ftype)
{
    struct dir_name n = {.name = name, .len = len, .ino = ino, .ftype = ftype};
    int err = dir_drop_index(fs, dir);
    if (err)
        return err;
    int r = dir_walk(fs, dir, add_fn, &n);
    if (r < 0)
        return r;
    if (r == 0) {
        err = dir_append_block(fs, dir, &n);
        if (err)
            return err;
    }
    dir->raw.i_mtime = dir->raw.i_ctime = ext2_now(fs);
    return inode_store(fs, dir);
}

/* Remove the entry: merge it into the record before it, or free it in
 * place when it is first in its block. */
static int remove_fn(struct ext2_fs *fs, struct dir_walk *w, struct ext2_dirent *de, void *arg)
{
    struct dir_name *n = arg;
    if (!name_matches(de, n))
        return 0;
    n->ino = de->inode;
    if (w->prev != NO_PREV)
        dirent_at(w, w->prev)->rec_len += de->rec_len;
    else
        de->inode = 0;
    cache_dirty(w->buf);
    return 1;
}

/* Remove name from dir (ENOENT if absent). Updates and stores dir. */
int dir_remove(struct ext2_fs *fs, struct ext2_ino *dir, const char *name, uint32_t len)
{
    struct dir_name n = {.name = name, .len = len};
    int err = dir_drop_index(fs, dir);
    if (err)
        return err;
    int r = dir_walk(fs, dir, remove_fn, &n);
    if (r < 0)
        return r;
    if (r == 0)
        return EXT2_ENOENT;
    dir->raw.i_mtime = dir->raw.i_ctime = ext2_now(fs);
    return inode_store(fs, dir);
}

static int retarget_fn(struct ext2_fs *fs, struct dir_walk *w, struct ext2_dirent *de, void *arg)
{
    struct dir_name *n = arg;
    if (!name_matches(de, n))
        return 0;
    de->inode = n->ino;
    de->file_type = ext2_has_filetype(fs) ? n->ftype : 0;
    cache_dirty(w->buf);
    return 1;
}

/* Point the existing entry name of dir at ino. Updates and stores dir. */
int dir_retarget(struct ext2_fs *fs, struct ext2_ino *dir, const char *name, uint32_t len,
                 uint32_t ino, uint8_t ftype)
{
    struct dir_name n = {.name = name, .len = len, .ino = ino, .ftype = ftype};
    int err = dir_drop_index(fs, dir);
    if (err)
        return err;
    int r = dir_walk(fs, dir, retarget_fn, &n);
    if (r < 0)
        return r;
    if (r == 0)
        return EXT2_ENOENT;
    dir->raw.i_mtime = dir->raw.i_ctime = ext2_now(fs);
    return inode_store(fs, dir);
}

static int is_dot(const struct ext2_dirent *de)
{
    return (de->name_len == 1 && de->name[0] == '.') ||
           (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.');
}

static int nonempty_fn(struct ext2_fs *fs, struct dir_walk *w, struct ext2_dirent *de, void *arg)
{
    return de->inode && !is_dot(de);
}

/* 1 if dir holds nothing but "." and "..", 0 if it holds more, or an error. */
int dir_is_empty(struct ext2_fs *fs, struct ext2_ino *dir)
{
    int r = dir_walk(fs, dir, nonempty_fn, NULL);
    if (r < 0)
        return r;
    return r == 0;
}

/* Give the new, empty directory dir its first block with "." and "..". */
int dir_init(struct ext2_fs *fs, struct ext2_ino *dir, uint32_t parent)
{
    dcache_invalidate(fs);
    uint32_t pblk;
    int fresh;
    int err = bmap_alloc(fs, dir, 0, 0, &pblk, &fresh);
    if (err)
        return err;
    struct ext2_buf *b;
    err = cache_get_zero(fs, pblk, &b);
    if (err)
        return err;
    struct ext2_dirent *dot = (struct ext2_dirent *)b->data;
    struct dir_name n1 = {.name = ".", .len = 1, .ino = dir->ino, .ftype = EXT2_FT_DIR};
    dot->rec_len = 12;
    dirent_fill(fs, dot, &n1);
    struct ext2_dirent *dotdot = (struct ext2_dirent *)(b->data + 12);
    struct dir_name n2 = {.name = "..", .len = 2, .ino = parent, .ftype = EXT2_FT_DIR};
    dotdot->rec_len = (uint16_t)(fs->block_size - 12);
    dirent_fill(fs, dotdot, &n2);
    cache_put(b);
    dir->raw.i_size = fs->block_size;
    return 0;
}

/* Resume state of dir_next: the first record at or after a byte offset. */
struct dir_cursor {
    uint32_t skip_below;
    struct ext2_dirent_info *ent;
    uint64_t next;
};

static int next_fn(struct ext2_fs *fs, struct dir_walk *w, struct ext2_dirent *de, void *arg)
{
    struct dir_cursor *c = arg;
    if (w->off < c->skip_below || !de->inode)
        return 0;
    c->ent->ino = de->inode;
    c->ent->type = ext2_has_filetype(fs) ? de->file_type : EXT2_FT_UNKNOWN;
    c->ent->name_len = de->name_len;
    memcpy(c->ent->name, de->name, de->name_len);
    c->ent->name[de->name_len] = '\0';
    c->next = w->lblk * fs->block_size + w->off + de->rec_len;
    return 1;
}

/* Fill ent with the first used entry at byte offset >= *pos and advance
 * *pos past it. Returns 1, or 0 at the end of the directory. */
int dir_next(struct ext2_fs *fs, struct ext2_ino *dir, uint64_t *pos, struct ext2_dirent_info *ent)
{
    uint64_t nblocks = 0;
    int err = dir_blocks(fs, dir, &nblocks);
    if (err)
        return err;
    while (*pos / fs->block_size < nblocks) {
        struct dir_cursor c = {.skip_below = (uint32_t)(*pos % fs->block_size), .ent = ent};
        struct dir_walk w = {.lblk = *pos / fs->block_size, .prev = NO_PREV};
        err = dir_block(fs, dir, w.lblk, &w.buf);
        if (err)
            return err;
        int r = 0;
        for (w.off = 0; w.off < fs->block_size && r == 0;) {
            r = dirent_check(fs, dir, &w);
            if (r)
                break;
            struct ext2_dirent *de = dirent_at(&w, w.off);
            r = next_fn(fs, &w, de, &c);
            w.off += de->rec_len;
        }
        cache_put(w.buf);
        if (r < 0)
            return r;
        if (r == 1) {
            *pos = c.next;
            return 1;
        }
        *pos = (w.lblk + 1) * fs->block_size;
    }
    return 0;
}
