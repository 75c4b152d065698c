/* The fs server's open files: OPEN, CLOSE, READ, WRITE, READDIR, FSTAT,
 * FTRUNCATE, FSYNC (proto/fs.h). A handle is an index into the client's
 * table; the file offset is the client's and comes in every request. */
#include <string.h>

#include <chime/errno.h>
#include <chime/types.h>

#include "fs_server.h"

/* The client's open file behind handle h, if it has one with all of the
 * access bits in need (FS_R_OK / FS_W_OK); NULL otherwise. */
static struct fs_file *file_get(struct fs_client *cl, int32_t h, unsigned need)
{
    struct fs_file *f;
    unsigned acc;

    if (h < 0 || (uint32_t)h >= FS_OPEN_MAX)
        return NULL;
    f = &cl->file[h];
    if (!f->ino)
        return NULL;
    acc = f->flags & FS_O_ACCMODE;
    if ((need & FS_R_OK) && acc == FS_O_WRONLY)
        return NULL;
    if ((need & FS_W_OK) && acc == FS_O_RDONLY)
        return NULL;
    return f;
}

static int is_dir(uint32_t mode)
{
    return (mode & FS_S_IFMT) == FS_S_IFDIR;
}

/* ext2_create for OPEN: a name with a trailing slash (given, or from a
 * symlink's target) must be a directory, which open does not create: EISDIR
 * once the directory it would go in is there, else what is missing on the
 * way (ENOENT, ENOTDIR), as Linux. The ext2 library would create the name
 * without the slash. path is s->path[0]; s->path[1] is scratch. */
