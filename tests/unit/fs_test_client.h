/* A host stand-in for a client connection to the fs server: a data area, a
 * lend table the test writes as the kernel would, and calls that build
 * descriptors and run them through fs_request like ipc_server_run does
 * (copy once, serve, return the completion). */
#ifndef FS_TEST_CLIENT_H
#define FS_TEST_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "servers/fs/fs_server.h"

#define TC_DATA_SIZE (CHIME_IPC_BUF_MAX / 16 - IPC_DATA_OFFSET) /* a 64 KiB buffer's area */
#define TC_PATH_OFF  0u                                         /* paths: up to 2 * FS_PATH_MAX */
#define TC_OUT_OFF   (2u * FS_PATH_MAX)         /* fixed outputs (stat, statfs, readlink) */
#define TC_IO_OFF    (4u * FS_PATH_MAX)         /* small I/O payloads */
#define TC_IO_SMALL  (TC_DATA_SIZE - TC_IO_OFF) /* larger I/O is lent */

struct fs_tc {
    struct fs_server *s;
    struct fs_client *cl;
    struct ipc_sconn sc;
    uint8_t *data;
    struct ipc_lend_entry lends[IPC_LEND_SLOTS];
    struct ipc_slot cpl;                      /* the last completion */
    void (*hook)(struct fs_tc *t, void *ctx); /* run by the test's block device */
};

void tc_init(struct fs_tc *t, struct fs_server *s);
void tc_fini(struct fs_tc *t); /* the client "exits": its handles close */

/* Serve req as the server loop would; returns the result (cpl in t->cpl). */
long tc_call(struct fs_tc *t, const struct ipc_slot *req);

/* Lend [p, p+len) with prot as the kernel would: returns the address the
 * server sees (here the same), or 0 when the table is full. */
uint64_t tc_lend(struct fs_tc *t, void *p, uint64_t len, unsigned prot);
void tc_unlend(struct fs_tc *t, uint64_t va);

long tc_open(struct fs_tc *t, const char *path, uint32_t flags, uint32_t mode);
long tc_close(struct fs_tc *t, long h);
/* READ/WRITE through the data area (small) or a lend (large). */
long tc_read(struct fs_tc *t, long h, uint64_t off, void *buf, uint64_t len);
long tc_write(struct fs_tc *t, long h, uint64_t off, const void *buf, uint64_t len);
/* One-path requests: path, with arg and offset as the opcode wants. */
long tc_path(struct fs_tc *t, uint16_t op, const char *path, uint64_t arg, uint64_t offset);
long tc_path2(struct fs_tc *t, uint16_t op, const char *a, const char *b);
long tc_stat(struct fs_tc *t, uint16_t op, const char *path, struct fs_stat *st);
long tc_fstat(struct fs_tc *t, long h, struct fs_stat *st);
long tc_handle_op(struct fs_tc *t, uint16_t op, long h, uint64_t offset);
long tc_readlink(struct fs_tc *t, const char *path, char *buf, uint64_t len);
long tc_statfs(struct fs_tc *t, struct fs_statfs *sf);
/* READDIR into the data area; the records are at t->data + TC_IO_OFF. */
long tc_readdir(struct fs_tc *t, long h, uint64_t cookie, uint64_t room, uint64_t *next);

#endif
