/* fsgen: the operation generator (see fsgen.h). */
#include "fsgen.h"

#include <fcntl.h>
#include <string.h>

static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rnd(struct fsgen *g, uint64_t n)
{
    return n ? next_rand(&g->rng) % n : 0;
}

void fsgen_fill(uint64_t seed, void *buf, size_t len)
{
    uint8_t *p = buf;
    uint64_t s = seed;

    while (len >= 8) {
        uint64_t r = next_rand(&s);

        memcpy(p, &r, 8);
        p += 8;
        len -= 8;
    }
    while (len--)
        *p++ = (uint8_t)next_rand(&s);
}

const char *fsgen_kind_name(enum fsgen_kind k)
{
    static const char *const names[FSGEN_KINDS] = {
        "open",  "close", "read", "write",  "pread", "pwrite",  "lseek",  "ftrunc", "fstat",
        "fsync", "trunc", "stat", "rename", "link",  "symlink", "unlink", "mkdir",  "rmdir",
    };
    return (unsigned)k < FSGEN_KINDS ? names[k] : "?";
}

void fsgen_init(struct fsgen *g, uint64_t seed)
{
    memset(g, 0, sizeof(*g));
    g->rng = seed;
}

/* ---- the picture of the tree ------------------------------------------------ */

static int find(const struct fsgen *g, const char *path)
{
    for (size_t i = 0; i < g->nentries; i++)
        if (strcmp(g->entries[i].path, path) == 0)
            return (int)i;
    return -1;
}

