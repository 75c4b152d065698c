/* Path resolution: walking '/'-separated names from the root, following
 * symbolic links (at most EXT2_SYMLINK_MAX per path) in place in one
 * bounded buffer, so a link loop ends in ELOOP and a long target in
 * ENAMETOOLONG rather than unbounded recursion. */
#include <string.h>

#include "ext2_priv.h"

/* Replace the resolved prefix buf[0..done) with target, keeping the rest
 * of the path after it: buf becomes "target/rest". */
static int splice_target(char *buf, size_t done, const char *target, size_t tlen)
{
    size_t rest = strlen(buf + done);
    if (tlen + 1 + rest > EXT2_PATH_MAX)
        return EXT2_ENAMETOOLONG;
    memmove(buf + tlen + 1, buf + done, rest + 1);
    buf[tlen] = '/';
    memcpy(buf, target, tlen);
    return 0;
}

/* Resolve the link in at the current point of the walk: splice its target
 * into buf and restart from the root if it is absolute. */
static int follow_link(struct ext2_fs *fs, struct ext2_ino *link, char *buf, size_t done,
                       uint32_t *cur)
{
    char target[EXT2_PATH_MAX + 1];
    long n = file_readlink(fs, link, target, sizeof(target));
    if (n < 0)
        return (int)n;
    if ((size_t)n >= sizeof(target))
        return EXT2_ENAMETOOLONG;
    if (n == 0)
        return EXT2_ENOENT;
    if (target[0] == '/')
        *cur = EXT2_ROOT_INO;
    return splice_target(buf, done, target, (size_t)n);
}

/* A directory reached through name from directory parent must name parent
 * as its "..": anything else is a directory hard link or a '..' loop,
 * which would make walks of the tree cycle. */
static int check_dotdot(struct ext2_fs *fs, struct ext2_ino *child, uint32_t parent)
{
    uint32_t up;
    int err = dir_lookup(fs, child, "..", 2, &up);
    if (err == EXT2_ENOENT || (!err && up != parent))
        return ext2_fail(fs, EXT2_ECORRUPT, "directory %u: '..' does not name its parent %u",
                         child->ino, parent);
    return err;
}

/* ---- the name cache (ext2_priv.h) ---- */

void dcache_invalidate(struct ext2_fs *fs)
{
    if (++fs->dcache_gen + 1 == 0) { /* wrapped: no old gen may match again */
        memset(fs->dcache, 0, sizeof(fs->dcache));
        fs->dcache_gen = 0;
    }
}

static uint32_t dcache_hash_step(uint32_t h, char c)
{
    return (h ^ (uint8_t)c) * 16777619u;
}

static struct ext2_dentry *dcache_at(struct ext2_fs *fs, uint32_t h)
{
    return &fs->dcache[(h ^ (h >> 16)) % EXT2_DCACHE_SLOTS];
}

static struct ext2_dentry *dcache_slot(struct ext2_fs *fs, uint32_t dir, const char *name,
                                       size_t len)
{
    uint32_t h = dir * 2654435761u;

    for (size_t i = 0; i < len; i++)
        h = dcache_hash_step(h, name[i]);
    return dcache_at(fs, h);
}

static int dcache_find(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                       uint32_t *ino)
{
    const struct ext2_dentry *e = dcache_slot(fs, dir, name, len);

    if (e->gen != fs->dcache_gen + 1 || e->dir != dir || e->len != len ||
        memcmp(e->name, name, len) != 0)
        return 0;
    *ino = e->ino;
    return 1;
}

/* Resolve path from the cache alone, reading it once and copying
 * nothing: 1 and *ino when every component is cached, else 0 (the caller
 * walks the slow way, which also reports every error). */
static int dcache_walk(struct ext2_fs *fs, const char *path, uint32_t *ino)
{
    uint32_t cur = EXT2_ROOT_INO, good = fs->dcache_gen + 1;
    const char *p = path;

    for (;;) {
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        uint32_t h = cur * 2654435761u;
        const char *q = p;
        while (*q != '\0' && *q != '/')
            h = dcache_hash_step(h, *q++);
        size_t len = (size_t)(q - p);
        const struct ext2_dentry *e = dcache_at(fs, h);
        if (e->gen != good || e->dir != cur || e->len != len)
            return 0;
        for (size_t i = 0; i < len; i++)
            if (e->name[i] != p[i])
                return 0;
        cur = e->ino;
        p = q;
    }
    if ((size_t)(p - path) > EXT2_PATH_MAX)
        return 0;
    *ino = cur;
    return 1;
}

