/* Files of the fs server as descriptors: what the files of that kind share
 * (fs_file.c the descriptor ops and open, fs_io.c the transfers,
 * fs_fdcalls.c the calls only files have, fs_inherit.c posix_spawn). */
#ifndef LIBOS_FS_FILE_H
#define LIBOS_FS_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <chime/proto/fs.h>

#include "fd.h"

/* An open file of the fs server; its descriptor-table file lives in it
 * (one allocation, recycled: fs_file.c), with priv pointing back here. */
struct fs_file {
    struct libos_file file;
    int32_t handle;       /* the server's, good on every thread's connection */
    uint32_t mode;        /* type and permissions at open */
    char *path;           /* absolute, as opened: a child reopens it (inherit) */
    struct fs_file *next; /* on the free list (fs_file.c) */
    char inline_path[104] __attribute__((aligned(8))); /* path, when it fits */
};

extern const struct fd_ops fs_file_ops;

static inline int32_t fs_handle_of(struct libos_file *f)
{
    return ((struct fs_file *)f->priv)->handle;
}

/* READ or WRITE (op) of n bytes at file offset off on handle: returns the
 * bytes moved or a negative errno; *end (may be NULL) gets the offset
 * after a write, which is the append position for O_APPEND. */
ssize_t fs_transfer(int32_t handle, uint16_t op, void *buf, size_t n, uint64_t off, uint64_t *end);

/* One request with no path and no payload (CLOSE, FSYNC, ...) on handle:
 * its result or a negative errno. */
long fs_handle_call(uint16_t op, int32_t handle, uint64_t offset);

/* The calling thread's recycled fs_file structs go (at its exit). */
void fs_file_spares_free(void);

/* For posix_spawn (fs_inherit.c). */
int fs_file_inherit(struct libos_file *f, long space, struct libos_fd_record *rec);

#endif
