/* ext2 library vs images made by mke2fs -d: every file reads back
 * byte-identical with its mode, size and link count, for each block size,
 * both inode sizes and revision 0; and images using features the library
 * lacks are refused with the feature's name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_ext2_util.h"

static char *g_tmp; /* scratch directory of this run */
static char g_src[600];

/* Build the source tree every image is made from. */
static void make_tree(const char *root)
{
    uint64_t seed = 42;
    char p[1024];
    static char buf[5u << 20];
    tx_fill(&seed, buf, sizeof(buf));
    mkdir(root, 0755);
#define P(...) (snprintf(p, sizeof(p), __VA_ARGS__), p)
    assert_int_equal(tx_write_file(P("%s/small.txt", root), "hello\n", 6, 0644), 0);
    assert_int_equal(tx_write_file(P("%s/empty", root), "", 0, 0600), 0);
    assert_int_equal(tx_write_file(P("%s/one-k", root), buf, 1024, 0444), 0);
    assert_int_equal(tx_write_file(P("%s/four-k", root), buf + 7, 4096, 0755), 0);
    assert_int_equal(tx_write_file(P("%s/mid.bin", root), buf + 99, 100000, 0640), 0);
    assert_int_equal(tx_write_file(P("%s/big.bin", root), buf, sizeof(buf), 04755), 0);
    /* Sparse: data at 0 and past 64.3 MiB, the triple-indirect range of 1 KiB blocks. */
    int fd = open(P("%s/sparse", root), O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, buf, 5000, 0), 5000);
    assert_int_equal(pwrite(fd, buf, 3000, 70u << 20), 3000);
    close(fd);
    mkdir(P("%s/sub", root), 0755);
    mkdir(P("%s/sub/deep", root), 0700);
    mkdir(P("%s/sub/deep/deeper", root), 0750);
    mkdir(P("%s/sticky", root), 01777);
    assert_int_equal(tx_write_file(P("%s/sub/deep/deeper/leaf", root), buf, 333, 0600), 0);
    char target[1024];
    snprintf(target, sizeof(target), "%s/mid.bin", root);
    assert_int_equal(link(target, P("%s/sub/hardlink", root)), 0);
    assert_int_equal(symlink("small.txt", P("%s/fastlink", root)), 0);
    memset(target, 'y', 150);
    memcpy(target, "sub/", 4);
    target[150] = '\0';
    assert_int_equal(symlink(target, P("%s/slowlink", root)), 0);
    assert_int_equal(mkfifo(P("%s/fifo", root), 0620), 0);
    mkdir(P("%s/many", root), 0755);
    for (int i = 0; i < 300; i++) {
        char name[300];
        int len = 1 + i % 255;
        memset(name, 'a' + i % 26, (size_t)len);
        snprintf(name + len, sizeof(name) - (size_t)len, "%d", i);
        name[255] = '\0';
        assert_int_equal(tx_write_file(P("%s/many/%s", root, name), buf + i, (size_t)i, 0644), 0);
    }
#undef P
}

/* Make an image of the tree with extra mke2fs options and compare it. */
static void readback(const char *mkfs_opts)
{
    char img[700], msg[200], why[1024];
    struct tx_mount m;
    snprintf(img, sizeof(img), "%s/img", g_tmp);
    unlink(img);
    assert_int_equal(
        tx_sh("mke2fs -q -F -t ext2 %s -d '%s' '%s' 128M >/dev/null 2>&1", mkfs_opts, g_src, img),
        0);
    int err = tx_mount(&m, img, 1, 64, msg, sizeof(msg));
    if (err)
        fail_msg("mount: %s: %s", ext2_strerror(err), msg);
    int diff = tx_compare_ext2(m.fs, g_src, why, sizeof(why));
    tx_unmount(&m);
    if (diff)
        fail_msg("%s", why);
    unlink(img);
}

static void test_readback_1k(void **state)
{
    readback("-b 1024");
}

static void test_readback_2k(void **state)
{
    readback("-b 2048");
}

static void test_readback_4k(void **state)
{
    readback("-b 4096");
}

static void test_readback_inode128(void **state)
{
    readback("-b 1024 -I 128");
}

static void test_readback_rev0(void **state)
{
    readback("-b 1024 -r 0");
}