static long create_file(struct fs_server *s, const char *path, uint32_t perm, uint32_t *ino)
{
    size_t n = strlen(path);
    char *parent = s->path[1];
    struct ext2_stat st;
    uint32_t dir;
    long r;

    if (n < 2 || path[n - 1] != '/')
        return ext2_create(s->fs, path, perm, ino);
    while (n > 0 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    if (n == 0) /* a relative symlink target: the lookup's own directory */
        return CHIME_EISDIR;
    memcpy(parent, path, n);
    parent[n > 1 ? n - 1 : n] = '\0';
    r = ext2_lookup(s->fs, parent, 1, &dir);
    if (r == 0)
        r = ext2_stat(s->fs, dir, &st);
    if (r < 0)
        return r;
    return is_dir(st.mode) ? CHIME_EISDIR : CHIME_ENOTDIR;
}

/* O_CREAT where s->path[0] ends in a dangling symlink: create what the link
 * names (relative to the link's directory), following up to FS_SYMLOOP_MAX
 * links, as POSIX open does. s->path[0] is rewritten on the way. */
static long create_through_links(struct fs_server *s, uint32_t perm, uint32_t *ino)
{
    for (unsigned n = 0; n < FS_SYMLOOP_MAX; n++) {
        char *path = s->path[0], *out = s->path[1];
        uint32_t link;
        long r = ext2_lookup(s->fs, path, 0, &link);

        if (r == 0)
            r = ext2_readlink(s->fs, link, s->link, sizeof(s->link) - 1);
        if (r < 0)
            return r;
        s->link[r] = '\0';
        size_t dir = strlen(path);
        while (dir > 0 && path[dir - 1] == '/')
            dir--;
        while (dir > 0 && path[dir - 1] != '/')
            dir--;
        if (s->link[0] == '/')
            dir = 0;
        if (dir + (size_t)r >= FS_PATH_MAX)
            return CHIME_ENAMETOOLONG;
        memcpy(out, path, dir);
        memcpy(out + dir, s->link, (size_t)r + 1);
        memcpy(path, out, dir + (size_t)r + 1);
        r = ext2_lookup(s->fs, path, 1, ino);
        if (r != CHIME_ENOENT)
            return r;
        r = create_file(s, path, perm, ino);
        if (r != CHIME_EEXIST)
            return r;
    }
    return CHIME_ELOOP;
}

/* Find the inode an OPEN names, creating it for O_CREAT. */
static long open_lookup(struct fs_server *s, const char *path, uint32_t flags, uint32_t perm,
                        uint32_t *ino)
{
    long r;

    if ((flags & FS_O_CREAT) && (flags & FS_O_EXCL)) {
        r = ext2_lookup(s->fs, path, 0, ino);
        if (r == 0)
            return CHIME_EEXIST;
        if (r != CHIME_ENOENT)
            return r;
        return create_file(s, path, perm & 07777, ino);
    }
    r = fs_lookup(s, 0, !(flags & FS_O_NOFOLLOW), ino); /* path is s->path[0] */
    if (r != CHIME_ENOENT || !(flags & FS_O_CREAT))
        return r;
    r = create_file(s, path, perm & 07777, ino);
    /* The name exists but did not resolve: a dangling symlink. */
    if (r == CHIME_EEXIST)
        return (flags & FS_O_NOFOLLOW) ? CHIME_ELOOP : create_through_links(s, perm & 07777, ino);
    return r;
}

long fs_op_open(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                const struct ipc_slot *req, struct ipc_slot *cpl)
{
    uint32_t flags = req->aux, acc = flags & FS_O_ACCMODE, ino, h;
    struct ext2_stat st; /* mode and size only: no statfs, no fs_stat */
    long r;

    if ((flags & ~FS_O_ALL) || acc == FS_O_ACCMODE || req->arg > 07777)
        return CHIME_EINVAL;
    if (cl->nopen >= FS_OPEN_MAX)
        return CHIME_EMFILE;
    r = fs_copy_paths(s, c, req, 1);
    if (r == 0)
        r = fs_check_trailing_slash(s, 0);
    if (r < 0)
        return r;
    if (ext2_is_read_only(s->fs) && (acc != FS_O_RDONLY || (flags & FS_O_TRUNC)))
        return CHIME_EROFS;
    r = open_lookup(s, s->path[0], flags, (uint32_t)req->arg, &ino);
    if (r == 0)
        r = ext2_stat(s->fs, ino, &st);
    if (r < 0)
        return fs_result(s, r);
    if ((st.mode & FS_S_IFMT) == FS_S_IFLNK)
        return CHIME_ELOOP; /* only O_NOFOLLOW stops at a symlink */
    if ((flags & FS_O_DIRECTORY) && !is_dir(st.mode))
        return CHIME_ENOTDIR;
    if (is_dir(st.mode) && (acc != FS_O_RDONLY || (flags & (FS_O_CREAT | FS_O_TRUNC))))
        return CHIME_EISDIR;
    /* O_TRUNC without write access is undefined in POSIX; it truncates, as
     * on Linux. */
    if ((flags & FS_O_TRUNC) && st.size > 0) {
        r = ext2_truncate(s->fs, ino, 0);
        if (r < 0)
            return fs_result(s, r);
        st.size = 0;
    }
    for (h = 0; cl->file[h].ino; h++)
        ;
    r = fs_open_ref(s, ino);
    if (r < 0)
        return r;
    cl->file[h].ino = ino;
    cl->file[h].flags = flags & (FS_O_ACCMODE | FS_O_APPEND);
    cl->file[h].mode = st.mode;
    cl->nopen++;
    cpl->offset = st.size;
    cpl->arg = st.mode;
    return (long)h;
}

long fs_op_close(struct fs_server *s, struct fs_client *cl, const struct ipc_slot *req)
{
    struct fs_file *f = file_get(cl, req->handle, 0);
    uint32_t ino;

    if (!f)
        return CHIME_EBADF;
    ino = f->ino;
    f->ino = 0;
    cl->nopen--;
    return fs_open_unref(s, ino);
}

/* The memory a READ, WRITE or READDIR names, with the lend it lies in
 * (index < 0: the data area). NULL if the request may not name it. */
static void *io_buffer(struct ipc_sconn *c, const struct ipc_slot *req, unsigned prot, long *lend,
                       uint32_t *gen)
{
    *lend = -1;
    if (!(req->flags & IPC_F_LENT))
        return ipc_sconn_data(c, req->data, req->length);
    *lend = ipc_lend_find(c, req->data, req->length, prot, gen);
    return *lend >= 0 ? (void *)(uintptr_t)req->data : NULL;
}

/* After the last access to an I/O buffer: was its lend revoked meanwhile? */
static int io_lost(struct ipc_sconn *c, long lend, uint32_t gen)
{
    return lend >= 0 && !ipc_lend_unchanged(c, lend, gen);
}

long fs_op_read(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                const struct ipc_slot *req)
{
    struct fs_file *f = file_get(cl, req->handle, FS_R_OK);
    uint32_t gen = 0;
    long lend, r;
    void *dst;

    if (!f)
        return CHIME_EBADF;
    if (is_dir(f->mode))
        return CHIME_EISDIR;
    if (req->length > FS_IO_MAX || (req->flags & ~IPC_F_LENT))
        return CHIME_EINVAL;
    dst = io_buffer(c, req, CHIME_PROT_WRITE, &lend, &gen);
    if (!dst)
        return CHIME_EFAULT;
    /* One copy: cache (or the disk, for whole uncached blocks) -> dst. */
    r = ext2_read(s->fs, f->ino, req->offset, dst, req->length);
    if (r >= 0 && io_lost(c, lend, gen))
        return CHIME_EFAULT;
    return fs_result(s, r);
}

long fs_op_write(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                 const struct ipc_slot *req, struct ipc_slot *cpl)
{
    struct fs_file *f = file_get(cl, req->handle, FS_W_OK);
    uint64_t off = req->offset;
    uint32_t gen = 0;
    long lend, r;
    const void *src;

    if (!f)
        return CHIME_EBADF;
    if (is_dir(f->mode))
        return CHIME_EISDIR;
    if (req->length > FS_IO_MAX || (req->flags & ~IPC_F_LENT))
        return CHIME_EINVAL;
    src = io_buffer(c, req, CHIME_PROT_READ, &lend, &gen);
    if (!src)
        return CHIME_EFAULT;
    if (f->flags & FS_O_APPEND) {
        struct fs_stat st;

        r = fs_stat_ino(s, f->ino, &st);
        if (r < 0)
            return r;
        off = st.size; /* atomic: no other request runs until this one ends */
    }
    if (off > INT64_MAX)
        return CHIME_EINVAL;
    /* One copy: src -> cache. The client may change src meanwhile; that
     * only decides which of its own bytes the file gets. */
    r = ext2_write(s->fs, f->ino, off, src, req->length);
    if (r >= 0 && io_lost(c, lend, gen))
        return CHIME_EFAULT;
    if (r >= 0)
        cpl->offset = off + (uint64_t)r;
    return fs_result(s, r);
}

/* Protocol type of a directory entry. */
static uint8_t dirent_type(uint8_t ext2_type)
{
    switch (ext2_type) {
    case 1:
        return FS_DT_REG;
    case 2:
        return FS_DT_DIR;
    case 7:
        return FS_DT_LNK;
    default:
        return FS_DT_UNKNOWN;
    }
}

long fs_op_readdir(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                   const struct ipc_slot *req, struct ipc_slot *cpl)
{
    struct fs_file *f = file_get(cl, req->handle, 0);
    uint64_t cookie = req->offset, used = 0;
    uint32_t gen = 0;
    long lend, r;
    uint8_t *dst;

    if (!f)
        return CHIME_EBADF;
    if (!is_dir(f->mode))
        return CHIME_ENOTDIR;
    if (req->length > FS_IO_MAX || (req->flags & ~IPC_F_LENT))
        return CHIME_EINVAL;
    dst = io_buffer(c, req, CHIME_PROT_WRITE, &lend, &gen);
    if (!dst)
        return CHIME_EFAULT;
    for (;;) {
        struct ext2_dirent_info ent;
        uint64_t next = cookie;
        struct {
            struct fs_dirent d;
            char name[FS_NAME_MAX + 1 + 8];
        } rec;

        r = ext2_readdir(s->fs, f->ino, &next, &ent);
        if (r <= 0)
            break;
        uint64_t size = FS_DIRENT_SIZE(ent.name_len);
        if (size > req->length - used)
            break;
        memset(&rec, 0, size);
        rec.d.ino = ent.ino;
        rec.d.cookie = next;
        rec.d.reclen = (uint16_t)size;
        rec.d.type = dirent_type(ent.type);
        rec.d.name_len = ent.name_len;
        memcpy(rec.d.name, ent.name, ent.name_len);
        memcpy(dst + used, &rec, size);
        used += size;
        cookie = next;
    }
    if (r < 0)
        return fs_result(s, r);
    if (used == 0 && r == 1)
        return CHIME_EINVAL; /* not even one record fits */
    if (io_lost(c, lend, gen))
        return CHIME_EFAULT;
    cpl->offset = cookie;
    return (long)used;
}

long fs_op_fstat(struct fs_server *s, struct fs_client *cl, struct ipc_sconn *c,
                 const struct ipc_slot *req)
{
    struct fs_file *f = file_get(cl, req->handle, 0);
    struct fs_stat st;
    long r;

    if (!f)
        return CHIME_EBADF;
    r = fs_stat_ino(s, f->ino, &st);
    if (r < 0)
        return r;
    return fs_put_output(c, req->arg, &st, sizeof(st));
}

long fs_op_ftruncate(struct fs_server *s, struct fs_client *cl, const struct ipc_slot *req)
{
    struct fs_file *f = file_get(cl, req->handle, 0);

    if (!f)
        return CHIME_EBADF;
    /* POSIX allows EBADF or EINVAL for a handle not open for writing;
     * EINVAL, as Linux, so callers see one answer. */
    if (!file_get(cl, req->handle, FS_W_OK) || is_dir(f->mode) || req->offset > INT64_MAX)
        return CHIME_EINVAL;
    return fs_result(s, ext2_truncate(s->fs, f->ino, req->offset));
}

long fs_op_fsync(struct fs_server *s, struct fs_client *cl, const struct ipc_slot *req)
{
    if (!file_get(cl, req->handle, 0))
        return CHIME_EBADF;
    return fs_result(s, ext2_sync(s->fs));
}