/* Is path below dir ("dir/...")? */
static int below(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static void add(struct fsgen *g, const char *path, char type)
{
    if (g->nentries == FSGEN_MAX_ENTRIES || find(g, path) >= 0)
        return;
    struct fsgen_entry *e = &g->entries[g->nentries++];
    strncpy(e->path, path, FSGEN_PATH - 1);
    e->path[FSGEN_PATH - 1] = '\0';
    e->type = type;
    e->bytes = 0;
}

static void drop(struct fsgen *g, int i)
{
    size_t last = g->nentries - 1;

    for (int f = 0; f < FSGEN_FDS; f++) {
        if (g->fds[f].entry == i)
            g->fds[f].entry = -1;
        else if (g->fds[f].entry == (int)last)
            g->fds[f].entry = i;
    }
    g->entries[i] = g->entries[last];
    g->nentries--;
}

static void rename_tree(struct fsgen *g, const char *from, const char *to)
{
    size_t nf = strlen(from);
    int d = find(g, to);

    if (d >= 0)
        drop(g, d);
    for (size_t i = 0; i < g->nentries; i++) {
        struct fsgen_entry *e = &g->entries[i];
        char tmp[FSGEN_PATH];

        if (strcmp(e->path, from) != 0 && !below(e->path, from))
            continue;
        if (strlen(to) + strlen(e->path + nf) >= FSGEN_PATH) {
            drop(g, (int)i--); /* the picture loses it; no harm */
            continue;
        }
        strcpy(tmp, to);
        strcat(tmp, e->path + nf);
        strcpy(e->path, tmp);
    }
}

static uint64_t used_bytes(const struct fsgen *g)
{
    uint64_t n = 0;

    for (size_t i = 0; i < g->nentries; i++)
        n += g->entries[i].bytes;
    return n;
}

/* ---- choosing --------------------------------------------------------------- */

/* A random entry of the given type (0: any); -1 if none. */
static int pick(struct fsgen *g, char type)
{
    size_t n = 0;

    for (size_t i = 0; i < g->nentries; i++)
        n += !type || g->entries[i].type == type;
    if (n == 0)
        return -1;
    size_t k = rnd(g, n);
    for (size_t i = 0; i < g->nentries; i++)
        if ((!type || g->entries[i].type == type) && k-- == 0)
            return (int)i;
    return -1;
}

/* A directory for a new name: the root ("") or a directory entry. */
static const char *pick_dir(struct fsgen *g)
{
    int d = rnd(g, 3) ? pick(g, 'd') : -1;

    return d >= 0 ? g->entries[d].path : "";
}

/* A new path: often free, sometimes taken, rarely a long or too-long name. */
static void new_path(struct fsgen *g, char *out, char kind)
{
    const char *dir = pick_dir(g);
    char name[300];
    uint64_t r = rnd(g, 100);

    if (r < 3) {
        size_t len = r == 0 ? 256 : 200 + rnd(g, 56); /* 256: ENAMETOOLONG */
        memset(name, 'a' + (int)rnd(g, 26), len);
        name[len] = '\0';
    } else {
        unsigned n = (unsigned)rnd(g, 20);
        name[0] = rnd(g, 8) == 0 ? "fdsl"[rnd(g, 4)] : kind;
        name[1] = (char)('0' + n / 10);
        name[2] = (char)('0' + n % 10);
        name[3] = '\0';
    }
    if (strlen(dir) + 1 + strlen(name) >= FSGEN_PATH) {
        strcpy(out, name);
        return;
    }
    strcpy(out, dir);
    if (dir[0])
        strcat(out, "/");
    strcat(out, name);
}

static int pick_fd(struct fsgen *g, int open)
{
    int n = 0;

    for (int f = 0; f < FSGEN_FDS; f++)
        n += g->fds[f].open == open;
    if (n == 0)
        return -1;
    int k = (int)rnd(g, (uint64_t)n);
    for (int f = 0; f < FSGEN_FDS; f++)
        if (g->fds[f].open == open && k-- == 0)
            return f;
    return -1;
}

static uint64_t io_len(struct fsgen *g)
{
    uint64_t r = rnd(g, 100);

    if (r < 55)
        return rnd(g, 4096);
    if (r < 85)
        return rnd(g, 65536);
    return rnd(g, FSGEN_MAX_IO);
}

static void gen_open(struct fsgen *g, struct fsgen_op *op)
{
    static const uint32_t acc[] = {FSGEN_O_RDONLY, FSGEN_O_WRONLY, FSGEN_O_RDWR, FSGEN_O_RDWR};
    uint64_t r = rnd(g, 100);
    int e;

    op->kind = FSGEN_OPEN;
    op->fd = pick_fd(g, 0);
    op->client = (int)rnd(g, FSGEN_CLIENTS);
    op->mode = rnd(g, 4) ? 0644 : 0600;
    if (r < 45 || (e = pick(g, r < 90 ? 'f' : 'd')) < 0) {
        new_path(g, op->path, 'f');
        op->flags = FSGEN_O_CREAT | acc[1 + rnd(g, 3)];
        if (rnd(g, 3) == 0)
            op->flags |= FSGEN_O_EXCL;
    } else {
        strcpy(op->path, g->entries[e].path);
        op->flags = g->entries[e].type == 'd' ? FSGEN_O_RDONLY | FSGEN_O_DIRECTORY : acc[rnd(g, 4)];
        if (g->entries[e].type == 'f' && rnd(g, 10) == 0)
            op->flags |= FSGEN_O_TRUNC;
    }
    if ((op->flags & FSGEN_O_ACCMODE) != FSGEN_O_RDONLY && rnd(g, 4) == 0)
        op->flags |= FSGEN_O_APPEND;
}

static void gen_fd_op(struct fsgen *g, struct fsgen_op *op, enum fsgen_kind kind)
{
    op->fd = pick_fd(g, 1);
    /* Directory offsets are each file system's own business. */
    if (kind == FSGEN_LSEEK && (g->fds[op->fd].flags & FSGEN_O_DIRECTORY))
        kind = FSGEN_FSTAT;
    op->kind = kind;
    op->len = io_len(g);
    op->seed = next_rand(&g->rng);
    op->off = (int64_t)rnd(g, FSGEN_MAX_FILE - FSGEN_MAX_IO);
    if (kind == FSGEN_LSEEK) {
        op->whence = (int)rnd(g, 3);
        op->off =
            op->whence == 0 ? (int64_t)rnd(g, FSGEN_MAX_FILE / 2) : (int64_t)rnd(g, 200000) - 50000;
    }
    if (kind == FSGEN_FTRUNCATE)
        op->off = rnd(g, 3) == 0 ? 0 : (int64_t)rnd(g, FSGEN_MAX_FILE / 2);
}

/* Choose the kind of the next operation, by weight. */
static enum fsgen_kind gen_kind(struct fsgen *g)
{
    static const unsigned weight[FSGEN_KINDS] = {
        [FSGEN_OPEN] = 14,  [FSGEN_CLOSE] = 9,  [FSGEN_READ] = 10,    [FSGEN_WRITE] = 14,
        [FSGEN_PREAD] = 4,  [FSGEN_PWRITE] = 5, [FSGEN_LSEEK] = 6,    [FSGEN_FTRUNCATE] = 3,
        [FSGEN_FSTAT] = 3,  [FSGEN_FSYNC] = 1,  [FSGEN_TRUNCATE] = 3, [FSGEN_STAT] = 4,
        [FSGEN_RENAME] = 8, [FSGEN_LINK] = 4,   [FSGEN_SYMLINK] = 4,  [FSGEN_UNLINK] = 7,
        [FSGEN_MKDIR] = 6,  [FSGEN_RMDIR] = 4,
    };
    unsigned total = 0;

    for (int k = 0; k < FSGEN_KINDS; k++)
        total += weight[k];
    unsigned r = (unsigned)rnd(g, total);
    int k = 0;
    while (r >= weight[k])
        r -= weight[k++];
    return (enum fsgen_kind)k;
}

void fsgen_next(struct fsgen *g, struct fsgen_op *op)
{
    enum fsgen_kind kind = gen_kind(g);
    int e;

    memset(op, 0, sizeof(*op));
    op->fd = -1;
    /* Over the space budget or the entry count: shrink the tree. */
    if (used_bytes(g) > FSGEN_BUDGET || g->nentries > FSGEN_MAX_ENTRIES - 40)
        kind = rnd(g, 2) ? FSGEN_UNLINK : FSGEN_FTRUNCATE;
    if (kind <= FSGEN_FSYNC && kind != FSGEN_OPEN && pick_fd(g, 1) < 0)
        kind = FSGEN_OPEN;
    if (kind == FSGEN_OPEN && pick_fd(g, 0) < 0)
        kind = FSGEN_CLOSE;
    g->count++;
    switch (kind) {
    case FSGEN_OPEN:
        gen_open(g, op);
        break;
    case FSGEN_CLOSE:
    case FSGEN_READ:
    case FSGEN_WRITE:
    case FSGEN_PREAD:
    case FSGEN_PWRITE:
    case FSGEN_LSEEK:
    case FSGEN_FTRUNCATE:
    case FSGEN_FSTAT:
    case FSGEN_FSYNC:
        gen_fd_op(g, op, kind);
        break;
    case FSGEN_TRUNCATE:
    case FSGEN_STAT:
    case FSGEN_UNLINK:
        op->kind = kind;
        e = pick(g, kind == FSGEN_TRUNCATE ? 'f' : 0);
        if (e >= 0)
            strcpy(op->path, g->entries[e].path);
        else
            new_path(g, op->path, 'f');
        op->off = rnd(g, 3) == 0 ? 0 : (int64_t)rnd(g, FSGEN_MAX_FILE / 2);
        break;
    case FSGEN_RMDIR:
        op->kind = kind;
        e = pick(g, 'd');
        if (e >= 0)
            strcpy(op->path, g->entries[e].path);
        else
            new_path(g, op->path, 'd');
        break;
    case FSGEN_MKDIR:
        op->kind = kind;
        new_path(g, op->path, 'd');
        op->mode = rnd(g, 3) ? 0755 : 0700;
        break;
    case FSGEN_RENAME:
    case FSGEN_LINK:
        op->kind = kind;
        e = pick(g, kind == FSGEN_LINK ? (rnd(g, 4) ? 'f' : 'l') : 0);
        if (e < 0) {
            op->kind = FSGEN_MKDIR;
            new_path(g, op->path, 'd');
            op->mode = 0755;
            break;
        }
        strcpy(op->path, g->entries[e].path);
        if (kind == FSGEN_RENAME && rnd(g, 3) == 0 && (e = pick(g, 0)) >= 0)
            strcpy(op->path2, g->entries[e].path);
        else
            new_path(g, op->path2, g->entries[find(g, op->path)].type);
        break;
    case FSGEN_SYMLINK: {
        op->kind = kind;
        size_t len = 1 + rnd(g, rnd(g, 4) ? 40 : 300);
        for (size_t i = 0; i < len; i++)
            op->path[i] = "abcdefgh/.xyz"[rnd(g, 13)];
        op->path[0] = 'T'; /* never a name the generator makes: links dangle */
        op->path[len] = '\0';
        new_path(g, op->path2, 's');
        break;
    }
    default:
        break;
    }
}

void fsgen_done(struct fsgen *g, const struct fsgen_op *op, long result)
{
    int ok = result >= 0, e;
    struct fsgen_fd *fd = op->fd >= 0 ? &g->fds[op->fd] : NULL;

    g->stats[op->kind][0]++;
    g->stats[op->kind][1] += ok;
    if (!ok)
        return;
    switch (op->kind) {
    case FSGEN_OPEN:
        if (op->flags & FSGEN_O_CREAT)
            add(g, op->path, 'f');
        fd->open = 1;
        fd->client = op->client;
        fd->flags = op->flags;
        fd->entry = find(g, op->path);
        if (fd->entry >= 0 && (op->flags & FSGEN_O_TRUNC))
            g->entries[fd->entry].bytes = 0;
        break;
    case FSGEN_CLOSE:
        fd->open = 0;
        break;
    case FSGEN_WRITE:
    case FSGEN_PWRITE:
        if (fd->entry >= 0) {
            uint64_t end = (uint64_t)op->off + (uint64_t)result;
            struct fsgen_entry *en = &g->entries[fd->entry];
            en->bytes = end > en->bytes ? end : en->bytes + (uint64_t)result / 4;
        }
        break;
    case FSGEN_FTRUNCATE:
        if (fd->entry >= 0)
            g->entries[fd->entry].bytes = (uint64_t)op->off;
        break;
    case FSGEN_TRUNCATE:
        if ((e = find(g, op->path)) >= 0)
            g->entries[e].bytes = (uint64_t)op->off;
        break;
    case FSGEN_MKDIR:
        add(g, op->path, 'd');
        break;
    case FSGEN_SYMLINK:
        add(g, op->path2, 'l');
        break;
    case FSGEN_LINK:
        if ((e = find(g, op->path)) >= 0)
            add(g, op->path2, g->entries[e].type);
        break;
    case FSGEN_UNLINK:
    case FSGEN_RMDIR:
        if ((e = find(g, op->path)) >= 0)
            drop(g, e);
        break;
    case FSGEN_RENAME:
        if (strcmp(op->path, op->path2) != 0)
            rename_tree(g, op->path, op->path2);
        break;
    default:
        break;
    }
}

int fsgen_posix_flags(uint32_t f)
{
    int o = (f & FSGEN_O_ACCMODE) == FSGEN_O_WRONLY ? O_WRONLY
            : (f & FSGEN_O_ACCMODE) == FSGEN_O_RDWR ? O_RDWR
                                                    : O_RDONLY;
    o |= f & FSGEN_O_CREAT ? O_CREAT : 0;
    o |= f & FSGEN_O_EXCL ? O_EXCL : 0;
    o |= f & FSGEN_O_TRUNC ? O_TRUNC : 0;
    o |= f & FSGEN_O_APPEND ? O_APPEND : 0;
    o |= f & FSGEN_O_DIRECTORY ? O_DIRECTORY : 0;
    return o;
}