static void dcache_add(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t ino)
{
    struct ext2_dentry *e;

    if (len > EXT2_DCACHE_NAME)
        return;
    e = dcache_slot(fs, dir, name, len);
    e->gen = fs->dcache_gen + 1;
    e->dir = dir;
    e->ino = ino;
    e->len = (uint8_t)len;
    memcpy(e->name, name, len);
}

static int is_dot_name(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* Resolve path to an inode number. Symlinks are followed in every
 * component, and in the last one if follow_last. */
int path_resolve(struct ext2_fs *fs, const char *path, int follow_last, uint32_t *ino)
{
    if (dcache_walk(fs, path, ino))
        return 0;
    char buf[EXT2_PATH_MAX + 1];
    size_t plen = strlen(path);
    if (plen > EXT2_PATH_MAX)
        return EXT2_ENAMETOOLONG;
    memcpy(buf, path, plen + 1);
    uint32_t cur = EXT2_ROOT_INO;
    int follows = 0;
    size_t p = 0;
    for (;;) {
        while (buf[p] == '/')
            p++;
        if (buf[p] == '\0')
            break;
        size_t q = p;
        while (buf[q] && buf[q] != '/')
            q++;
        if (q - p > EXT2_NAME_MAX)
            return EXT2_ENAMETOOLONG;
        uint32_t next;
        /* A cached name was found in cur as a directory, and names a
         * directory or a regular file: nothing to load, check or follow. */
        if (dcache_find(fs, cur, buf + p, q - p, &next)) {
            cur = next;
            p = q;
            continue;
        }
        struct ext2_ino dir, child;
        int err = inode_load(fs, cur, &dir);
        if (err)
            return err;
        if (!inode_is_dir(&dir.raw))
            return EXT2_ENOTDIR;
        err = dir_lookup(fs, &dir, buf + p, (uint32_t)(q - p), &next);
        if (!err)
            err = inode_load(fs, next, &child);
        if (err)
            return err;
        size_t r = q;
        while (buf[r] == '/')
            r++;
        int last = buf[r] == '\0';
        if ((child.raw.i_mode & EXT2_S_IFMT) == EXT2_S_IFLNK && (!last || follow_last)) {
            if (++follows > EXT2_SYMLINK_MAX)
                return EXT2_ELOOP;
            /* Drop the resolved prefix: cur already stands for it. */
            memmove(buf, buf + p, strlen(buf + p) + 1);
            err = follow_link(fs, &child, buf, q - p, &cur);
            if (err)
                return err;
            p = 0;
            continue;
        }
        if (inode_is_dir(&child.raw) && !is_dot_name(buf + p, q - p)) {
            err = check_dotdot(fs, &child, cur);
            if (err)
                return err;
        }
        uint32_t type = child.raw.i_mode & EXT2_S_IFMT;
        if (type == EXT2_S_IFDIR || type == EXT2_S_IFREG)
            dcache_add(fs, cur, buf + p, q - p, next);
        cur = next;
        p = q;
    }
    *ino = cur;
    return 0;
}

/* Split path into its parent directory (resolved, following links) and
 * its last name (copied to name, NUL-terminated, *len bytes). The last name
 * may not be empty, "." or "..". */
int path_parent(struct ext2_fs *fs, const char *path, uint32_t *dir, char *name, uint32_t *len)
{
    char buf[EXT2_PATH_MAX + 1];
    size_t n = strlen(path);
    if (n > EXT2_PATH_MAX)
        return EXT2_ENAMETOOLONG;
    memcpy(buf, path, n + 1);
    while (n > 0 && buf[n - 1] == '/')
        buf[--n] = '\0';
    size_t start = n;
    while (start > 0 && buf[start - 1] != '/')
        start--;
    size_t nlen = n - start;
    if (nlen == 0)
        return EXT2_EBUSY;
    if (nlen > EXT2_NAME_MAX)
        return EXT2_ENAMETOOLONG;
    if ((nlen == 1 && buf[start] == '.') ||
        (nlen == 2 && buf[start] == '.' && buf[start + 1] == '.'))
        return EXT2_EINVAL;
    memcpy(name, buf + start, nlen);
    name[nlen] = '\0';
    *len = (uint32_t)nlen;
    buf[start] = '\0';
    uint32_t ino;
    int err = path_resolve(fs, buf, 1, &ino);
    if (err)
        return err;
    struct ext2_ino d;
    err = inode_load(fs, ino, &d);
    if (err)
        return err;
    if (!inode_is_dir(&d.raw))
        return EXT2_ENOTDIR;
    *dir = ino;
    return 0;
}
