/* The POSIX calls that name a file by path and go to the fs server (stat,
 * mkdir, rename, ...), and the process's cwd and umask, which live in
 * libos: a relative path is made absolute here (fs_abspath) and resolved,
 * "." and ".." and symlinks included, by the server.
 *
 * The cwd is a string, set by chdir after the server confirmed a
 * directory. A program starts in $PWD when that is an absolute path (a
 * spawning parent passes its environment, and chdir keeps PWD current),
 * else in "/". */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <chime/errno.h>

#include "fs_client.h"
#include "fs_stat.h"

static char cwd[FS_PATH_MAX];
static mode_t cmask = 022;

static int fail(int err)
{
    errno = err;
    return -1;
}

static const char *cwd_now(void)
{
    if (cwd[0] == '\0') {
        const char *pwd = getenv("PWD");

        if (pwd != NULL && pwd[0] == '/' && strlen(pwd) < sizeof(cwd))
            strcpy(cwd, pwd);
        else
            strcpy(cwd, "/");
    }
    return cwd;
}

int fs_abspath(const char *path, char *out)
{
    size_t n = strnlen(path, FS_PATH_MAX);

    if (n == 0)
        return -ENOENT;
    if (n >= FS_PATH_MAX)
        return -ENAMETOOLONG;
    if (path[0] == '/') {
        memcpy(out, path, n + 1);
        return 0;
    }
    const char *base = cwd_now();
    size_t b = strlen(base);
    int slash = base[b - 1] != '/';

    if (b + slash + n >= FS_PATH_MAX)
        return -ENAMETOOLONG;
    memcpy(out, base, b);
    if (slash)
        out[b++] = '/';
    memcpy(out + b, path, n + 1);
    return 0;
}

/* Put one or two absolute paths at data-area offset 0, back to back, as
 * the two-path requests want them; *len is their bytes. Returns 0 or a
 * negative errno. */
static int stage_paths(void *data, uint64_t room, const char *a, const char *b, uint64_t *len)
{
    char abs[2][FS_PATH_MAX];
    const char *p[2] = {a, b};
    uint64_t at = 0;

    for (int i = 0; i < 2 && p[i] != NULL; i++) {
        int err = fs_abspath(p[i], abs[i]);
        size_t n;

        if (err < 0)
            return err;
        n = strlen(abs[i]) + 1;
        if (at + n > room)
            return -ENAMETOOLONG;
        memcpy((char *)data + at, abs[i], n);
        at += n;
    }
    *len = at;
    return 0;
}

/* One request naming paths a (and b), with the other fields of *rq; the
 * reply in *cpl. Returns the result or a negative errno. */
static long path_call(uint16_t op, const char *a, const char *b, struct ipc_slot *rq,
                      struct ipc_slot *cpl, void *out, size_t out_len)
{
    uint64_t room, len;
    void *data;
    long r;

    if (a == NULL)
        return -EFAULT;
    data = fs_begin(&room);
    if (data == NULL) {
        fs_end();
        return -ENOENT;
    }
    r = stage_paths(data, room, a, b, &len);
    if (r == 0) {
        rq->opcode = op;
        rq->data = 0;
        rq->length = len;
        if (out != NULL) {
            /* Output goes after the paths, 8-byte aligned. */
            rq->arg = (len + 7) & ~7ull;
            if (rq->arg + out_len > room)
                r = -ENAMETOOLONG;
            else if (op == FS_OP_READLINK)
                rq->aux = (uint32_t)out_len;
        }
    }
    if (r == 0) {
        r = fs_call(rq, cpl);
        if (r < 0)
            r = -fs_errno(r);
        else if (out != NULL)
            memcpy(out, (char *)data + rq->arg, op == FS_OP_READLINK ? (size_t)r : out_len);
    }
    fs_end();
    return r;
}

static int simple(uint16_t op, const char *a, const char *b, uint64_t arg, uint32_t aux,
                  uint64_t offset)
{
    struct ipc_slot rq = {.arg = arg, .aux = aux, .offset = offset}, cpl;
    long r = path_call(op, a, b, &rq, &cpl, NULL, 0);

    return r < 0 ? fail((int)-r) : 0;
}

