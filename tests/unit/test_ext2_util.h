/* Helpers shared by the ext2 host tests: images, mounting through the
 * file-backed block device, tree comparison and a seeded generator. */
#ifndef TEST_EXT2_UTIL_H
#define TEST_EXT2_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "ext2.h"
#include "filedev.h"

/* A library mount of an image file. */
struct tx_mount {
    struct filedev fd;
    struct ext2_blockdev dev;
    struct ext2_fs *fs;
};

/* Mount img (read-only if ro) with a cache of `cache` blocks (0 = default).
 * On failure returns the error and leaves the message in msg. */
int tx_mount(struct tx_mount *m, const char *img, int ro, unsigned cache, char *msg, size_t msglen);
int tx_unmount(struct tx_mount *m);

/* Run a shell command built from fmt; returns its exit status. */
int tx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

char *tx_mkdtemp(void); /* a fresh directory under $TMPDIR (caller frees the string) */
void tx_rmrf(const char *path);
int tx_write_file(const char *path, const void *data, size_t len, unsigned mode);

/* Compare host tree `host` with the ext2 directory `path` on fs: names,
 * types, modes, sizes, link counts, contents and symlink targets. A
 * "lost+found" the host lacks is ignored at the top. Returns 0 if equal,
 * else 1 with the first difference described in why. */
int tx_compare_ext2(struct ext2_fs *fs, const char *host, char *why, size_t whylen);

/* Compare two host trees (names, types, permission bits, sizes, contents,
 * symlink targets; not link counts). Returns 0 if equal. */
int tx_compare_trees(const char *a, const char *b, char *why, size_t whylen);

/* Seeded pseudo-random numbers (splitmix64). */
uint64_t tx_rand(uint64_t *state);
void tx_fill(uint64_t *state, void *buf, size_t len);

#endif
