/* Model test of the fs server: a seeded fsgen sequence (tests/fsgen) of at
 * least 5,000 operations, spread over three client connections, applied
 * both through the request handler (over an ext2 image made by mke2fs) and
 * to a host directory with the host's POSIX calls. Every operation must
 * give the same result on both (the same errno on failure, the same bytes
 * on reads); at the end the clients exit, the server unmounts, `e2fsck -fn`
 * must be clean and `debugfs rdump` of the image must equal the host
 * directory byte for byte, with permission bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_test_client.h"
#include "fsgen.h"
#include "test_ext2_util.h"

#define OPS          5000
#define CACHE_BLOCKS 64 /* small: eviction and write-back run all the time */

struct run {
    char dir[600], root[700], img[700];
    struct filedev fdev;
    struct ext2_blockdev dev;
    struct fs_server srv;
    struct fs_tc tc[FSGEN_CLIENTS];
    int host_fd[FSGEN_FDS];
    long handle[FSGEN_FDS];
    int64_t offset[FSGEN_FDS]; /* the client-side offset of each handle */
    uint32_t flags[FSGEN_FDS];
    int client[FSGEN_FDS];
    uint8_t *buf, *buf2;
    char why[3000];
};

/* The errno a protocol error stands for (what libos will do). */
static int errno_of(long r)
{
    static const struct {
        long code;
        int err;
    } map[] = {
        {CHIME_EINVAL, EINVAL},       {CHIME_EFAULT, EFAULT},   {CHIME_ENOMEM, ENOMEM},
        {CHIME_EPERM, EPERM},         {CHIME_ENOENT, ENOENT},   {CHIME_EEXIST, EEXIST},
        {CHIME_EBUSY, EBUSY},         {CHIME_ENOTSUP, ENOTSUP}, {CHIME_EIO, EIO},
        {CHIME_EROFS, EROFS},         {CHIME_ENOTDIR, ENOTDIR}, {CHIME_EISDIR, EISDIR},
        {CHIME_ENOTEMPTY, ENOTEMPTY}, {CHIME_ENOSPC, ENOSPC},   {CHIME_ENAMETOOLONG, ENAMETOOLONG},
        {CHIME_ELOOP, ELOOP},         {CHIME_EFBIG, EFBIG},     {CHIME_EMLINK, EMLINK},
        {CHIME_EMFILE, EMFILE},       {CHIME_EXDEV, EXDEV},     {CHIME_EBADF, EBADF},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].code == r)
            return map[i].err;
    return -1;
}

static void hpath(const struct run *rn, const char *rel, char *out, size_t n)
{
    if (snprintf(out, n, "%s/%s", rn->root, rel) >= (int)n)
        abort();
}

/* The generator's flags are the protocol's (fsgen.h mirrors FS_O_*). */
_Static_assert(FSGEN_O_CREAT == FS_O_CREAT && FSGEN_O_EXCL == FS_O_EXCL &&
                   FSGEN_O_TRUNC == FS_O_TRUNC && FSGEN_O_APPEND == FS_O_APPEND &&
                   FSGEN_O_DIRECTORY == FS_O_DIRECTORY && FSGEN_O_RDWR == FS_O_RDWR,
               "fsgen flags are the protocol's");

static long host_ret(long r)
{
    return r < 0 ? -errno : r;
}

static int stat_agree(struct run *rn, const char *what, const struct stat *hs,
                      const struct fs_stat *fs)
{
    int dir = S_ISDIR(hs->st_mode);

    if (fs->mode != hs->st_mode || (!dir && fs->size != (uint64_t)hs->st_size) ||
        (!dir && fs->nlink != hs->st_nlink)) {
        snprintf(rn->why, sizeof(rn->why), "%s: mode %o/%o size %llu/%llu nlink %u/%u", what,
                 fs->mode, hs->st_mode, (unsigned long long)fs->size,
                 (unsigned long long)hs->st_size, fs->nlink, (unsigned)hs->st_nlink);
        return 1;
    }
    return 0;
}

/* Apply op to both sides; hr and fr get the host and handler results
 * (fr as a host-style -errno). Returns nonzero on a disagreement in data. */
