/* Model test: seeded random sequences of every operation, applied both to
 * an ext2 image through the library and to a host directory (the model).
 * Both must agree on each operation's success and on what reads return;
 * at checkpoints `e2fsck -fn` must find nothing, `debugfs rdump` must
 * equal the model byte for byte with modes, and the library's view must
 * match the model including link counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_ext2_util.h"

#define OPS_PER_SEED 2000
#define CHECK_EVERY  500
#define MAX_ENTRIES  2048
#define CACHE_BLOCKS 48 /* small, so eviction and write-back run constantly */
#define MAX_WRITE    (4u << 20)
#define IMAGE_SIZE   "96M"

/* One entry of the model tree: path relative to the root ("" = root). */
struct entry {
    char path[400];
    mode_t type; /* S_IFREG, S_IFDIR or S_IFLNK */
};

/* A running sequence. */
struct model {
    const char *mkfs_opts;
    uint64_t rng;
    int big_sparse; /* huge sparse files made so far (reading them back is slow) */
    char dir[600];  /* scratch directory */
    char root[700]; /* the host model */
    char img[700];
    struct tx_mount m;
    struct entry *ents;
    size_t nents;
    uint8_t *buf, *buf2;
    int last_ok; /* the last operation succeeded (on both sides) */
    char why[1200];
};

static uint64_t rnd(struct model *md, uint64_t n)
{
    return n ? tx_rand(&md->rng) % n : 0;
}

static void host_path(const struct model *md, const char *rel, char *out, size_t n)
{
    if (snprintf(out, n, "%s/%s", md->root, rel) >= (int)n)
        abort();
}

static void lib_path(const char *rel, char *out, size_t n)
{
    if (snprintf(out, n, "/%s", rel) >= (int)n)
        abort();
}

/* Collect the model's entries below rel (lost+found excluded). */
static void scan(struct model *md, const char *rel)
{
    char hp[1200];
    host_path(md, rel, hp, sizeof(hp));
    DIR *d = opendir(hp);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) && md->nents < MAX_ENTRIES) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            (!rel[0] && !strcmp(e->d_name, "lost+found")))
            continue;
        struct entry *en = &md->ents[md->nents];
        struct stat st;
        if (snprintf(en->path, sizeof(en->path), "%s%s%s", rel, rel[0] ? "/" : "", e->d_name) >=
            (int)sizeof(en->path))
            continue;
        host_path(md, en->path, hp, sizeof(hp));
        if (lstat(hp, &st))
            continue;
        en->type = st.st_mode & S_IFMT;
        md->nents++;
        if (en->type == S_IFDIR)
            scan(md, en->path);
    }
    closedir(d);
}

static void rescan(struct model *md)
{
    md->nents = 1;
    md->ents[0].path[0] = '\0';
    md->ents[0].type = S_IFDIR;
    scan(md, "");
}

/* A random entry of the given type (0 = any but the root); NULL if none. */
static const struct entry *pick(struct model *md, mode_t type)
{
    size_t n = 0;
    for (size_t i = 1; i < md->nents; i++)
        n += !type || md->ents[i].type == type;
    if (type == S_IFDIR)
        n++; /* the root */
    if (!n)
        return NULL;
    size_t k = rnd(md, n);
    if (type == S_IFDIR && k == n - 1)
        return &md->ents[0];
    for (size_t i = 1; i < md->nents; i++)
        if ((!type || md->ents[i].type == type) && k-- == 0)
            return &md->ents[i];
    return NULL;
}

/* A new path: a random directory and a name, often one that exists. */
static void new_path(struct model *md, char *out, size_t n)
{
    const struct entry *d = pick(md, S_IFDIR);
    char name[300];
    if (rnd(md, 20) == 0) {
        size_t len = 100 + rnd(md, 156);
        memset(name, 'a' + (int)rnd(md, 26), len);
        name[len] = '\0';
    } else {
        snprintf(name, sizeof(name), "%c%u", "fdsl"[rnd(md, 4)], (unsigned)rnd(md, 24));
    }
    if (snprintf(out, n, "%s%s%s", d->path, d->path[0] ? "/" : "", name) >= (int)n)
        out[0] = '\0';
}

static uint64_t free_bytes(struct model *md)
{
    struct ext2_statfs s;
    ext2_statfs(md->m.fs, &s);
    return s.free_blocks * s.block_size;
}

