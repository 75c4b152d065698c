/* ext2 library operations one by one: the errors a user sees, rename
 * corner cases, deep indirect blocks, running out of space, exact free
 * counts, and two file systems mounted at once. Every test ends with
 * `e2fsck -fn` on the image. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_ext2_util.h"

static char *g_tmp;

/* Per-test state: a fresh image mounted read-write. */
struct fixture {
    char img[600];
    struct tx_mount m;
};

static struct ext2_fs *make_fs(struct fixture *f, const char *name, const char *opts,
                               const char *size)
{
    char msg[200];
    snprintf(f->img, sizeof(f->img), "%s/%s", g_tmp, name);
    unlink(f->img);
    assert_int_equal(tx_sh("mke2fs -q -F -t ext2 %s '%s' %s >/dev/null 2>&1", opts, f->img, size),
                     0);
    assert_int_equal(tx_mount(&f->m, f->img, 0, 32, msg, sizeof(msg)), 0);
    return f->m.fs;
}

/* Unmount and require a clean e2fsck. */
static void finish(struct fixture *f)
{
    assert_int_equal(tx_unmount(&f->m), 0);
    int rc = tx_sh("e2fsck -fn '%s' >'%s.fsck' 2>&1", f->img, f->img);
    if (rc) {
        tx_sh("cat '%s.fsck' >&2", f->img);
        fail_msg("e2fsck exit %d", rc);
    }
}

static uint32_t must_create(struct ext2_fs *fs, const char *path)
{
    uint32_t ino;
    assert_int_equal(ext2_create(fs, path, 0644, &ino), 0);
    return ino;
}

static void test_errors(void **state)
{
    struct fixture f = {0};
    struct ext2_fs *fs = make_fs(&f, "errors", "-b 1024", "4M");
    uint32_t ino;
    char name[300];
    memset(name, 'n', 257);
    name[0] = '/';
    name[257] = '\0';
    assert_int_equal(ext2_mkdir(fs, "/d", 0755), 0);
    must_create(fs, "/d/f");
    assert_int_equal(ext2_rmdir(fs, "/d"), EXT2_ENOTEMPTY);
    assert_int_equal(ext2_unlink(fs, "/d"), EXT2_EISDIR);
    assert_int_equal(ext2_rmdir(fs, "/d/f"), EXT2_ENOTDIR);
    assert_int_equal(ext2_create(fs, "/d/f", 0644, &ino), EXT2_EEXIST);
    assert_int_equal(ext2_mkdir(fs, "/d", 0755), EXT2_EEXIST);
    assert_int_equal(ext2_lookup(fs, "/nope", 1, &ino), EXT2_ENOENT);
    assert_int_equal(ext2_lookup(fs, "/d/f/x", 1, &ino), EXT2_ENOTDIR);
    assert_int_equal(ext2_create(fs, "/d/f/x", 0644, &ino), EXT2_ENOTDIR);
    assert_int_equal(ext2_create(fs, name, 0644, &ino), EXT2_ENAMETOOLONG);
    assert_int_equal(ext2_link(fs, "/d", "/d2"), EXT2_EPERM);
    assert_int_equal(ext2_rmdir(fs, "/"), EXT2_EBUSY);
    assert_int_equal(ext2_symlink(fs, "/loop2", "/loop1"), 0);
    assert_int_equal(ext2_symlink(fs, "/loop1", "/loop2"), 0);
    assert_int_equal(ext2_lookup(fs, "/loop1", 1, &ino), EXT2_ELOOP);
    assert_int_equal(ext2_lookup(fs, "/loop1", 0, &ino), 0);
    assert_int_equal(ext2_lookup(fs, "/d/f", 1, &ino), 0);
    assert_int_equal(ext2_read(fs, 2, 0, name, 10), EXT2_EISDIR);
    finish(&f);
}

