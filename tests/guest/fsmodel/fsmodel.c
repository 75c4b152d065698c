/* fsmodel: the guest half of the file-system model test (issue 12, done-when
 * 2). From a seed it applies the seeded sequence of tests/fsgen (opens,
 * reads, writes, seeks, truncations, renames, links, symlinks, unlinks,
 * mkdir, rmdir; files up to 3 MiB) under a directory with the POSIX calls,
 * records every operation's result, then closes everything, syncs and exits
 * 0.
 *
 *     fsmodel SEED [ROOT [OPS]]        (ROOT defaults to /m, OPS to 5000)
 *
 * Plain POSIX.1-2008: the same file builds on the host (tests/system/
 * rules.mk), where tests/system/fsmodel_check.sh runs it with the same seed
 * against a temporary directory. Both sides write one line per operation to
 * ROOT.log (its kind, its result, a hash of the bytes read or of the stat
 * fields) and print a running digest of those lines on stdout every 1000
 * operations; the host check compares both, then the trees themselves.
 * Errors are results like any other: errno is logged by name, so the guest's
 * and the host's numbering do not matter. The exit status is 0 unless the
 * program could not run the sequence at all (no memory, no log). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../fsgen/fsgen.h"

#define LOG_EVERY 1000 /* operations between digest lines */

struct model {
    char root[512];
    int fd[FSGEN_FDS];
    uint8_t *buf;
    FILE *log;
    uint64_t digest;
};

static const char *errno_name(int e)
{
    static const struct {
        int err;
        const char *name;
    } names[] = {
        {EPERM, "EPERM"},
        {ENOENT, "ENOENT"},
        {EIO, "EIO"},
        {EBADF, "EBADF"},
        {ENOMEM, "ENOMEM"},
        {EACCES, "EACCES"},
        {EFAULT, "EFAULT"},
        {EBUSY, "EBUSY"},
        {EEXIST, "EEXIST"},
        {EXDEV, "EXDEV"},
        {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"},
        {EINVAL, "EINVAL"},
        {EMFILE, "EMFILE"},
        {EFBIG, "EFBIG"},
        {ENOSPC, "ENOSPC"},
        {EROFS, "EROFS"},
        {EMLINK, "EMLINK"},
        {ELOOP, "ELOOP"},
        {ENAMETOOLONG, "ENAMETOOLONG"},
        {ENOTEMPTY, "ENOTEMPTY"},
        {ENOSYS, "ENOSYS"},
        {ENOTSUP, "ENOTSUP"},
        {EOVERFLOW, "EOVERFLOW"},
    };
    static char other[24];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].err == e)
            return names[i].name;
    snprintf(other, sizeof(other), "errno%d", e);
    return other;
}

/* FNV-1a, 64 bits: the bytes read and the log lines. */
static uint64_t hash(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;

    while (n--)
        h = (h ^ *b++) * 0x100000001b3ull;
    return h;
}

#define HASH_START 0xcbf29ce484222325ull

/* What both systems must agree on in a stat: the type and permission bits,
 * and for non-directories the size and link count (a directory's size and
 * link count are each file system's own business). */
static uint64_t stat_hash(const struct stat *st)
{
    char line[80];
    int dir = S_ISDIR(st->st_mode);
    char type = dir ? 'd' : S_ISREG(st->st_mode) ? 'f' : S_ISLNK(st->st_mode) ? 'l' : '?';

    snprintf(line, sizeof(line), "%c %o %lld %u", type, (unsigned)(st->st_mode & 07777),
             dir ? 0ll : (long long)st->st_size, dir ? 0u : (unsigned)st->st_nlink);
    return hash(HASH_START, line, strlen(line));
}

static void path_of(const struct model *m, const char *rel, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", m->root, rel);
}

/* Apply op; the result is >= 0 on success, -1 with errno on failure. *h
 * gets the hash of what the operation returned besides its result. */