/* Record a disagreement between model and library. */
static int mismatch(struct model *md, const char *op, const char *path, int host_rc, long lib_rc)
{
    snprintf(md->why, sizeof(md->why), "%s %s: host %d, library %ld (%s; %s)", op, path, host_rc,
             lib_rc, lib_rc < 0 ? ext2_strerror((int)lib_rc) : "ok", ext2_errmsg(md->m.fs));
    return 1;
}

static int agree(struct model *md, const char *op, const char *path, int host_rc, long lib_rc)
{
    md->last_ok = lib_rc >= 0;
    if ((host_rc == 0) != (lib_rc >= 0))
        return mismatch(md, op, path, host_rc, lib_rc);
    return 0;
}

static size_t write_size(struct model *md)
{
    uint64_t r = rnd(md, 100);
    if (r < 60)
        return (size_t)rnd(md, 4096);
    if (r < 90)
        return (size_t)rnd(md, 65536);
    if (r < 98)
        return (size_t)rnd(md, 512 * 1024);
    return (size_t)rnd(md, MAX_WRITE);
}

/* Write at off in both the model file and the library file. */
static int do_write_at(struct model *md, const char *rel, uint64_t off, size_t len)
{
    char hp[1200], lp[500];
    uint32_t ino;
    host_path(md, rel, hp, sizeof(hp));
    lib_path(rel, lp, sizeof(lp));
    tx_fill(&md->rng, md->buf, len);
    int fd = open(hp, O_WRONLY);
    int hrc = fd >= 0 && pwrite(fd, md->buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
    if (fd >= 0)
        close(fd);
    long lrc = ext2_lookup(md->m.fs, lp, 0, &ino);
    if (lrc == 0)
        lrc = ext2_write(md->m.fs, ino, off, md->buf, len);
    if (lrc >= 0 && (size_t)lrc != len)
        return mismatch(md, "short write", rel, hrc, lrc);
    return agree(md, "write", rel, hrc, lrc);
}

static int op_create(struct model *md)
{
    static const unsigned modes[] = {0644, 0600, 0640, 0755, 0444, 0664};
    char rel[400], hp[1200], lp[500];
    unsigned mode = modes[rnd(md, 6)];
    uint32_t ino;
    new_path(md, rel, sizeof(rel));
    host_path(md, rel, hp, sizeof(hp));
    lib_path(rel, lp, sizeof(lp));
    int fd = open(hp, O_WRONLY | O_CREAT | O_EXCL, mode);
    int hrc = fd >= 0 ? 0 : -1;
    if (fd >= 0)
        close(fd);
    int lrc = ext2_create(md->m.fs, lp, mode, &ino);
    if (agree(md, "create", rel, hrc, lrc))
        return 1;
    size_t len = write_size(md);
    if (hrc || len == 0 || len + (8u << 20) > free_bytes(md))
        return 0;
    return do_write_at(md, rel, 0, len);
}

static int op_write(struct model *md)
{
    const struct entry *e = pick(md, S_IFREG);
    struct stat st;
    char hp[1200];
    if (!e)
        return 0;
    host_path(md, e->path, hp, sizeof(hp));
    if (lstat(hp, &st))
        return 0;
    size_t len = write_size(md);
    uint64_t size = (uint64_t)st.st_size, off;
    uint64_t r = rnd(md, 100);
    if (r < 70)
        off = rnd(md, size + 1);
    else if (r < 97 || md->big_sparse >= 2)
        off = size + rnd(md, 200000);
    else {
        off = (64u << 20) + rnd(md, 8u << 20); /* triple indirect with 1 KiB blocks */
        md->big_sparse++;
    }
    if (len + (8u << 20) > free_bytes(md))
        return 0;
    return do_write_at(md, e->path, off, len);
}

static int op_truncate(struct model *md)
{
    const struct entry *e = pick(md, S_IFREG);
    struct stat st;
    char hp[1200], lp[500];
    uint32_t ino;
    if (!e)
        return 0;
    host_path(md, e->path, hp, sizeof(hp));
    lib_path(e->path, lp, sizeof(lp));
    if (lstat(hp, &st))
        return 0;
    uint64_t size = rnd(md, 4) == 0 ? 0 : rnd(md, (uint64_t)st.st_size * 2 + 10000);
    int hrc = truncate(hp, (off_t)size);
    int lrc = ext2_lookup(md->m.fs, lp, 0, &ino);
    if (!lrc)
        lrc = ext2_truncate(md->m.fs, ino, size);
    return agree(md, "truncate", e->path, hrc, lrc);
}

/* Read a random range through both and compare. */
static int op_read(struct model *md)
{
    const struct entry *e = pick(md, S_IFREG);
    struct stat st;
    char hp[1200], lp[500];
    uint32_t ino;
    if (!e)
        return 0;
    host_path(md, e->path, hp, sizeof(hp));
    lib_path(e->path, lp, sizeof(lp));
    if (lstat(hp, &st))
        return 0;
    uint64_t off = rnd(md, (uint64_t)st.st_size + 100);
    size_t len = (size_t)rnd(md, MAX_WRITE);
    int fd = open(hp, O_RDONLY);
    long hn = fd >= 0 ? (long)pread(fd, md->buf, len, (off_t)off) : -1;
    if (fd >= 0)
        close(fd);
    long ln = ext2_lookup(md->m.fs, lp, 0, &ino);
    if (!ln)
        ln = ext2_read(md->m.fs, ino, off, md->buf2, len);
    if (hn != ln || (hn > 0 && memcmp(md->buf, md->buf2, (size_t)hn)))
        return mismatch(md, "read", e->path, (int)hn, ln);
    return 0;
}

static int op_mkdir(struct model *md)
{
    static const unsigned modes[] = {0755, 0700, 0750, 0775};
    char rel[400], hp[1200], lp[500];
    unsigned mode = modes[rnd(md, 4)];
    new_path(md, rel, sizeof(rel));
    host_path(md, rel, hp, sizeof(hp));
    lib_path(rel, lp, sizeof(lp));
    return agree(md, "mkdir", rel, mkdir(hp, mode), ext2_mkdir(md->m.fs, lp, mode));
}

static int op_rmdir(struct model *md)
{
    const struct entry *e = pick(md, S_IFDIR);
    char hp[1200], lp[500];
    if (!e || !e->path[0])
        return 0;
    host_path(md, e->path, hp, sizeof(hp));
    lib_path(e->path, lp, sizeof(lp));
    return agree(md, "rmdir", e->path, rmdir(hp), ext2_rmdir(md->m.fs, lp));
}

static int op_unlink(struct model *md)
{
    const struct entry *e = pick(md, 0);
    char hp[1200], lp[500];
    if (!e)
        return 0;
    host_path(md, e->path, hp, sizeof(hp));
    lib_path(e->path, lp, sizeof(lp));
    return agree(md, "unlink", e->path, unlink(hp), ext2_unlink(md->m.fs, lp));
}

static int op_rename(struct model *md)
{
    const struct entry *s = pick(md, 0), *d;
    char to[400], hs[1200], hd[1200], ls[500], ld[500];
    if (!s)
        return 0;
    if (rnd(md, 3) == 0 && (d = pick(md, 0)))
        snprintf(to, sizeof(to), "%s", d->path);
    else
        new_path(md, to, sizeof(to));
    host_path(md, s->path, hs, sizeof(hs));
    host_path(md, to, hd, sizeof(hd));
    lib_path(s->path, ls, sizeof(ls));
    lib_path(to, ld, sizeof(ld));
    return agree(md, "rename", s->path, rename(hs, hd), ext2_rename(md->m.fs, ls, ld));
}

static int op_link(struct model *md)
{
    const struct entry *s = pick(md, rnd(md, 4) ? S_IFREG : S_IFLNK);
    char to[400], hs[1200], hd[1200], ls[500], ld[500];
    if (!s)
        return 0;
    new_path(md, to, sizeof(to));
    host_path(md, s->path, hs, sizeof(hs));
    host_path(md, to, hd, sizeof(hd));
    lib_path(s->path, ls, sizeof(ls));
    lib_path(to, ld, sizeof(ld));
    return agree(md, "link", s->path, link(hs, hd), ext2_link(md->m.fs, ls, ld));
}

static int op_symlink(struct model *md)
{
    char to[400], hd[1200], ld[500], target[400];
    size_t len = rnd(md, 10) < 7 ? 1 + rnd(md, 50) : 55 + rnd(md, 300);
    for (size_t i = 0; i < len; i++)
        target[i] = "abcdefgh/.xyz"[rnd(md, 13)];
    target[0] = 'T';
    target[len] = '\0';
    new_path(md, to, sizeof(to));
    host_path(md, to, hd, sizeof(hd));
    lib_path(to, ld, sizeof(ld));
    return agree(md, "symlink", to, symlink(target, hd), ext2_symlink(md->m.fs, target, ld));
}

static int op_chmod(struct model *md)
{
    static const unsigned modes[] = {0755, 0700, 0644, 0600, 0751, 04755, 02750, 01777};
    const struct entry *e = pick(md, rnd(md, 2) ? S_IFREG : S_IFDIR);
    char hp[1200], lp[500];
    uint32_t ino;
    if (!e || !e->path[0])
        return 0;
    unsigned mode = modes[rnd(md, 8)];
    host_path(md, e->path, hp, sizeof(hp));
    lib_path(e->path, lp, sizeof(lp));
    int lrc = ext2_lookup(md->m.fs, lp, 0, &ino);
    if (!lrc)
        lrc = ext2_chmod(md->m.fs, ino, mode);
    return agree(md, "chmod", e->path, chmod(hp, mode), lrc);
}

/* Compare stat of a random entry (directory sizes differ by design). */
static int op_stat(struct model *md)
{
    const struct entry *e = pick(md, 0);
    char hp[1200], lp[500];
    struct stat hs;
    struct ext2_stat es;
    uint32_t ino;
    if (!e)
        return 0;
    host_path(md, e->path, hp, sizeof(hp));
    lib_path(e->path, lp, sizeof(lp));
    int hrc = lstat(hp, &hs);
    int lrc = ext2_lookup(md->m.fs, lp, 0, &ino);
    if (!lrc)
        lrc = ext2_stat(md->m.fs, ino, &es);
    if (agree(md, "stat", e->path, hrc, lrc) || hrc)
        return md->why[0] != 0;
    if (es.mode != hs.st_mode || (!S_ISDIR(hs.st_mode) && es.size != (uint64_t)hs.st_size) ||
        (!S_ISDIR(hs.st_mode) && es.nlink != hs.st_nlink))
        return mismatch(md, "stat fields", e->path, (int)hs.st_mode, (long)es.mode);
    return 0;
}

static int remount(struct model *md)
{
    char msg[200];
    int err = tx_unmount(&md->m);
    if (!err)
        err = tx_mount(&md->m, md->img, 0, CACHE_BLOCKS, msg, sizeof(msg));
    if (err)
        snprintf(md->why, sizeof(md->why), "remount: %s", ext2_strerror(err));
    return err != 0;
}

/* Unmount, run e2fsck and rdump, compare everything, mount again. */
static int checkpoint(struct model *md, unsigned op)
{
    char log[800], out[800], msg[200];
    int err = tx_unmount(&md->m);
    if (err) {
        snprintf(md->why, sizeof(md->why), "unmount: %s", ext2_strerror(err));
        return 1;
    }
    snprintf(log, sizeof(log), "%s/fsck.log", md->dir);
    if (tx_sh("e2fsck -fn '%s' >'%s' 2>&1", md->img, log)) {
        tx_sh("head -30 '%s' >&2", log);
        snprintf(md->why, sizeof(md->why), "e2fsck found problems after op %u (%s)", op, log);
        return 1;
    }
    snprintf(out, sizeof(out), "%s/rdump", md->dir);
    tx_rmrf(out);
    mkdir(out, 0755);
    if (tx_sh("debugfs -R 'rdump / %s' '%s' >/dev/null 2>&1", out, md->img) ||
        tx_compare_trees(md->root, out, md->why, sizeof(md->why)))
        return md->why[0] ? 1 : (snprintf(md->why, sizeof(md->why), "rdump failed"), 1);
    tx_rmrf(out);
    err = tx_mount(&md->m, md->img, 1, CACHE_BLOCKS, msg, sizeof(msg));
    if (err || tx_compare_ext2(md->m.fs, md->root, md->why, sizeof(md->why)))
        return 1;
    tx_unmount(&md->m);
    return tx_mount(&md->m, md->img, 0, CACHE_BLOCKS, msg, sizeof(msg)) != 0;
}

/* Starting tree, also copied into the image by mke2fs -d. */
static void seed_tree(struct model *md)
{
    char p[1200];
    mkdir(md->root, 0755);
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s/d%d", md->root, i);
        mkdir(p, 0755);
    }
    for (int i = 0; i < 10; i++) {
        size_t len = write_size(md);
        tx_fill(&md->rng, md->buf, len);
        snprintf(p, sizeof(p), "%s/%sf%d", md->root, i < 5 ? "" : "d1/", i);
        assert_int_equal(tx_write_file(p, md->buf, len, 0644), 0);
    }
}