static void test_rename(void **state)
{
    struct fixture f = {0};
    struct ext2_fs *fs = make_fs(&f, "rename", "-b 1024", "4M");
    struct ext2_statfs before, after;
    struct ext2_stat st;
    uint32_t a, b, ino;
    assert_int_equal(ext2_mkdir(fs, "/x", 0755), 0);
    assert_int_equal(ext2_mkdir(fs, "/x/y", 0755), 0);
    assert_int_equal(ext2_mkdir(fs, "/z", 0755), 0);
    /* a directory into its own subtree */
    assert_int_equal(ext2_rename(fs, "/x", "/x/y/x"), EXT2_EINVAL);
    assert_int_equal(ext2_rename(fs, "/x", "/x/y"), EXT2_EINVAL);
    assert_int_equal(ext2_rename(fs, "/z", "/x"), EXT2_ENOTEMPTY);
    /* over an existing file: the old inode goes, its space comes back */
    a = must_create(fs, "/a");
    b = must_create(fs, "/b");
    assert_int_equal(ext2_write(fs, b, 0, "bbbb", 4), 4);
    ext2_statfs(fs, &before);
    assert_int_equal(ext2_rename(fs, "/a", "/b"), 0);
    ext2_statfs(fs, &after);
    assert_int_equal(after.free_inodes, before.free_inodes + 1);
    assert_int_equal(after.free_blocks, before.free_blocks + 1);
    assert_int_equal(ext2_lookup(fs, "/b", 1, &ino), 0);
    assert_int_equal(ino, a);
    assert_int_equal(ext2_lookup(fs, "/a", 1, &ino), EXT2_ENOENT);
    /* a directory across directories: ".." and both link counts follow */
    assert_int_equal(ext2_rename(fs, "/x/y", "/z/y"), 0);
    assert_int_equal(ext2_lookup(fs, "/z/y/..", 1, &ino), 0);
    assert_int_equal(ext2_lookup(fs, "/z", 1, &b), 0);
    assert_int_equal(ino, b);
    assert_int_equal(ext2_stat(fs, b, &st), 0);
    assert_int_equal(st.nlink, 3);
    assert_int_equal(ext2_lookup(fs, "/x", 1, &ino), 0);
    assert_int_equal(ext2_stat(fs, ino, &st), 0);
    assert_int_equal(st.nlink, 2);
    /* over an empty directory; onto itself through a hard link */
    assert_int_equal(ext2_rename(fs, "/z/y", "/x"), 0);
    assert_int_equal(ext2_link(fs, "/b", "/b2"), 0);
    assert_int_equal(ext2_rename(fs, "/b", "/b2"), 0);
    assert_int_equal(ext2_lookup(fs, "/b", 1, &ino), 0);
    /* file over directory and directory over file */
    assert_int_equal(ext2_rename(fs, "/b", "/x"), EXT2_EISDIR);
    assert_int_equal(ext2_rename(fs, "/x", "/b"), EXT2_ENOTDIR);
    finish(&f);
}

/* Write in the triple-indirect range of 1 KiB blocks, read it back, shrink. */
static void test_triple_indirect(void **state)
{
    struct fixture f = {0};
    struct ext2_fs *fs = make_fs(&f, "tind", "-b 1024", "8M");
    const uint64_t off = (12 + 256 + 65536 + 70000ull) * 1024;
    char buf[5000], back[5000];
    struct ext2_stat st;
    uint64_t rng = 7;
    tx_fill(&rng, buf, sizeof(buf));
    uint32_t ino = must_create(fs, "/sparse");
    assert_int_equal(ext2_write(fs, ino, off, buf, sizeof(buf)), sizeof(buf));
    assert_int_equal(ext2_read(fs, ino, off, back, sizeof(back)), sizeof(back));
    assert_memory_equal(buf, back, sizeof(buf));
    assert_int_equal(ext2_read(fs, ino, off - 100, back, 100), 100);
    for (int i = 0; i < 100; i++)
        assert_int_equal(back[i], 0);
    assert_int_equal(ext2_stat(fs, ino, &st), 0);
    assert_int_equal(st.size, off + sizeof(buf));
    /* 5 data blocks + 1 triple, 1 double and 1 single indirect block */
    assert_int_equal(st.blocks, (5 + 3) * 2);
    finish(&f);
    assert_int_equal(tx_mount(&f.m, f.img, 0, 32, buf, sizeof(buf)), 0);
    fs = f.m.fs;
    assert_int_equal(ext2_truncate(fs, ino, 3000), 0);
    assert_int_equal(ext2_stat(fs, ino, &st), 0);
    assert_int_equal(st.blocks, 0);
    finish(&f);
}

/* Shrinking zeroes the cut tail; growing again reads zeros. */
static void test_truncate_tail(void **state)
{
    struct fixture f = {0};
    struct ext2_fs *fs = make_fs(&f, "trunc", "-b 4096", "4M");
    char buf[8192];
    memset(buf, 'x', sizeof(buf));
    uint32_t ino = must_create(fs, "/t");
    assert_int_equal(ext2_write(fs, ino, 0, buf, sizeof(buf)), sizeof(buf));
    assert_int_equal(ext2_truncate(fs, ino, 100), 0);
    assert_int_equal(ext2_truncate(fs, ino, 6000), 0);
    assert_int_equal(ext2_read(fs, ino, 0, buf, sizeof(buf)), 6000);
    assert_int_equal(buf[99], 'x');
    for (int i = 100; i < 6000; i++)
        assert_int_equal(buf[i], 0);
    finish(&f);
}

/* Fill the disk: ENOSPC, a clean fsck, and every block back after unlink. */
static void test_enospc(void **state)
{
    struct fixture f = {0};
    struct ext2_fs *fs = make_fs(&f, "full", "-b 1024", "1M");
    struct ext2_statfs before, after;
    static char buf[65536];
    ext2_statfs(fs, &before);
    uint32_t ino = must_create(fs, "/fill");
    uint64_t off = 0;
    long n;
    while ((n = ext2_write(fs, ino, off, buf, sizeof(buf))) == (long)sizeof(buf))
        off += (uint64_t)n;
    assert_true(n >= 0 || n == EXT2_ENOSPC);
    assert_int_equal(ext2_write(fs, ino, off + (n > 0 ? n : 0), buf, 1024), EXT2_ENOSPC);
    ext2_statfs(fs, &after);
    assert_int_equal(after.free_blocks, 0);
    assert_int_equal(ext2_mkdir(fs, "/nodir", 0755), EXT2_ENOSPC);
    finish(&f);
    assert_int_equal(tx_mount(&f.m, f.img, 0, 32, buf, sizeof(buf)), 0);
    fs = f.m.fs;
    assert_int_equal(ext2_unlink(fs, "/fill"), 0);
    ext2_statfs(fs, &after);
    assert_int_equal(after.free_blocks, before.free_blocks);
    assert_int_equal(after.free_inodes, before.free_inodes);
    finish(&f);
}

