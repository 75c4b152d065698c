/* fsgen: a seeded generator of file-system operations, for model tests.
 *
 * It emits a sequence of POSIX-style operations (open, read, write, lseek,
 * truncate, rename, link, symlink, unlink, mkdir, rmdir, ...) over a small
 * tree, keeping its own picture of the tree and of the open descriptors so
 * its choices stay interesting. The caller applies each operation to the
 * systems under test and reports whether it succeeded (fsgen_done): two
 * systems that agree on every result see the same sequence, so a host test
 * can compare the fs server's handler with a host directory, and a guest
 * program can replay the same seed through libos.
 *
 * Plain C11 with <stdint.h> and <string.h> only: it builds for the host and
 * for the guest. Paths are relative to the tree's root, without a leading
 * '/'. */
#ifndef FSGEN_H
#define FSGEN_H

#include <stddef.h>
#include <stdint.h>

#define FSGEN_FDS         16 /* descriptor slots */
#define FSGEN_CLIENTS     3  /* connections the descriptors are spread over */
#define FSGEN_MAX_ENTRIES 400
#define FSGEN_PATH        1100 /* room for a path (a few long names deep) */
#define FSGEN_MAX_IO      (1u << 20)
#define FSGEN_MAX_FILE    (3u << 20)  /* offsets stay below this */
#define FSGEN_BUDGET      (48u << 20) /* rough bytes of file data kept on disk */

enum fsgen_kind {
    FSGEN_OPEN,      /* path, flags (FSGEN_O_*), mode -> fd slot */
    FSGEN_CLOSE,     /* fd */
    FSGEN_READ,      /* fd, len at the descriptor's offset */
    FSGEN_WRITE,     /* fd, len bytes of fsgen_fill(seed) at the offset */
    FSGEN_PREAD,     /* fd, off, len (offset unchanged) */
    FSGEN_PWRITE,    /* fd, off, len, seed */
    FSGEN_LSEEK,     /* fd, off (signed), whence (0 SET, 1 CUR, 2 END) */
    FSGEN_FTRUNCATE, /* fd, off */
    FSGEN_FSTAT,     /* fd */
    FSGEN_FSYNC,     /* fd */
    FSGEN_TRUNCATE,  /* path, off */
    FSGEN_STAT,      /* path (lstat) */
    FSGEN_RENAME,    /* path -> path2 */
    FSGEN_LINK,      /* path -> path2 */
    FSGEN_SYMLINK,   /* target path, link path2 */
    FSGEN_UNLINK,    /* path */
    FSGEN_MKDIR,     /* path, mode */
    FSGEN_RMDIR,     /* path */
    FSGEN_KINDS
};

/* Open flags, as POSIX names them (the caller maps them). */
#define FSGEN_O_RDONLY    0u
#define FSGEN_O_WRONLY    1u
#define FSGEN_O_RDWR      2u
#define FSGEN_O_ACCMODE   3u
#define FSGEN_O_CREAT     (1u << 2)
#define FSGEN_O_EXCL      (1u << 3)
#define FSGEN_O_TRUNC     (1u << 4)
#define FSGEN_O_APPEND    (1u << 5)
#define FSGEN_O_DIRECTORY (1u << 6)

struct fsgen_op {
    enum fsgen_kind kind;
    int fd;     /* descriptor slot, 0 .. FSGEN_FDS-1 */
    int client; /* FSGEN_OPEN: which connection opens it */
    uint32_t flags;
    uint32_t mode;
    int whence;
    int64_t off;
    uint64_t len;
    uint64_t seed; /* data of writes: fsgen_fill(seed, ...) */
    char path[FSGEN_PATH];
    char path2[FSGEN_PATH];
};

/* What the generator believes is there. */
struct fsgen_entry {
    char path[FSGEN_PATH];
    char type;      /* 'f' file, 'd' directory, 'l' symlink */
    uint64_t bytes; /* rough size (for the space budget) */
};

struct fsgen_fd {
    int open;
    int client;
    uint32_t flags;
    int entry; /* index into entries, -1 once unlinked or unknown */
};

struct fsgen {
    uint64_t rng;
    uint64_t count; /* operations generated */
    size_t nentries;
    struct fsgen_entry entries[FSGEN_MAX_ENTRIES];
    struct fsgen_fd fds[FSGEN_FDS];
    uint64_t stats[FSGEN_KINDS][2]; /* [kind][0]: generated, [1]: succeeded */
};

/* Start a sequence; the tree is empty (the root only). */
void fsgen_init(struct fsgen *g, uint64_t seed);

/* The next operation. */
void fsgen_next(struct fsgen *g, struct fsgen_op *op);

/* Report the result of op on the systems under test (>= 0: success). */
void fsgen_done(struct fsgen *g, const struct fsgen_op *op, long result);

/* The bytes a write of op.seed carries. */
void fsgen_fill(uint64_t seed, void *buf, size_t len);

const char *fsgen_kind_name(enum fsgen_kind k);

/* The POSIX open() flags (O_*) for FSGEN_O_* flags f. */
int fsgen_posix_flags(uint32_t f);

#endif
