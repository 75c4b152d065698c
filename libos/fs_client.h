/* The file-system client (DESIGN §6): the connections to the fs server
 * that the file calls use, and the path rules libos applies before a path
 * reaches a server.
 *
 * One connection per thread that makes file calls, made at its first file
 * call and closed when the thread exits: a connection's completions arrive
 * on the vector of the thread that made it (libos/ipc.h), so each thread
 * calls on its own and no lock is taken. The server keeps one open-file
 * table per client process, shared by all the process's connections, so a
 * descriptor opened on one thread works on every other (docs/posix.md has
 * the rules, servers/fs/fs_main.c the server's side). */
#ifndef LIBOS_FS_CLIENT_H
#define LIBOS_FS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <chime/ipc.h>
#include <chime/proto/fs.h>

struct ipc_conn;

/* The calling thread's fs connection, made at first use; NULL when no fs
 * server runs. Its data area (ipc_data) is the thread's own between two
 * calls: paths and small payloads go there. */
struct ipc_conn *fs_conn_self(void);

/* Send *req on c (the caller's fs_conn_self) and wait; *reply gets the
 * completion. Returns reply->result, CHIME_EPIPE once the server died. */
long fs_call(struct ipc_conn *c, const struct ipc_slot *req, struct ipc_slot *reply);

/* Lend [buf, buf + n) to the fs server for one request: returns the server
 * address or a negative code. fs_unlend gives it back. */
long fs_lend(struct ipc_conn *c, const void *buf, size_t n, unsigned prot);
void fs_unlend(struct ipc_conn *c, long server_va);

/* The lend cache (fs_lend.c): the server address of [buf, buf + n) inside
 * a lend of c that stays made for later requests (read and write), or a
 * negative code when buf may not be kept lent (see fs_lend.c). After a
 * request on it failed with CHIME_EFAULT, fs_lend_drop(c, buf) forgets the
 * lend (it was revoked). fs_lend_clear unlends everything (thread exit). */
long fs_lend_cached(struct ipc_conn *c, const void *buf, size_t n);
void fs_lend_drop(struct ipc_conn *c, const void *buf);
void fs_lend_clear(struct ipc_conn *c);

/* The absolute form of path against the cwd, in out (FS_PATH_MAX bytes):
 * its length without the NUL, or -ENAMETOOLONG / -ENOENT (an empty path).
 * "." and ".." stay for the server, which resolves them with the
 * symlinks. */
int fs_abspath(const char *path, char *out);

/* A CHIME_E* code of an fs reply as an errno value (> 0). */
int fs_errno(long r);

#endif