/* Create and remove a mix of everything: the counters return exactly. */
static void test_accounting(void **state)
{
    struct fixture f = {0};
    struct ext2_fs *fs = make_fs(&f, "acct", "-b 2048", "8M");
    struct ext2_statfs before, after;
    static char buf[300000];
    char path[64], target[200];
    ext2_statfs(fs, &before);
    memset(target, 't', sizeof(target) - 1);
    target[sizeof(target) - 1] = '\0';
    assert_int_equal(ext2_mkdir(fs, "/d", 0700), 0);
    for (int i = 0; i < 40; i++) {
        snprintf(path, sizeof(path), "/d/file-with-a-longish-name-%d", i);
        uint32_t ino = must_create(fs, path);
        assert_int_equal(ext2_write(fs, ino, (uint64_t)i * 1000, buf, (size_t)i * 7000), i * 7000);
        snprintf(path, sizeof(path), "/d/sym%d", i);
        assert_int_equal(ext2_symlink(fs, i % 2 ? target : "short", path), 0);
    }
    for (int i = 0; i < 40; i++) {
        snprintf(path, sizeof(path), "/d/file-with-a-longish-name-%d", i);
        assert_int_equal(ext2_unlink(fs, path), 0);
        snprintf(path, sizeof(path), "/d/sym%d", i);
        assert_int_equal(ext2_unlink(fs, path), 0);
    }
    assert_int_equal(ext2_rmdir(fs, "/d"), 0);
    ext2_statfs(fs, &after);
    assert_int_equal(after.free_blocks, before.free_blocks);
    assert_int_equal(after.free_inodes, before.free_inodes);
    finish(&f);
}

/* No global state: two file systems mounted at once. */
static void test_two_mounts(void **state)
{
    struct fixture f1 = {0}, f2 = {0};
    struct ext2_fs *a = make_fs(&f1, "one", "-b 1024", "2M");
    struct ext2_fs *b = make_fs(&f2, "two", "-b 4096", "4M");
    char buf[10000], back[10000];
    uint64_t rng = 3;
    tx_fill(&rng, buf, sizeof(buf));
    uint32_t ia = must_create(a, "/f"), ib = must_create(b, "/g");
    assert_int_equal(ext2_write(a, ia, 0, buf, sizeof(buf)), sizeof(buf));
    assert_int_equal(ext2_read(a, ia, 0, back, sizeof(back)), sizeof(back));
    assert_int_equal(ext2_write(b, ib, 0, back, sizeof(back)), sizeof(back));
    assert_int_equal(ext2_lookup(b, "/f", 1, &ia), EXT2_ENOENT);
    memset(back, 0, sizeof(back));
    assert_int_equal(ext2_read(b, ib, 0, back, sizeof(back)), sizeof(back));
    assert_memory_equal(buf, back, sizeof(buf));
    finish(&f1);
    finish(&f2);
}

static void test_read_only_mount(void **state)
{
    struct fixture f = {0};
    char msg[200];
    uint32_t ino;
    make_fs(&f, "ro", "-b 1024", "2M");
    must_create(f.m.fs, "/f");
    finish(&f);
    assert_int_equal(tx_mount(&f.m, f.img, 1, 0, msg, sizeof(msg)), 0);
    assert_int_equal(ext2_lookup(f.m.fs, "/f", 1, &ino), 0);
    assert_int_equal(ext2_write(f.m.fs, ino, 0, "x", 1), EXT2_EROFS);
    assert_int_equal(ext2_unlink(f.m.fs, "/f"), EXT2_EROFS);
    assert_int_equal(ext2_rename(f.m.fs, "/f", "/g"), EXT2_EROFS);
    finish(&f);
}

static int setup(void **state)
{
    g_tmp = tx_mkdtemp();
    return g_tmp ? 0 : -1;
}

static int teardown(void **state)
{
    tx_rmrf(g_tmp);
    free(g_tmp);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),          cmocka_unit_test(test_rename),
        cmocka_unit_test(test_triple_indirect), cmocka_unit_test(test_truncate_tail),
        cmocka_unit_test(test_enospc),          cmocka_unit_test(test_accounting),
        cmocka_unit_test(test_two_mounts),      cmocka_unit_test(test_read_only_mount),
    };
    setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 0);
    return cmocka_run_group_tests_name("ext2_ops", tests, setup, teardown);
}
