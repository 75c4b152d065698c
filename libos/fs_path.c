/* The POSIX calls that name a file by path and go to the fs server (stat,
 * mkdir, rename, ...). Each path is made absolute against the cwd
 * (fs_cwd.c) straight into the calling thread's data area, and resolved,
 * "." and ".." and symlinks included, by the server. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chime/errno.h>

#include "fs_client.h"
#include "fs_stat.h"
#include "ipc.h"

static int fail(int err)
{
    errno = err;
    return -1;
}

/* Put one or two absolute paths at data-area offset 0, back to back, as
 * the two-path requests want them; *len is their bytes. Returns 0 or a
 * negative errno. */
static int stage_paths(char *data, uint64_t room, const char *a, const char *b, uint64_t *len)
{
    const char *p[2] = {a, b};
    uint64_t at = 0;

    for (int i = 0; i < 2 && p[i] != NULL; i++) {
        int n;

        if (room - at < FS_PATH_MAX)
            return -ENAMETOOLONG;
        n = fs_abspath(p[i], data + at);
        if (n < 0)
            return n;
        at += (uint64_t)n + 1;
    }
    *len = at;
    return 0;
}

/* One request naming paths a (and b), with arg, aux and offset. With
 * out_len > 0 the request has an output of out_len bytes (READLINK: up
 * to), put after the paths: copied to out, or with out NULL left in the
 * data area at *view. Returns the result or a negative errno. */
static long path_call(uint16_t op, const char *a, const char *b, uint64_t arg, uint32_t aux,
                      uint64_t offset, void *out, size_t out_len, const void **view)
{
    struct ipc_conn *c;
    struct ipc_slot *rq;
    uint64_t len, room;
    char *data;
    long r;

    if (a == NULL)
        return -EFAULT;
    c = fs_conn_self();
    if (c == NULL)
        return -ENOENT;
    data = ipc_data(c);
    room = ipc_data_size(c);
    r = stage_paths(data, room, a, b, &len);
    if (r < 0)
        return r;
    if (out_len > 0) {
        /* Output goes after the paths, 8-byte aligned. */
        arg = (len + 7) & ~7ull;
        if (arg + out_len > room)
            return -ENAMETOOLONG;
        if (op == FS_OP_READLINK)
            aux = (uint32_t)out_len;
    }
    rq = ipc_call_begin(c);
    rq->opcode = op;
    rq->flags = 0;
    rq->data = 0;
    rq->length = len;
    rq->arg = arg;
    rq->aux = aux;
    rq->offset = offset;
    r = ipc_call_end(c, rq)->result;
    if (r < 0)
        return -fs_errno(r);
    if (out != NULL)
        memcpy(out, data + arg, op == FS_OP_READLINK ? (size_t)r : out_len);
    else if (view != NULL)
        *view = data + arg;
    return r;
}

static int simple(uint16_t op, const char *a, const char *b, uint64_t arg, uint32_t aux,
                  uint64_t offset)
{
    long r = path_call(op, a, b, arg, aux, offset, NULL, 0, NULL);

    return r < 0 ? fail((int)-r) : 0;
}

static int stat_by(uint16_t op, const char *path, struct stat *st)
{
    const void *fst;
    long r = path_call(op, path, NULL, 0, 0, 0, NULL, sizeof(struct fs_stat), &fst);

    if (r < 0)
        return fail((int)-r);
    fs_stat_to_posix(fst, st);
    return 0;
}

int stat(const char *path, struct stat *st)
{
    return stat_by(FS_OP_STAT, path, st);
}

int lstat(const char *path, struct stat *st)
{
    return stat_by(FS_OP_LSTAT, path, st);
}

int mkdir(const char *path, mode_t mode)
{
    return simple(FS_OP_MKDIR, path, NULL, mode & ~fs_umask() & 07777, 0, 0);
}

int rmdir(const char *path)
{
    return simple(FS_OP_RMDIR, path, NULL, 0, 0, 0);
}

int unlink(const char *path)
{
    return simple(FS_OP_UNLINK, path, NULL, 0, 0, 0);
}

int rename(const char *from, const char *to)
{
    if (to == NULL)
        return fail(EFAULT);
    return simple(FS_OP_RENAME, from, to, 0, 0, 0);
}

int link(const char *existing, const char *new_path)
{
    if (new_path == NULL)
        return fail(EFAULT);
    return simple(FS_OP_LINK, existing, new_path, 0, 0, 0);
}

/* The target is stored as given, not made absolute: stage it raw, the
 * link's absolute path after it. */
int symlink(const char *target, const char *link_path)
{
    struct ipc_conn *c;
    char *data;
    size_t t;
    long r;
    int n;

    if (target == NULL || link_path == NULL)
        return fail(EFAULT);
    t = strnlen(target, FS_PATH_MAX);
    if (t == 0)
        return fail(ENOENT);
    if (t >= FS_PATH_MAX)
        return fail(ENAMETOOLONG);
    c = fs_conn_self();
    if (c == NULL)
        return fail(ENOENT);
    if (ipc_data_size(c) < 2 * FS_PATH_MAX)
        return fail(ENAMETOOLONG);
    data = ipc_data(c);
    memcpy(data, target, t + 1);
    if ((n = fs_abspath(link_path, data + t + 1)) < 0)
        return fail(-n);
    struct ipc_slot rq = {.opcode = FS_OP_SYMLINK, .data = 0, .length = t + 1 + (size_t)n + 1}, cpl;
    r = fs_call(c, &rq, &cpl);
    return r < 0 ? fail(fs_errno(r)) : 0;
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
    long r;

    if (size == 0)
        return fail(EINVAL);
    if (size > FS_PATH_MAX)
        size = FS_PATH_MAX;
    r = path_call(FS_OP_READLINK, path, NULL, 0, 0, 0, buf, size, NULL);
    return r < 0 ? fail((int)-r) : (ssize_t)r;
}

int truncate(const char *path, off_t size)
{
    if (size < 0)
        return fail(EINVAL);
    return simple(FS_OP_TRUNCATE, path, NULL, 0, 0, (uint64_t)size);
}

int access(const char *path, int amode)
{
    if (amode & ~(F_OK | R_OK | W_OK | X_OK))
        return fail(EINVAL);
    return simple(FS_OP_ACCESS, path, NULL, 0, (uint32_t)amode, 0);
}

int chmod(const char *path, mode_t mode)
{
    return simple(FS_OP_CHMOD, path, NULL, mode & 07777, 0, 0);
}

void sync(void)
{
    struct ipc_conn *c = fs_conn_self();
    struct ipc_slot rq = {.opcode = FS_OP_SYNC}, cpl;

    if (c != NULL)
        fs_call(c, &rq, &cpl);
}