static long apply(struct model *m, const struct fsgen_op *op, uint64_t *h)
{
    static char p1[FSGEN_PATH + 600], p2[FSGEN_PATH + 600];
    int *fd = op->fd >= 0 ? &m->fd[op->fd] : NULL;
    struct stat st;
    long r;

    path_of(m, op->path, p1, sizeof(p1));
    path_of(m, op->path2, p2, sizeof(p2));
    *h = 0;
    switch (op->kind) {
    case FSGEN_OPEN:
        r = *fd = open(p1, fsgen_posix_flags(op->flags), (mode_t)op->mode);
        return r < 0 ? -1 : 0; /* descriptor numbers are not compared */
    case FSGEN_CLOSE:
        r = close(*fd);
        *fd = -1;
        return r;
    case FSGEN_READ:
    case FSGEN_PREAD:
        r = op->kind == FSGEN_READ ? read(*fd, m->buf, op->len)
                                   : pread(*fd, m->buf, op->len, (off_t)op->off);
        if (r > 0)
            *h = hash(HASH_START, m->buf, (size_t)r);
        return r;
    case FSGEN_WRITE:
        fsgen_fill(op->seed, m->buf, op->len);
        return write(*fd, m->buf, op->len);
    case FSGEN_PWRITE:
        fsgen_fill(op->seed, m->buf, op->len);
        return pwrite(*fd, m->buf, op->len, (off_t)op->off);
    case FSGEN_LSEEK:
        return (long)lseek(*fd, (off_t)op->off, op->whence);
    case FSGEN_FTRUNCATE:
        return ftruncate(*fd, (off_t)op->off);
    case FSGEN_FSTAT:
        r = fstat(*fd, &st);
        if (r == 0)
            *h = stat_hash(&st);
        return r;
    case FSGEN_FSYNC:
        return fsync(*fd);
    case FSGEN_TRUNCATE:
        return truncate(p1, (off_t)op->off);
    case FSGEN_STAT:
        r = lstat(p1, &st);
        if (r == 0)
            *h = stat_hash(&st);
        return r;
    case FSGEN_RENAME:
        return rename(p1, p2);
    case FSGEN_LINK:
        return link(p1, p2);
    case FSGEN_SYMLINK:
        return symlink(op->path, p2);
    case FSGEN_UNLINK:
        return unlink(p1);
    case FSGEN_MKDIR:
        return mkdir(p1, (mode_t)op->mode);
    case FSGEN_RMDIR:
        return rmdir(p1);
    default:
        errno = EINVAL;
        return -1;
    }
}

/* One log line per operation; the digest covers them all. */
static void record(struct model *m, unsigned n, const struct fsgen_op *op, long r, int err,
                   uint64_t h)
{
    char line[240], res[32];

    if (r < 0)
        snprintf(res, sizeof(res), "%s", errno_name(err));
    else
        snprintf(res, sizeof(res), "%ld", r);
    snprintf(line, sizeof(line), "%u %s fd%d %.60s %.60s len %llu off %lld flags %o %s %016llx\n",
             n, fsgen_kind_name(op->kind), op->fd, op->path, op->path2, (unsigned long long)op->len,
             (long long)op->off, (unsigned)op->flags, res, (unsigned long long)h);
    m->digest = hash(m->digest, line, strlen(line));
    fputs(line, m->log);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static struct fsgen g;
    static struct model m;
    struct fsgen_op op;
    char logpath[600];
    unsigned long long seed;
    unsigned ops = 5000;
    double t0 = now();

    if (argc < 2) {
        fprintf(stderr, "usage: fsmodel SEED [ROOT [OPS]]\n");
        return 2;
    }
    seed = strtoull(argv[1], NULL, 0);
    snprintf(m.root, sizeof(m.root), "%s", argc > 2 ? argv[2] : "/m");
    if (argc > 3)
        ops = (unsigned)strtoul(argv[3], NULL, 0);
    umask(022);
    for (int f = 0; f < FSGEN_FDS; f++)
        m.fd[f] = -1;
    m.buf = malloc(FSGEN_MAX_IO);
    snprintf(logpath, sizeof(logpath), "%s.log", m.root);
    if (!m.buf || mkdir(m.root, 0755) != 0 || !(m.log = fopen(logpath, "w"))) {
        fprintf(stderr, "fsmodel: cannot start in %s: %s\n", m.root, strerror(errno));
        return 1;
    }
    m.digest = HASH_START;
    fsgen_init(&g, seed);
    for (unsigned n = 1; n <= ops; n++) {
        uint64_t h;
        long r;

        fsgen_next(&g, &op);
        errno = 0;
        r = apply(&m, &op, &h);
        record(&m, n, &op, r, errno, h);
        fsgen_done(&g, &op, r);
        if (n % LOG_EVERY == 0 || n == ops)
            printf("fsmodel: op %u digest %016llx\n", n, (unsigned long long)m.digest);
    }
    for (int f = 0; f < FSGEN_FDS; f++)
        if (m.fd[f] >= 0)
            close(m.fd[f]);
    if (fclose(m.log) != 0) {
        fprintf(stderr, "fsmodel: writing %s: %s\n", logpath, strerror(errno));
        return 1;
    }
    sync();
    printf("fsmodel: seed %llu, %u operations, %zu entries left;", seed, ops, g.nentries);
    for (int k = 0; k < FSGEN_KINDS; k++)
        printf(" %s %llu/%llu", fsgen_kind_name((enum fsgen_kind)k),
               (unsigned long long)g.stats[k][1], (unsigned long long)g.stats[k][0]);
    printf("\nfsmodel: done in %.1f s\n", now() - t0);
    free(m.buf);
    return 0;
}