static void test_readback_flex_bg(void **state)
{
    readback("-b 4096 -O flex_bg");
}

/* A small image of an empty tree, with a superblock field patched. */
static void make_patched(const char *img, const char *mkfs_opts, size_t off, uint32_t set_bits)
{
    unlink(img);
    assert_int_equal(
        tx_sh("mke2fs -q -F -t ext2 -b 1024 %s '%s' 4M >/dev/null 2>&1", mkfs_opts, img), 0);
    if (!set_bits)
        return;
    int fd = open(img, O_RDWR);
    uint32_t v;
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &v, 4, (off_t)(1024 + off)), 4);
    v |= set_bits;
    assert_int_equal(pwrite(fd, &v, 4, (off_t)(1024 + off)), 4);
    close(fd);
}

/* Expect the mount to fail with err and a message containing name. */
static void expect_refused(const char *img, int err, const char *name)
{
    struct tx_mount m;
    char msg[200] = "";
    int r = tx_mount(&m, img, 0, 0, msg, sizeof(msg));
    if (r == 0)
        tx_unmount(&m);
    assert_int_equal(r, err);
    if (!strstr(msg, name))
        fail_msg("message '%s' does not name '%s'", msg, name);
}

static void test_refuse_extent(void **state)
{
    char img[700];
    snprintf(img, sizeof(img), "%s/feat", g_tmp);
    make_patched(img, "", 96, 0x40);
    expect_refused(img, EXT2_ENOTSUP, "extent");
}

static void test_refuse_meta_bg(void **state)
{
    char img[700];
    snprintf(img, sizeof(img), "%s/feat", g_tmp);
    make_patched(img, "-O meta_bg,^resize_inode", 0, 0);
    expect_refused(img, EXT2_ENOTSUP, "meta_bg");
}

static void test_refuse_unknown_incompat(void **state)
{
    char img[700];
    snprintf(img, sizeof(img), "%s/feat", g_tmp);
    make_patched(img, "", 96, 0x80000000u);
    expect_refused(img, EXT2_ENOTSUP, "0x80000000");
}

static void test_refuse_bad_magic(void **state)
{
    char img[700];
    snprintf(img, sizeof(img), "%s/feat", g_tmp);
    make_patched(img, "", 56, 0xffff);
    expect_refused(img, EXT2_EINVAL, "magic");
}

/* An unknown ro_compat feature mounts, read-only, and says why. */
static void test_ro_compat_forces_read_only(void **state)
{
    char img[700], msg[200];
    struct tx_mount m;
    uint32_t ino;
    snprintf(img, sizeof(img), "%s/feat", g_tmp);
    make_patched(img, "", 100, 0x400);
    assert_int_equal(tx_mount(&m, img, 0, 0, msg, sizeof(msg)), 0);
    assert_true(ext2_is_read_only(m.fs));
    assert_true(ext2_fs_flags(m.fs) & EXT2_MOUNT_RO_FORCED);
    assert_non_null(strstr(ext2_errmsg(m.fs), "metadata_csum"));
    assert_int_equal(ext2_create(m.fs, "/f", 0644, &ino), EXT2_EROFS);
    assert_int_equal(ext2_mkdir(m.fs, "/d", 0755), EXT2_EROFS);
    assert_int_equal(ext2_lookup(m.fs, "/lost+found", 1, &ino), 0);
    tx_unmount(&m);
}

static int setup(void **state)
{
    g_tmp = tx_mkdtemp();
    if (!g_tmp)
        return -1;
    snprintf(g_src, sizeof(g_src), "%s/src", g_tmp);
    make_tree(g_src);
    return 0;
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
        cmocka_unit_test(test_readback_1k),
        cmocka_unit_test(test_readback_2k),
        cmocka_unit_test(test_readback_4k),
        cmocka_unit_test(test_readback_inode128),
        cmocka_unit_test(test_readback_rev0),
        cmocka_unit_test(test_readback_flex_bg),
        cmocka_unit_test(test_refuse_extent),
        cmocka_unit_test(test_refuse_meta_bg),
        cmocka_unit_test(test_refuse_unknown_incompat),
        cmocka_unit_test(test_refuse_bad_magic),
        cmocka_unit_test(test_ro_compat_forces_read_only),
    };
    setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 0);
    return cmocka_run_group_tests_name("ext2_image", tests, setup, teardown);
}