static int stat_by(uint16_t op, const char *path, struct stat *st)
{
    struct ipc_slot rq = {0}, cpl;
    struct fs_stat fst;
    long r = path_call(op, path, NULL, &rq, &cpl, &fst, sizeof(fst));

    if (r < 0)
        return fail((int)-r);
    fs_stat_to_posix(&fst, st);
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
    return simple(FS_OP_MKDIR, path, NULL, mode & ~cmask & 07777, 0, 0);
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

/* The target is stored as given, not made absolute: stage it raw. */
int symlink(const char *target, const char *link_path)
{
    uint64_t room, len;
    char *data;
    size_t t;
    long r;
    char abs[FS_PATH_MAX];

    if (target == NULL || link_path == NULL)
        return fail(EFAULT);
    t = strnlen(target, FS_PATH_MAX);
    if (t == 0)
        return fail(ENOENT);
    if (t >= FS_PATH_MAX)
        return fail(ENAMETOOLONG);
    if ((r = fs_abspath(link_path, abs)) < 0)
        return fail((int)-r);
    data = fs_begin(&room);
    if (data == NULL) {
        fs_end();
        return fail(ENOENT);
    }
    len = t + 1 + strlen(abs) + 1;
    if (len > room) {
        fs_end();
        return fail(ENAMETOOLONG);
    }
    memcpy(data, target, t + 1);
    memcpy(data + t + 1, abs, strlen(abs) + 1);
    struct ipc_slot rq = {.opcode = FS_OP_SYMLINK, .data = 0, .length = len}, cpl;
    r = fs_call(&rq, &cpl);
    fs_end();
    return r < 0 ? fail(fs_errno(r)) : 0;
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
    struct ipc_slot rq = {0}, cpl;
    long r;

    if (size == 0)
        return fail(EINVAL);
    if (size > FS_PATH_MAX)
        size = FS_PATH_MAX;
    r = path_call(FS_OP_READLINK, path, NULL, &rq, &cpl, buf, size);
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
    uint64_t room;
    struct ipc_slot rq = {.opcode = FS_OP_SYNC}, cpl;

    if (fs_begin(&room) != NULL)
        fs_call(&rq, &cpl);
    fs_end();
}

mode_t umask(mode_t mask)
{
    mode_t old = cmask;

    cmask = mask & 0777;
    return old;
}

mode_t fs_umask(void)
{
    return cmask;
}

int chdir(const char *path)
{
    char abs[FS_PATH_MAX];
    struct stat st;
    int err;

    if (path == NULL)
        return fail(EFAULT);
    if ((err = fs_abspath(path, abs)) < 0)
        return fail(-err);
    if (stat(abs, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return fail(ENOTDIR);
    fs_normalize(abs);
    strcpy(cwd, abs);
    setenv("PWD", cwd, 1);
    return 0;
}

char *getcwd(char *buf, size_t size)
{
    const char *c = cwd_now();
    size_t n = strlen(c) + 1;

    if (buf == NULL) {
        /* POSIX leaves it unspecified; allocate as glibc and musl do. */
        buf = malloc(size > n ? size : n);
        if (buf == NULL)
            return NULL;
        size = size > n ? size : n;
    }
    if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (n > size) {
        errno = ERANGE;
        return NULL;
    }
    memcpy(buf, c, n);
    return buf;
}

void fs_normalize(char *path)
{
    char *out = path, *in = path;

    while (*in != '\0') {
        while (*in == '/')
            in++;
        const char *name = in;
        size_t n = 0;

        while (in[n] != '\0' && in[n] != '/')
            n++;
        in += n;
        if (n == 0 || (n == 1 && name[0] == '.'))
            continue;
        if (n == 2 && name[0] == '.' && name[1] == '.') {
            while (out > path && *--out != '/')
                ;
            continue;
        }
        *out++ = '/';
        memmove(out, name, n);
        out += n;
    }
    if (out == path)
        *out++ = '/';
    *out = '\0';
}

/* Every path names the one fs server today, so path only has to exist. */
int statvfs(const char *path, struct statvfs *buf)
{
    struct stat st;
    struct fs_statfs fsf;
    uint64_t room;
    char *data;
    long r;

    if (stat(path, &st) < 0)
        return -1;
    data = fs_begin(&room);
    if (data == NULL) {
        fs_end();
        return fail(ENOENT);
    }
    struct ipc_slot rq = {.opcode = FS_OP_STATFS, .arg = 0}, cpl;
    r = fs_call(&rq, &cpl);
    if (r >= 0)
        memcpy(&fsf, data, sizeof(fsf));
    fs_end();
    if (r < 0)
        return fail(fs_errno(r));
    *buf = (struct statvfs){
        .f_bsize = fsf.bsize,
        .f_frsize = fsf.bsize,
        .f_blocks = fsf.blocks,
        .f_bfree = fsf.bfree,
        .f_bavail = fsf.bavail,
        .f_files = fsf.files,
        .f_ffree = fsf.ffree,
        .f_favail = fsf.ffree,
        .f_flag = (fsf.flags & FS_ST_RDONLY) ? ST_RDONLY : 0,
        .f_namemax = fsf.namemax,
    };
    return 0;
}

int fstatvfs(int fd, struct statvfs *buf)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return -1;
    return statvfs("/", buf);
}

/* The fs protocol has no request that sets times yet: "now" (times NULL,
 * or both UTIME_NOW) is done with a truncate to the file's own size, which
 * stamps mtime and ctime; explicit times are ENOSYS (docs/posix.md). */
static int times_now(const struct timespec times[2])
{
    return times == NULL || (times[0].tv_nsec == UTIME_NOW && times[1].tv_nsec == UTIME_NOW);
}

int futimens(int fd, const struct timespec times[2])
{
    struct stat st;

    if (!times_now(times))
        return fail(ENOSYS);
    if (fstat(fd, &st) < 0)
        return -1;
    if (!S_ISREG(st.st_mode))
        return fail(ENOSYS);
    return ftruncate(fd, st.st_size);
}

int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
    struct stat st;

    if (path == NULL)
        return fail(EFAULT);
    if (dirfd != AT_FDCWD && path[0] != '/')
        return fail(ENOSYS);
    if (!times_now(times))
        return fail(ENOSYS);
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISREG(st.st_mode))
        return fail(ENOSYS);
    return truncate(path, st.st_size);
}
