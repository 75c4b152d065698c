/* The file-system client (DESIGN §6): the connection to the fs server that
 * every file call shares, and the path rules libos applies before a path
 * reaches a server.
 *
 * One connection per process, made at the first file call; one lock
 * serialises the requests on it. A connection's completions arrive on the
 * vector of the thread that opened it (libos/ipc.h), so today file calls
 * belong to that thread: see docs/posix.md for the rule and its limit. */
#ifndef LIBOS_FS_CLIENT_H
#define LIBOS_FS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <chime/ipc.h>
#include <chime/proto/fs.h>

struct ipc_conn;

/* The calling thread's fs connection, made at first use; NULL when no fs
 * server runs (for the asynchronous calls, libos/fsio.h, which queue on
 * it without the lock). */
struct ipc_conn *fs_conn_self(void);

/* Send *req to the fs server and wait; *reply gets the completion. The
 * caller holds fs_lock (fs_begin / fs_end). Returns reply->result, or
 * CHIME_ENOENT when no fs server exists, CHIME_EPIPE once it died. */
long fs_call(struct ipc_slot *req, struct ipc_slot *reply);

/* Take and drop the lock every fs request is made under. fs_begin
 * connects first; it returns the data area (for paths and small payloads)
 * and its size in *size, or NULL when no fs server exists. */
void *fs_begin(uint64_t *size);
void fs_end(void);

/* Lend [buf, buf + n) to the fs server for one request: returns the server
 * address or a negative code. fs_unlend gives it back. */
long fs_lend(const void *buf, size_t n, unsigned prot);
void fs_unlend(long server_va);

/* The absolute form of path against the cwd, in out (FS_PATH_MAX bytes):
 * 0, or -ENAMETOOLONG / -ENOENT (an empty path). "." and ".." stay for
 * the server, which resolves them with the symlinks. */
int fs_abspath(const char *path, char *out);

/* A CHIME_E* code of an fs reply as an errno value (> 0). */
int fs_errno(long r);

#endif
