/* The ext2 library: mount an ext2 image reached through a block device
 * interface and operate on its files.
 *
 * The library keeps no global state: everything lives in the struct ext2_fs
 * that ext2_mount() returns, so one server can mount several disks. It is not
 * thread-safe per fs; callers serialise operations on one fs.
 *
 * Paths are '/'-separated and resolved from the root ("a/b" = "/a/b").
 * Symbolic links are followed in every component but the last, and in the
 * last too where noted. All functions return >= 0 on success or a negative
 * EXT2_E* / CHIME_E* code (ext2_err.h); on EXT2_ECORRUPT, EXT2_ENOTSUP and
 * mount failures, ext2_errmsg() says what was wrong. */
#ifndef EXT2_H
#define EXT2_H

#include <stddef.h>
#include <stdint.h>

#include "ext2_err.h"

#define EXT2_SECTOR_SIZE 512u
/* Longest path in bytes without its NUL (POSIX PATH_MAX = 4096 with it), and
 * longest symlink target followed; a longer one is EXT2_ENAMETOOLONG. */
#define EXT2_PATH_MAX    4095u
#define EXT2_SYMLINK_MAX 40 /* symlinks followed in one resolution: more is EXT2_ELOOP */

/* The block device under a file system, in 512-byte sectors. The library
 * checks every access against both the file system size and `sectors`
 * before calling read or write, and refuses to mount a file system larger
 * than the device. Each callback returns 0 or a negative code. */
struct ext2_blockdev {
    void *ctx;        /* passed back to every callback */
    uint64_t sectors; /* device size in sectors */
    int (*read)(void *ctx, uint64_t sector, uint32_t count, void *buf);
    int (*write)(void *ctx, uint64_t sector, uint32_t count, const void *buf);
    int (*flush)(void *ctx); /* make completed writes durable; may be NULL */
};

/* Mount options; a zeroed struct picks defaults. */
struct ext2_mount_opts {
    unsigned cache_blocks;      /* block cache size; 0 = 256 blocks */
    int read_only;              /* refuse every write */
    uint32_t uid, gid;          /* owner of created files */
    uint32_t (*now)(void *ctx); /* clock for timestamps (seconds); NULL = 0 */
    void *now_ctx;
    /* Nonzero while inode ino is open somewhere (NULL: never). An inode
     * whose last link goes while it is open keeps its storage, with no
     * links, until ext2_release(); POSIX unlink-while-open. */
    int (*is_open)(void *ctx, uint32_t ino);
    void *open_ctx;
};

#define EXT2_MOUNT_RO_FORCED 1 /* ext2_fs_flags(): mounted read-only by an unknown ro feature */

/* File attributes (stat). */
struct ext2_stat {
    uint32_t ino;
    uint32_t mode; /* type and permissions, as POSIX st_mode */
    uint32_t uid, gid;
    uint32_t nlink;
    uint64_t size;
    uint64_t blocks; /* 512-byte units allocated */
    uint32_t atime, mtime, ctime;
};

/* File system totals (statfs / df). */
struct ext2_statfs {
    uint32_t block_size;
    uint64_t blocks, free_blocks, reserved_blocks;
    uint64_t inodes, free_inodes;
};

/* One directory entry from ext2_readdir(). */
struct ext2_dirent_info {
    uint32_t ino;
    uint8_t type; /* EXT2_FT_* or EXT2_FT_UNKNOWN without the filetype feature */
    uint8_t name_len;
    char name[256]; /* NUL-terminated */
};

/* Copy counters, for the zero-copy benchmark. */
struct ext2_counters {
    uint64_t bytes_read;   /* file bytes returned by ext2_read */
    uint64_t bytes_copied; /* of those, bytes memcpy'd from the cache */
    uint64_t bytes_direct; /* bytes the device wrote straight into the caller's buffer */
    uint64_t cache_hits, cache_misses;
};

struct ext2_fs;

/* Mount the file system on dev. On success *out owns dev's use until
 * ext2_unmount. On failure returns an error and, if errbuf is not NULL,
 * writes a message naming what was refused (at most errlen bytes). */
int ext2_mount(struct ext2_fs **out, const struct ext2_blockdev *dev,
               const struct ext2_mount_opts *opts, char *errbuf, size_t errlen);

/* Write back everything and free the fs (also on error: the fs is gone). */
int ext2_unmount(struct ext2_fs *fs);

/* Write every dirty block, the group descriptors and the superblock, then flush. */
int ext2_sync(struct ext2_fs *fs);

const char *ext2_errmsg(const struct ext2_fs *fs); /* last error's detail, or "" */
int ext2_fs_flags(const struct ext2_fs *fs);       /* EXT2_MOUNT_* */
int ext2_is_read_only(const struct ext2_fs *fs);
void ext2_get_counters(const struct ext2_fs *fs, struct ext2_counters *out);

/* The block cache's memory, fixed for the life of the mount: a block device
 * may arrange for the disk to DMA straight into it (the fs server lends it
 * to the blk driver). */
void ext2_cache_memory(const struct ext2_fs *fs, void **base, size_t *len);

/* Name resolution. follow_last: follow a symlink in the last component. */
int ext2_lookup(struct ext2_fs *fs, const char *path, int follow_last, uint32_t *ino);
/* Changes whenever any directory changes: a path resolved to an inode
 * resolves to the same one while this stays the same. */
uint32_t ext2_names_gen(const struct ext2_fs *fs);

/* Inode operations. Offsets and sizes are in bytes. */
int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st);
long ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, size_t len);
long ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, size_t len);
int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size);
long ext2_readlink(struct ext2_fs *fs, uint32_t ino, char *buf, size_t len);

/* Directory iteration: start with *cookie = 0; returns 1 and fills *ent for
 * each entry ("." and ".." included), 0 at the end. */
int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *cookie, struct ext2_dirent_info *ent);

/* Namespace operations. mode carries permission bits only. */
int ext2_create(struct ext2_fs *fs, const char *path, uint32_t mode, uint32_t *ino);
int ext2_mkdir(struct ext2_fs *fs, const char *path, uint32_t mode);
int ext2_unlink(struct ext2_fs *fs, const char *path);
int ext2_rmdir(struct ext2_fs *fs, const char *path);
int ext2_rename(struct ext2_fs *fs, const char *from, const char *to);
int ext2_link(struct ext2_fs *fs, const char *existing, const char *newpath);
int ext2_symlink(struct ext2_fs *fs, const char *target, const char *linkpath);
int ext2_chmod(struct ext2_fs *fs, uint32_t ino, uint32_t mode);

/* The last open reference to ino went: free it if no link is left (an
 * inode that was unlinked while open). Returns 1 if it was freed, 0 if it
 * still has links. */
int ext2_release(struct ext2_fs *fs, uint32_t ino);

int ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *out);

#endif