static int apply(struct run *rn, const struct fsgen_op *op, long *hr, long *fr)
{
    char hp[1300], hp2[1300], abs1[1200], abs2[1200];
    int f = op->fd;
    struct fs_tc *t = f >= 0 ? &rn->tc[rn->client[f]] : &rn->tc[0];
    struct stat hs;
    struct fs_stat fst;
    long r = 0;

    hpath(rn, op->path, hp, sizeof(hp));
    hpath(rn, op->path2, hp2, sizeof(hp2));
    snprintf(abs1, sizeof(abs1), "/%s", op->path);
    snprintf(abs2, sizeof(abs2), "/%s", op->path2);
    switch (op->kind) {
    case FSGEN_OPEN:
        t = &rn->tc[op->client];
        *hr = host_ret(rn->host_fd[f] = open(hp, fsgen_posix_flags(op->flags), op->mode));
        r = tc_open(t, abs1, op->flags, op->mode);
        if (r >= 0) {
            rn->handle[f] = r;
            rn->offset[f] = 0;
            rn->flags[f] = op->flags;
            rn->client[f] = op->client;
        }
        /* Descriptor numbers differ by nature: compare success only. */
        *hr = *hr >= 0 ? 0 : *hr;
        r = r >= 0 ? 0 : r;
        break;
    case FSGEN_CLOSE:
        *hr = host_ret(close(rn->host_fd[f]));
        r = tc_close(t, rn->handle[f]);
        break;
    case FSGEN_READ:
    case FSGEN_PREAD: {
        int pos = op->kind == FSGEN_READ;
        *hr = host_ret(pos ? read(rn->host_fd[f], rn->buf, op->len)
                           : pread(rn->host_fd[f], rn->buf, op->len, op->off));
        r = tc_read(t, rn->handle[f], pos ? (uint64_t)rn->offset[f] : (uint64_t)op->off, rn->buf2,
                    op->len);
        if (r > 0 && pos)
            rn->offset[f] += r;
        if (*hr == r && r > 0 && memcmp(rn->buf, rn->buf2, (size_t)r)) {
            snprintf(rn->why, sizeof(rn->why), "read %s: data differ", op->path);
            return 1;
        }
        break;
    }
    case FSGEN_WRITE:
    case FSGEN_PWRITE: {
        int pos = op->kind == FSGEN_WRITE;
        fsgen_fill(op->seed, rn->buf, op->len);
        *hr = host_ret(pos ? write(rn->host_fd[f], rn->buf, op->len)
                           : pwrite(rn->host_fd[f], rn->buf, op->len, op->off));
        r = tc_write(t, rn->handle[f], pos ? (uint64_t)rn->offset[f] : (uint64_t)op->off, rn->buf,
                     op->len);
        if (r >= 0 && pos)
            rn->offset[f] = (int64_t)t->cpl.offset;
        break;
    }
    case FSGEN_LSEEK: {
        *hr = host_ret(lseek(rn->host_fd[f], op->off, op->whence));
        int64_t base = op->whence == 0 ? 0 : rn->offset[f];
        if (op->whence == 2) {
            r = tc_fstat(t, rn->handle[f], &fst);
            base = (int64_t)fst.size;
        }
        if (r >= 0)
            r = base + op->off < 0 ? CHIME_EINVAL : base + op->off;
        if (r >= 0)
            rn->offset[f] = r;
        break;
    }
    case FSGEN_FTRUNCATE:
        *hr = host_ret(ftruncate(rn->host_fd[f], op->off));
        r = tc_handle_op(t, FS_OP_FTRUNCATE, rn->handle[f], (uint64_t)op->off);
        break;
    case FSGEN_FSTAT:
        *hr = host_ret(fstat(rn->host_fd[f], &hs));
        r = tc_fstat(t, rn->handle[f], &fst);
        if (*hr == 0 && r == 0 && stat_agree(rn, "fstat", &hs, &fst))
            return 1;
        break;
    case FSGEN_FSYNC:
        *hr = host_ret(fsync(rn->host_fd[f]));
        r = tc_handle_op(t, FS_OP_FSYNC, rn->handle[f], 0);
        break;
    case FSGEN_TRUNCATE:
        *hr = host_ret(truncate(hp, op->off));
        r = tc_path(t, FS_OP_TRUNCATE, abs1, 0, (uint64_t)op->off);
        break;
    case FSGEN_STAT:
        *hr = host_ret(lstat(hp, &hs));
        r = tc_stat(t, FS_OP_LSTAT, abs1, &fst);
        if (*hr == 0 && r == 0 && stat_agree(rn, op->path, &hs, &fst))
            return 1;
        break;
    case FSGEN_RENAME:
        *hr = host_ret(rename(hp, hp2));
        r = tc_path2(t, FS_OP_RENAME, abs1, abs2);
        break;
    case FSGEN_LINK:
        *hr = host_ret(link(hp, hp2));
        r = tc_path2(t, FS_OP_LINK, abs1, abs2);
        break;
    case FSGEN_SYMLINK:
        *hr = host_ret(symlink(op->path, hp2));
        r = tc_path2(t, FS_OP_SYMLINK, op->path, abs2);
        break;
    case FSGEN_UNLINK:
        *hr = host_ret(unlink(hp));
        r = tc_path(t, FS_OP_UNLINK, abs1, 0, 0);
        break;
    case FSGEN_MKDIR:
        *hr = host_ret(mkdir(hp, op->mode));
        r = tc_path(t, FS_OP_MKDIR, abs1, op->mode, 0);
        break;
    case FSGEN_RMDIR:
        *hr = host_ret(rmdir(hp));
        r = tc_path(t, FS_OP_RMDIR, abs1, 0, 0);
        break;
    default:
        break;
    }
    *fr = r < 0 ? -errno_of(r) : r;
    return 0;
}

