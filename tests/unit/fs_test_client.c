/* The host stand-in for an fs client connection (fs_test_client.h). */
#include "fs_test_client.h"

#include <stdlib.h>
#include <string.h>

#include <chime/types.h>

void tc_init(struct fs_tc *t, struct fs_server *s)
{
    memset(t, 0, sizeof(*t));
    t->s = s;
    t->cl = fs_client_new(s);
    t->data = calloc(1, TC_DATA_SIZE);
    t->sc.data = t->data;
    t->sc.data_size = TC_DATA_SIZE;
    t->sc.lends = t->lends;
    /* Host addresses are lent as they are: the window is all of memory. */
    t->sc.lend_base = 0;
    t->sc.lend_size = UINT64_MAX;
}

void tc_fini(struct fs_tc *t)
{
    fs_client_free(t->s, t->cl);
    free(t->data);
    t->cl = NULL;
    t->data = NULL;
}

long tc_call(struct fs_tc *t, const struct ipc_slot *req)
{
    struct ipc_slot copy = *req;

    memset(&t->cpl, 0, sizeof(t->cpl));
    t->cpl.tag = copy.tag;
    t->cpl.result = fs_request(t->s, t->cl, &t->sc, &copy, &t->cpl);
    return (long)t->cpl.result;
}

uint64_t tc_lend(struct fs_tc *t, void *p, uint64_t len, unsigned prot)
{
    for (unsigned i = 0; i < IPC_LEND_SLOTS; i++) {
        struct ipc_lend_entry *e = &t->lends[i];

        if (e->va == 0) {
            e->va = (uint64_t)(uintptr_t)p;
            e->len = len;
            e->prot = prot;
            e->gen++;
            return e->va;
        }
    }
    return 0;
}

void tc_unlend(struct fs_tc *t, uint64_t va)
{
    for (unsigned i = 0; i < IPC_LEND_SLOTS; i++) {
        struct ipc_lend_entry *e = &t->lends[i];

        if (e->va && e->va == va) {
            e->va = 0;
            e->len = 0;
            e->prot = 0;
            e->gen++;
        }
    }
}

/* Put one or two strings at the path offset; length covers both NULs. */
static uint64_t put_paths(struct fs_tc *t, const char *a, const char *b)
{
    size_t na = strlen(a) + 1, nb = b ? strlen(b) + 1 : 0;

    if (na + nb > TC_OUT_OFF)
        abort();
    memcpy(t->data + TC_PATH_OFF, a, na);
    if (b)
        memcpy(t->data + TC_PATH_OFF + na, b, nb);
    return na + nb;
}

long tc_open(struct fs_tc *t, const char *path, uint32_t flags, uint32_t mode)
{
    struct ipc_slot rq = {.opcode = FS_OP_OPEN, .aux = flags, .arg = mode};

    rq.data = TC_PATH_OFF;
    rq.length = put_paths(t, path, NULL);
    return tc_call(t, &rq);
}

long tc_close(struct fs_tc *t, long h)
{
    struct ipc_slot rq = {.opcode = FS_OP_CLOSE, .handle = (int32_t)h};

    return tc_call(t, &rq);
}

static long tc_io(struct fs_tc *t, uint16_t op, long h, uint64_t off, void *buf, uint64_t len)
{
    struct ipc_slot rq = {.opcode = op, .handle = (int32_t)h, .offset = off, .length = len};
    long r;

    if (len <= TC_IO_SMALL) {
        rq.data = TC_IO_OFF;
        if (op == FS_OP_WRITE)
            memcpy(t->data + TC_IO_OFF, buf, len);
        r = tc_call(t, &rq);
        if (op == FS_OP_READ && r > 0)
            memcpy(buf, t->data + TC_IO_OFF, (size_t)r);
        return r;
    }
    rq.flags = IPC_F_LENT;
    rq.data = tc_lend(t, buf, len, op == FS_OP_READ ? CHIME_PROT_WRITE : CHIME_PROT_READ);
    r = tc_call(t, &rq);
    tc_unlend(t, rq.data);
    return r;
}

long tc_read(struct fs_tc *t, long h, uint64_t off, void *buf, uint64_t len)
{
    return tc_io(t, FS_OP_READ, h, off, buf, len);
}

long tc_write(struct fs_tc *t, long h, uint64_t off, const void *buf, uint64_t len)
{
    return tc_io(t, FS_OP_WRITE, h, off, (void *)(uintptr_t)buf, len);
}

long tc_path(struct fs_tc *t, uint16_t op, const char *path, uint64_t arg, uint64_t offset)
{
    struct ipc_slot rq = {.opcode = op, .arg = arg, .offset = offset};

    rq.data = TC_PATH_OFF;
    rq.length = put_paths(t, path, NULL);
    return tc_call(t, &rq);
}

long tc_path2(struct fs_tc *t, uint16_t op, const char *a, const char *b)
{
    struct ipc_slot rq = {.opcode = op};

    rq.data = TC_PATH_OFF;
    rq.length = put_paths(t, a, b);
    return tc_call(t, &rq);
}

long tc_stat(struct fs_tc *t, uint16_t op, const char *path, struct fs_stat *st)
{
    long r = tc_path(t, op, path, TC_OUT_OFF, 0);

    if (r == 0)
        memcpy(st, t->data + TC_OUT_OFF, sizeof(*st));
    return r;
}

long tc_fstat(struct fs_tc *t, long h, struct fs_stat *st)
{
    struct ipc_slot rq = {.opcode = FS_OP_FSTAT, .handle = (int32_t)h, .arg = TC_OUT_OFF};
    long r = tc_call(t, &rq);

    if (r == 0)
        memcpy(st, t->data + TC_OUT_OFF, sizeof(*st));
    return r;
}

long tc_handle_op(struct fs_tc *t, uint16_t op, long h, uint64_t offset)
{
    struct ipc_slot rq = {.opcode = op, .handle = (int32_t)h, .offset = offset};

    return tc_call(t, &rq);
}

long tc_readlink(struct fs_tc *t, const char *path, char *buf, uint64_t len)
{
    struct ipc_slot rq = {.opcode = FS_OP_READLINK, .arg = TC_OUT_OFF, .aux = (uint32_t)len};
    long r;

    rq.data = TC_PATH_OFF;
    rq.length = put_paths(t, path, NULL);
    r = tc_call(t, &rq);
    if (r > 0)
        memcpy(buf, t->data + TC_OUT_OFF, (size_t)r);
    return r;
}

long tc_statfs(struct fs_tc *t, struct fs_statfs *sf)
{
    struct ipc_slot rq = {.opcode = FS_OP_STATFS, .arg = TC_OUT_OFF};
    long r = tc_call(t, &rq);

    if (r == 0)
        memcpy(sf, t->data + TC_OUT_OFF, sizeof(*sf));
    return r;
}

long tc_readdir(struct fs_tc *t, long h, uint64_t cookie, uint64_t room, uint64_t *next)
{
    struct ipc_slot rq = {.opcode = FS_OP_READDIR,
                          .handle = (int32_t)h,
                          .offset = cookie,
                          .data = TC_IO_OFF,
                          .length = room};
    long r = tc_call(t, &rq);

    if (next)
        *next = t->cpl.offset;
    return r;
}