typedef int (*op_fn)(struct model *);

static const char *const op_names[] = {"create", "write",  "truncate", "read", "mkdir",
                                       "rmdir",  "unlink", "rename",   "link", "symlink",
                                       "chmod",  "stat",   "remount"};

static void run_model(uint64_t seed, const char *mkfs_opts)
{
    static const struct {
        op_fn fn;
        unsigned weight;
    } ops[] = {
        {op_create, 14}, {op_write, 14}, {op_truncate, 8}, {op_read, 8}, {op_mkdir, 8},
        {op_rmdir, 5},   {op_unlink, 8}, {op_rename, 12},  {op_link, 5}, {op_symlink, 6},
        {op_chmod, 3},   {op_stat, 6},   {remount, 1},
    };
    unsigned done[13] = {0}, succeeded[13] = {0};
    int namespace_ops = (1 << 0) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9);
    struct model md = {.mkfs_opts = mkfs_opts, .rng = seed};
    char *dir = tx_mkdtemp(), msg[200];
    assert_non_null(dir);
    snprintf(md.dir, sizeof(md.dir), "%s", dir);
    snprintf(md.root, sizeof(md.root), "%s/model", dir);
    snprintf(md.img, sizeof(md.img), "%s/img", dir);
    md.ents = calloc(MAX_ENTRIES, sizeof(*md.ents));
    md.buf = malloc(MAX_WRITE);
    md.buf2 = malloc(MAX_WRITE);
    umask(0);
    seed_tree(&md);
    assert_int_equal(tx_sh("mke2fs -q -F -t ext2 %s -d '%s' '%s' %s >/dev/null 2>&1", mkfs_opts,
                           md.root, md.img, IMAGE_SIZE),
                     0);
    char lf[800];
    host_path(&md, "lost+found", lf, sizeof(lf));
    mkdir(lf, 0700);
    assert_int_equal(tx_mount(&md.m, md.img, 0, CACHE_BLOCKS, msg, sizeof(msg)), 0);
    unsigned total = 0;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        total += ops[i].weight;
    int failed = 0;
    int stale = 1;
    for (unsigned n = 1; n <= OPS_PER_SEED && !failed; n++) {
        if (stale)
            rescan(&md);
        unsigned r = (unsigned)rnd(&md, total), k = 0;
        while (r >= ops[k].weight)
            r -= ops[k++].weight;
        if (md.nents > 400 && rnd(&md, 2))
            k = rnd(&md, 2) ? 6 : 5; /* prune a big tree */
        md.last_ok = 1;
        failed = ops[k].fn(&md);
        stale = (namespace_ops >> k) & 1;
        done[k]++;
        succeeded[k] += !failed && md.last_ok;
        if (!failed && n % CHECK_EVERY == 0)
            failed = checkpoint(&md, n);
        if (failed)
            fprintf(stderr, "seed %llu op %u: %s\n", (unsigned long long)seed, n, md.why);
    }
    fprintf(stderr, "# seed %llu (%s): %zu entries at the end; ops (succeeded/run):",
            (unsigned long long)seed, mkfs_opts, md.nents);
    for (unsigned k = 0; k < 13; k++)
        fprintf(stderr, " %s %u/%u", op_names[k], succeeded[k], done[k]);
    fprintf(stderr, "\n");
    if (md.m.fs)
        tx_unmount(&md.m);
    if (!failed)
        tx_rmrf(dir);
    free(dir);
    free(md.ents);
    free(md.buf);
    free(md.buf2);
    if (failed)
        fail_msg("%s", md.why);
}

static void test_model_1k(void **state)
{
    run_model(1, "-b 1024");
}

static void test_model_2k(void **state)
{
    run_model(2, "-b 2048");
}

static void test_model_4k(void **state)
{
    run_model(3, "-b 4096");
}

static void test_model_inode128(void **state)
{
    run_model(4, "-b 1024 -I 128");
}

static void test_model_rev0(void **state)
{
    run_model(5, "-b 1024 -r 0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_1k),   cmocka_unit_test(test_model_2k),
        cmocka_unit_test(test_model_4k),   cmocka_unit_test(test_model_inode128),
        cmocka_unit_test(test_model_rev0),
    };
    setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 0);
    return cmocka_run_group_tests_name("ext2_model", tests, NULL, NULL);
}