/* Close everything, unmount, check the image and compare it with the host. */
static int final_check(struct run *rn)
{
    char log[800], out[800];

    for (int f = 0; f < FSGEN_FDS; f++)
        if (rn->host_fd[f] >= 0)
            close(rn->host_fd[f]);
    for (int c = 0; c < FSGEN_CLIENTS; c++)
        tc_fini(&rn->tc[c]); /* the clients exit with handles open */
    if (fs_server_unmount(&rn->srv)) {
        snprintf(rn->why, sizeof(rn->why), "unmount failed");
        return 1;
    }
    filedev_close(&rn->fdev);
    snprintf(log, sizeof(log), "%s/fsck.log", rn->dir);
    if (tx_sh("e2fsck -fn '%s' >'%s' 2>&1", rn->img, log)) {
        tx_sh("head -30 '%s' >&2", log);
        snprintf(rn->why, sizeof(rn->why), "e2fsck found problems (%s)", log);
        return 1;
    }
    snprintf(out, sizeof(out), "%s/rdump", rn->dir);
    mkdir(out, 0755);
    if (tx_sh("debugfs -R 'rdump / %s' '%s' >/dev/null 2>&1", out, rn->img)) {
        snprintf(rn->why, sizeof(rn->why), "rdump failed");
        return 1;
    }
    return tx_compare_trees(rn->root, out, rn->why, sizeof(rn->why));
}

static void run_model(uint64_t seed, const char *mkfs_opts)
{
    static struct fsgen g;
    static struct run rn;
    struct fsgen_op op;
    char *dir = tx_mkdtemp(), msg[200];
    int failed = 0;

    memset(&rn, 0, sizeof(rn));
    assert_non_null(dir);
    snprintf(rn.dir, sizeof(rn.dir), "%s", dir);
    snprintf(rn.root, sizeof(rn.root), "%s/model", dir);
    snprintf(rn.img, sizeof(rn.img), "%s/img", dir);
    umask(0);
    mkdir(rn.root, 0755);
    assert_int_equal(tx_sh("mke2fs -q -F -t ext2 %s -d '%s' '%s' 128M >/dev/null 2>&1", mkfs_opts,
                           rn.root, rn.img),
                     0);
    char lf[800];
    hpath(&rn, "lost+found", lf, sizeof(lf));
    mkdir(lf, 0700);
    assert_int_equal(filedev_open(&rn.fdev, rn.img, 1, &rn.dev), 0);
    assert_int_equal(fs_server_mount(&rn.srv, &rn.dev, 0, CACHE_BLOCKS, msg, sizeof(msg)), 0);
    for (int c = 0; c < FSGEN_CLIENTS; c++)
        tc_init(&rn.tc[c], &rn.srv);
    for (int f = 0; f < FSGEN_FDS; f++)
        rn.host_fd[f] = -1;
    rn.buf = malloc(FSGEN_MAX_IO);
    rn.buf2 = malloc(FSGEN_MAX_IO);
    fsgen_init(&g, seed);
    for (unsigned n = 1; n <= OPS && !failed; n++) {
        long hr = 0, fr = 0;

        fsgen_next(&g, &op);
        failed = apply(&rn, &op, &hr, &fr);
        if (!failed && hr != fr) {
            snprintf(rn.why, sizeof(rn.why), "%s %s %s (fd %d): host %ld, server %ld",
                     fsgen_kind_name(op.kind), op.path, op.path2, op.fd, hr, fr);
            failed = 1;
        }
        if (failed)
            fprintf(stderr, "seed %llu op %u: %s\n", (unsigned long long)seed, n, rn.why);
        else if (op.kind == FSGEN_CLOSE)
            rn.host_fd[op.fd] = -1;
        fsgen_done(&g, &op, hr);
    }
    fprintf(stderr, "# seed %llu (%s): %zu entries; ops succeeded/run:", (unsigned long long)seed,
            mkfs_opts, g.nentries);
    for (int k = 0; k < FSGEN_KINDS; k++)
        fprintf(stderr, " %s %llu/%llu", fsgen_kind_name(k), (unsigned long long)g.stats[k][1],
                (unsigned long long)g.stats[k][0]);
    fprintf(stderr, "\n");
    if (!failed && final_check(&rn)) {
        fprintf(stderr, "seed %llu final: %s\n", (unsigned long long)seed, rn.why);
        failed = 1;
    }
    free(rn.buf);
    free(rn.buf2);
    if (!failed)
        tx_rmrf(dir);
    free(dir);
    if (failed)
        fail_msg("%s", rn.why);
}

static void test_model_4k(void **state)
{
    run_model(11, "-b 4096");
}

static void test_model_1k(void **state)
{
    run_model(12, "-b 1024");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_4k),
        cmocka_unit_test(test_model_1k),
    };
    setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 0);
    return cmocka_run_group_tests_name("fs_model", tests, NULL, NULL);
}
