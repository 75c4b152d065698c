/* The fs server's request handler (servers/fs/fs_*.c) over ext2 images made
 * by mke2fs: every operation's results and errors as proto/fs.h states
 * them, clients that misbehave, O_APPEND from two clients, rename seen by
 * another client, a full disk, a read-only mount, and fsync durability. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/types.h>

#include "fs_test_client.h"
#include "test_ext2_util.h"

/* A disk that counts what reaches it and can run a hook in the middle of a
 * request (when the handler first reads the device). */
struct disk {
    struct filedev fdev;
    struct ext2_blockdev inner;
    unsigned reads, writes, flushes;
    void (*hook)(void *ctx);
    void *hook_ctx;
};

static int disk_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    struct disk *d = ctx;
    void (*hook)(void *) = d->hook;

    d->reads++;
    d->hook = NULL;
    if (hook)
        hook(d->hook_ctx);
    return d->inner.read(d->inner.ctx, sector, count, buf);
}

static int disk_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    struct disk *d = ctx;

    d->writes++;
    return d->inner.write(d->inner.ctx, sector, count, buf);
}

static int disk_flush(void *ctx)
{
    struct disk *d = ctx;

    d->flushes++;
    return d->inner.flush ? d->inner.flush(d->inner.ctx) : 0;
}

/* One test's world: an image, the server over it, two clients. */
struct world {
    char *dir;
    char img[600];
    struct disk disk;
    struct ext2_blockdev dev;
    struct fs_server srv;
    struct fs_tc a, b;
    uint8_t *big, *big2;
};

#define BIG (1u << 20)

static void world_mount(struct world *w, int ro, unsigned cache)
{
    char msg[200];

    w->disk.reads = w->disk.writes = w->disk.flushes = 0;
    assert_int_equal(filedev_open(&w->disk.fdev, w->img, !ro, &w->disk.inner), 0);
    w->dev = (struct ext2_blockdev){.ctx = &w->disk,
                                    .sectors = w->disk.inner.sectors,
                                    .read = disk_read,
                                    .write = disk_write,
                                    .flush = disk_flush};
    assert_int_equal(fs_server_mount(&w->srv, &w->dev, ro, cache, msg, sizeof(msg)), 0);
    tc_init(&w->a, &w->srv);
    tc_init(&w->b, &w->srv);
}

static void world_unmount(struct world *w)
{
    tc_fini(&w->a);
    tc_fini(&w->b);
    assert_int_equal(fs_server_unmount(&w->srv), 0);
    filedev_close(&w->disk.fdev);
}

/* A fresh image of size (mke2fs syntax) with mkfs options. */
static struct world *world_new(const char *opts, const char *size)
{
    struct world *w = calloc(1, sizeof(*w));

    w->dir = tx_mkdtemp();
    assert_non_null(w->dir);
    snprintf(w->img, sizeof(w->img), "%s/img", w->dir);
    assert_int_equal(tx_sh("mke2fs -q -F -t ext2 %s '%s' %s >/dev/null 2>&1", opts, w->img, size),
                     0);
    w->big = malloc(BIG);
    w->big2 = malloc(BIG);
    world_mount(w, 0, 64);
    return w;
}

static void fsck_clean(struct world *w)
{
    assert_int_equal(tx_sh("e2fsck -fn '%s' >/dev/null 2>&1", w->img), 0);
}

/* Unmount, check the image, free everything. */
static void world_end(struct world *w)
{
    world_unmount(w);
    fsck_clean(w);
    tx_rmrf(w->dir);
    free(w->dir);
    free(w->big);
    free(w->big2);
    free(w);
}

static long create(struct fs_tc *t, const char *path, const void *data, size_t len)
{
    long h = tc_open(t, path, FS_O_RDWR | FS_O_CREAT | FS_O_TRUNC, 0644);

    assert_true(h >= 0);
    if (len)
        assert_int_equal(tc_write(t, h, 0, data, len), (long)len);
    return h;
}

/* ---- files ------------------------------------------------------------------ */

static void test_create_write_read(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    struct fs_stat st;
    char small[100];

    long h = tc_open(&w->a, "/f", FS_O_RDWR | FS_O_CREAT, 0640);
    assert_true(h >= 0);
    assert_int_equal(w->a.cpl.offset, 0);
    assert_int_equal(w->a.cpl.arg, FS_S_IFREG | 0640);
    assert_int_equal(tc_write(&w->a, h, 0, "hello, world", 12), 12);
    assert_int_equal(w->a.cpl.offset, 12);
    assert_int_equal(tc_read(&w->a, h, 7, small, sizeof(small)), 5);
    assert_memory_equal(small, "world", 5);
    assert_int_equal(tc_read(&w->a, h, 12, small, sizeof(small)), 0); /* end of file */
    /* A large transfer goes through a lend, both ways. */
    tx_fill(&(uint64_t){1}, w->big, BIG);
    assert_int_equal(tc_write(&w->a, h, 100000, w->big, BIG), BIG);
    assert_int_equal(tc_read(&w->a, h, 100000, w->big2, BIG), BIG);
    assert_memory_equal(w->big, w->big2, BIG);
    assert_int_equal(tc_read(&w->a, h, 12, w->big2, 1000), 1000); /* the hole reads zeros */
    for (int i = 0; i < 1000; i++)
        assert_int_equal(w->big2[i], 0);
    assert_int_equal(tc_fstat(&w->a, h, &st), 0);
    assert_int_equal(st.size, 100000 + BIG);
    assert_int_equal(st.mode, FS_S_IFREG | 0640);
    assert_int_equal(st.nlink, 1);
    assert_int_equal(st.blksize, 1024);
    assert_int_equal(tc_close(&w->a, h), 0);
    /* Another client sees the same bytes. */
    h = tc_open(&w->b, "f", FS_O_RDONLY, 0);
    assert_true(h >= 0);
    assert_int_equal(w->b.cpl.offset, 100000 + BIG);
    assert_int_equal(tc_read(&w->b, h, 0, small, 12), 12);
    assert_memory_equal(small, "hello, world", 12);
    /* O_TRUNC empties it. */
    long h2 = tc_open(&w->a, "/f", FS_O_WRONLY | FS_O_TRUNC, 0);
    assert_true(h2 >= 0);
    assert_int_equal(tc_fstat(&w->b, h, &st), 0);
    assert_int_equal(st.size, 0);
    assert_int_equal(tc_handle_op(&w->a, FS_OP_FTRUNCATE, h2, 5000), 0);
    assert_int_equal(tc_fstat(&w->a, h2, &st), 0);
    assert_int_equal(st.size, 5000);
    world_end(w);
}

static void test_open_errors(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    char path[FS_PATH_MAX + 8];

    assert_int_equal(tc_open(&w->a, "/missing", FS_O_RDONLY, 0), CHIME_ENOENT);
    assert_int_equal(tc_open(&w->a, "/no/such/dir", FS_O_CREAT | FS_O_WRONLY, 0644), CHIME_ENOENT);
    tc_close(&w->a, create(&w->a, "/f", "x", 1));
    assert_int_equal(tc_path(&w->a, FS_OP_MKDIR, "/d", 0755, 0), 0);
    assert_int_equal(tc_open(&w->a, "/f", FS_O_CREAT | FS_O_EXCL | FS_O_WRONLY, 0644),
                     CHIME_EEXIST);
    assert_int_equal(tc_open(&w->a, "/d", FS_O_WRONLY, 0), CHIME_EISDIR);
    assert_int_equal(tc_open(&w->a, "/d", FS_O_RDONLY | FS_O_TRUNC, 0), CHIME_EISDIR);
    assert_int_equal(tc_open(&w->a, "/f", FS_O_RDONLY | FS_O_DIRECTORY, 0), CHIME_ENOTDIR);
    assert_int_equal(tc_open(&w->a, "/f/x", FS_O_RDONLY, 0), CHIME_ENOTDIR);
    assert_int_equal(tc_open(&w->a, "/f/", FS_O_RDONLY, 0), CHIME_ENOTDIR);
    long h = tc_open(&w->a, "/d/", FS_O_RDONLY, 0);
    assert_true(h >= 0);
    tc_close(&w->a, h);
    /* Symlinks: followed, refused with O_NOFOLLOW, and a loop ends. */
    assert_int_equal(tc_path2(&w->a, FS_OP_SYMLINK, "f", "/lf"), 0);
    h = tc_open(&w->a, "/lf", FS_O_RDONLY, 0);
    assert_true(h >= 0);
    assert_int_equal(w->a.cpl.offset, 1);
    tc_close(&w->a, h);
    assert_int_equal(tc_open(&w->a, "/lf", FS_O_RDONLY | FS_O_NOFOLLOW, 0), CHIME_ELOOP);
    assert_int_equal(tc_path2(&w->a, FS_OP_SYMLINK, "/loop2", "/loop1"), 0);
    assert_int_equal(tc_path2(&w->a, FS_OP_SYMLINK, "/loop1", "/loop2"), 0);
    assert_int_equal(tc_open(&w->a, "/loop1", FS_O_RDONLY, 0), CHIME_ELOOP);
    /* O_CREAT through a dangling symlink creates its target. */
    assert_int_equal(tc_path2(&w->a, FS_OP_SYMLINK, "made", "/d/dangling"), 0);
    h = tc_open(&w->a, "/d/dangling", FS_O_CREAT | FS_O_WRONLY, 0600);
    assert_true(h >= 0);
    tc_close(&w->a, h);
    struct fs_stat st;
    assert_int_equal(tc_stat(&w->a, FS_OP_LSTAT, "/d/made", &st), 0);
    assert_int_equal(st.mode, FS_S_IFREG | 0600);
    /* Names over 255 bytes, paths of PATH_MAX bytes or more. */
    memset(path, 'n', 300);
    path[0] = '/';
    path[257] = '\0';
    assert_int_equal(tc_open(&w->a, path, FS_O_CREAT | FS_O_WRONLY, 0644), CHIME_ENAMETOOLONG);
    path[256] = '\0'; /* 255 bytes: fine */
    h = tc_open(&w->a, path, FS_O_CREAT | FS_O_WRONLY, 0644);
    assert_true(h >= 0);
    tc_close(&w->a, h);
    for (size_t i = 0; i < FS_PATH_MAX; i++)
        path[i] = i % 2 ? '/' : 'a';
    path[FS_PATH_MAX - 1] = '\0'; /* 4095 bytes: a legal length; "a" is missing */
    assert_int_equal(tc_open(&w->a, path, FS_O_RDONLY, 0), CHIME_ENOENT);
    path[FS_PATH_MAX - 1] = 'a';
    path[FS_PATH_MAX] = '\0'; /* 4096 bytes */
    assert_int_equal(tc_open(&w->a, path, FS_O_RDONLY, 0), CHIME_ENAMETOOLONG);
    assert_int_equal(tc_open(&w->a, "", FS_O_RDONLY, 0), CHIME_ENOENT);
    /* Flags and modes outside the protocol. */
    assert_int_equal(tc_open(&w->a, "/f", FS_O_ACCMODE, 0), CHIME_EINVAL);
    assert_int_equal(tc_open(&w->a, "/f", 1u << 20, 0), CHIME_EINVAL);
    assert_int_equal(tc_open(&w->a, "/g", FS_O_CREAT | FS_O_WRONLY, 010000), CHIME_EINVAL);
    /* FS_OPEN_MAX handles per client, then EMFILE; others are unaffected. */
    for (unsigned i = 0; i < FS_OPEN_MAX; i++)
        assert_int_equal(tc_open(&w->a, "/f", FS_O_RDONLY, 0), (long)i);
    assert_int_equal(tc_open(&w->a, "/f", FS_O_RDONLY, 0), CHIME_EMFILE);
    assert_int_equal(tc_open(&w->b, "/f", FS_O_RDONLY, 0), 0);
    assert_int_equal(tc_close(&w->a, 17), 0);
    assert_int_equal(tc_open(&w->a, "/f", FS_O_RDONLY, 0), 17);
    world_end(w);
}

static void test_bad_handles(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    char buf[16];
    struct fs_stat st;

    long h = create(&w->a, "/f", "data", 4);
    long ro = tc_open(&w->a, "/f", FS_O_RDONLY, 0);
    long wo = tc_open(&w->a, "/f", FS_O_WRONLY, 0);
    assert_true(ro >= 0 && wo >= 0);
    const long bad[] = {-1, -5000, FS_OPEN_MAX, FS_OPEN_MAX + 1, 99, 0x7fffffff};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(tc_read(&w->a, bad[i], 0, buf, 4), CHIME_EBADF);
        assert_int_equal(tc_write(&w->a, bad[i], 0, buf, 4), CHIME_EBADF);
        assert_int_equal(tc_fstat(&w->a, bad[i], &st), CHIME_EBADF);
        assert_int_equal(tc_close(&w->a, bad[i]), CHIME_EBADF);
        assert_int_equal(tc_handle_op(&w->a, FS_OP_FSYNC, bad[i], 0), CHIME_EBADF);
        assert_int_equal(tc_readdir(&w->a, bad[i], 0, 1000, NULL), CHIME_EBADF);
    }
    /* Client b has no handle h: a's handles mean nothing on its connection. */
    assert_int_equal(tc_read(&w->b, h, 0, buf, 4), CHIME_EBADF);
    assert_int_equal(tc_close(&w->b, h), CHIME_EBADF);
    /* Access modes. */
    assert_int_equal(tc_write(&w->a, ro, 0, "x", 1), CHIME_EBADF);
    assert_int_equal(tc_read(&w->a, wo, 0, buf, 4), CHIME_EBADF);
    assert_int_equal(tc_handle_op(&w->a, FS_OP_FTRUNCATE, ro, 0), CHIME_EINVAL);
    assert_int_equal(tc_read(&w->a, ro, 0, buf, 4), 4);
    /* Closed twice. */
    assert_int_equal(tc_close(&w->a, ro), 0);
    assert_int_equal(tc_close(&w->a, ro), CHIME_EBADF);
    assert_int_equal(tc_read(&w->a, ro, 0, buf, 4), CHIME_EBADF);
    /* A directory handle is not a file handle, and the reverse. */
    long d = tc_open(&w->a, "/", FS_O_RDONLY | FS_O_DIRECTORY, 0);
    assert_true(d >= 0);
    assert_int_equal(tc_read(&w->a, d, 0, buf, 4), CHIME_EISDIR);
    assert_int_equal(tc_readdir(&w->a, h, 0, 1000, NULL), CHIME_ENOTDIR);
    world_end(w);
}

/* ---- directories and names ---------------------------------------------------- */

static void test_readdir(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    enum { N = 150 };
    int seen[N] = {0}, dots = 0;
    char name[64];

    assert_int_equal(tc_path(&w->a, FS_OP_MKDIR, "/d", 0755, 0), 0);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "/d/entry-%03d-%s", i, i % 3 ? "file" : "a-longer-name");
        if (i % 10 == 0)
            assert_int_equal(tc_path(&w->a, FS_OP_MKDIR, name, 0700, 0), 0);
        else
            tc_close(&w->a, create(&w->a, name, NULL, 0));
    }
    long h = tc_open(&w->a, "/d", FS_O_RDONLY, 0);
    assert_true(h >= 0);
    assert_int_equal(tc_readdir(&w->a, h, 0, 20, NULL), CHIME_EINVAL); /* no record fits */
    uint64_t cookie = 0;
    long r;
    int calls = 0;
    /* A small buffer: many calls, each resuming at the cookie. */
    while ((r = tc_readdir(&w->a, h, cookie, 200, &cookie)) > 0) {
        calls++;
        for (long off = 0; off < r;) {
            const struct fs_dirent *de = (const void *)(w->a.data + TC_IO_OFF + off);
            assert_int_equal(de->reclen, FS_DIRENT_SIZE(de->name_len));
            assert_int_equal(strlen(de->name), de->name_len);
            int i;
            if (!strcmp(de->name, ".") || !strcmp(de->name, "..")) {
                dots++;
                assert_int_equal(de->type, FS_DT_DIR);
            } else {
                assert_int_equal(sscanf(de->name, "entry-%d", &i), 1);
                assert_true(i >= 0 && i < N);
                seen[i]++;
                assert_int_equal(de->type, i % 10 == 0 ? FS_DT_DIR : FS_DT_REG);
            }
            off += de->reclen;
        }
    }
    assert_int_equal(r, 0);
    assert_true(calls > 10);
    assert_int_equal(dots, 2);
    for (int i = 0; i < N; i++)
        assert_int_equal(seen[i], 1);
    world_end(w);
}

static void test_names(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    struct fs_stat st, st2;
    char buf[64];

    tc_close(&w->a, create(&w->a, "/f", "12345", 5));
    assert_int_equal(tc_path(&w->a, FS_OP_MKDIR, "/d", 0750, 0), 0);
    assert_int_equal(tc_path(&w->a, FS_OP_MKDIR, "/d", 0750, 0), CHIME_EEXIST);
    assert_int_equal(tc_path(&w->a, FS_OP_MKDIR, "/nope/d", 0750, 0), CHIME_ENOENT);
    assert_int_equal(tc_path(&w->a, FS_OP_MKDIR, "/f/d", 0750, 0), CHIME_ENOTDIR);
    assert_int_equal(tc_stat(&w->a, FS_OP_STAT, "/d", &st), 0);
    assert_int_equal(st.mode, FS_S_IFDIR | 0750);
    assert_int_equal(st.nlink, 2);
    /* "." and ".." */
    assert_int_equal(tc_stat(&w->a, FS_OP_STAT, "/d/../d/./../f", &st), 0);
    assert_int_equal(st.size, 5);
    assert_int_equal(tc_stat(&w->a, FS_OP_STAT, "/..", &st2), 0);
    assert_int_equal(st2.ino, 2);
    /* rmdir */
    tc_close(&w->a, create(&w->a, "/d/inner", NULL, 0));
    assert_int_equal(tc_path(&w->a, FS_OP_RMDIR, "/d", 0, 0), CHIME_ENOTEMPTY);
    assert_int_equal(tc_path(&w->a, FS_OP_RMDIR, "/f", 0, 0), CHIME_ENOTDIR);
    assert_int_equal(tc_path(&w->a, FS_OP_RMDIR, "/d/.", 0, 0), CHIME_EINVAL);
    assert_int_equal(tc_path(&w->a, FS_OP_RMDIR, "/", 0, 0), CHIME_EBUSY);
    assert_int_equal(tc_path(&w->a, FS_OP_UNLINK, "/d", 0, 0), CHIME_EISDIR);
    assert_int_equal(tc_path(&w->a, FS_OP_UNLINK, "/f/", 0, 0), CHIME_ENOTDIR);
    assert_int_equal(tc_path(&w->a, FS_OP_UNLINK, "/missing", 0, 0), CHIME_ENOENT);
    /* rename */
    assert_int_equal(tc_path2(&w->a, FS_OP_RENAME, "/d/inner", "/g"), 0);
    assert_int_equal(tc_stat(&w->a, FS_OP_STAT, "/d/inner", &st), CHIME_ENOENT);
    assert_int_equal(tc_path2(&w->a, FS_OP_RENAME, "/g", "/f"), 0); /* replaces f */
    assert_int_equal(tc_stat(&w->a, FS_OP_STAT, "/f", &st), 0);
    assert_int_equal(st.size, 0);
    assert_int_equal(tc_path2(&w->a, FS_OP_RENAME, "/d", "/d/sub"), CHIME_EINVAL);
    assert_int_equal(tc_path2(&w->a, FS_OP_RENAME, "/d", "/f"), CHIME_ENOTDIR);
    assert_int_equal(tc_path2(&w->a, FS_OP_RENAME, "/f", "/d"), CHIME_EISDIR);
    assert_int_equal(tc_path2(&w->a, FS_OP_RENAME, "/missing", "/x"), CHIME_ENOENT);
    assert_int_equal(tc_path(&w->a, FS_OP_MKDIR, "/e", 0755, 0), 0);
    tc_close(&w->a, create(&w->a, "/e/x", NULL, 0));
    assert_int_equal(tc_path2(&w->a, FS_OP_RENAME, "/d", "/e"), CHIME_ENOTEMPTY);
    /* link and symlink */
    assert_int_equal(tc_path2(&w->a, FS_OP_LINK, "/f", "/f2"), 0);
    assert_int_equal(tc_stat(&w->a, FS_OP_STAT, "/f2", &st), 0);
    assert_int_equal(st.nlink, 2);
    assert_int_equal(tc_path2(&w->a, FS_OP_LINK, "/f", "/f2"), CHIME_EEXIST);
    assert_int_equal(tc_path2(&w->a, FS_OP_LINK, "/d", "/d2"), CHIME_EPERM);
    assert_int_equal(tc_path2(&w->a, FS_OP_SYMLINK, "d/../f", "/s"), 0);
    assert_int_equal(tc_readlink(&w->a, "/s", buf, sizeof(buf)), 6);
    assert_memory_equal(buf, "d/../f", 6);
    assert_int_equal(tc_readlink(&w->a, "/s", buf, 3), 3); /* cut to the room */
    assert_int_equal(tc_readlink(&w->a, "/f", buf, sizeof(buf)), CHIME_EINVAL);
    assert_int_equal(tc_readlink(&w->a, "/d", buf, sizeof(buf)), CHIME_EINVAL);
    assert_int_equal(tc_stat(&w->a, FS_OP_LSTAT, "/s", &st), 0);
    assert_int_equal(st.mode & FS_S_IFMT, FS_S_IFLNK);
    assert_int_equal(st.size, 6);
    assert_int_equal(tc_stat(&w->a, FS_OP_STAT, "/s", &st), 0);
    assert_int_equal(st.mode & FS_S_IFMT, FS_S_IFREG);
    assert_int_equal(tc_path2(&w->a, FS_OP_SYMLINK, "x", "/s"), CHIME_EEXIST);
    /* truncate, access, chmod, statfs */
    assert_int_equal(tc_path(&w->a, FS_OP_TRUNCATE, "/s", 0, 7777), 0); /* through the link */
    assert_int_equal(tc_stat(&w->a, FS_OP_STAT, "/f", &st), 0);
    assert_int_equal(st.size, 7777);
    assert_int_equal(tc_path(&w->a, FS_OP_TRUNCATE, "/d", 0, 1), CHIME_EISDIR);
    struct ipc_slot rq = {.opcode = FS_OP_ACCESS, .aux = FS_R_OK | FS_W_OK, .data = TC_PATH_OFF};
    memcpy(w->a.data, "/f", 3);
    rq.length = 3;
    assert_int_equal(tc_call(&w->a, &rq), 0);
    rq.aux = 0x100;
    assert_int_equal(tc_call(&w->a, &rq), CHIME_EINVAL);
    memcpy(w->a.data, "/zz", 4);
    rq.aux = FS_F_OK;
    rq.length = 4;
    assert_int_equal(tc_call(&w->a, &rq), CHIME_ENOENT);
    assert_int_equal(tc_path(&w->a, FS_OP_CHMOD, "/f", 0600, 0), 0);
    assert_int_equal(tc_stat(&w->a, FS_OP_STAT, "/f2", &st), 0);
    assert_int_equal(st.mode, FS_S_IFREG | 0600);
    assert_int_equal(tc_path(&w->a, FS_OP_CHMOD, "/f", 0200000, 0), CHIME_EINVAL);
    struct fs_statfs sf;
    assert_int_equal(tc_statfs(&w->a, &sf), 0);
    assert_int_equal(sf.bsize, 1024);
    assert_int_equal(sf.blocks, 8192);
    assert_true(sf.bfree > 0 && sf.bfree < sf.blocks && sf.bavail <= sf.bfree);
    assert_int_equal(sf.namemax, 255);
    assert_int_equal(sf.flags, 0);
    struct ipc_slot bad = {.opcode = 200};
    assert_int_equal(tc_call(&w->a, &bad), CHIME_ENOSYS);
    world_end(w);
}

/* An open file outlives its last name; its storage goes at the last close,
 * or when its client exits. */
static void test_unlink_while_open(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    struct fs_statfs before, during, after;
    struct fs_stat st;
    char buf[8];

    assert_int_equal(tc_statfs(&w->a, &before), 0);
    long h = create(&w->a, "/f", w->big, 200000);
    long hb = tc_open(&w->b, "/f", FS_O_RDONLY, 0);
    assert_true(hb >= 0);
    assert_int_equal(tc_path(&w->a, FS_OP_UNLINK, "/f", 0, 0), 0);
    assert_int_equal(tc_stat(&w->a, FS_OP_STAT, "/f", &st), CHIME_ENOENT);
    assert_int_equal(tc_write(&w->a, h, 200000, "tail", 4), 4);
    assert_int_equal(tc_read(&w->b, hb, 200000, buf, 8), 4);
    assert_memory_equal(buf, "tail", 4);
    assert_int_equal(tc_fstat(&w->b, hb, &st), 0);
    assert_int_equal(st.nlink, 0);
    assert_int_equal(tc_statfs(&w->a, &during), 0);
    assert_true(during.bfree < before.bfree);
    assert_int_equal(tc_close(&w->a, h), 0);
    /* Still open by b: still there. */
    assert_int_equal(tc_read(&w->b, hb, 0, buf, 4), 4);
    /* b exits with the handle open: the storage goes. */
    tc_fini(&w->b);
    tc_init(&w->b, &w->srv);
    assert_int_equal(tc_statfs(&w->a, &after), 0);
    assert_int_equal(after.bfree, before.bfree);
    assert_int_equal(after.ffree, before.ffree);
    /* Renaming over an open file is the same. */
    h = create(&w->a, "/g", "old", 3);
    tc_close(&w->a, create(&w->a, "/n", "new", 3));
    assert_int_equal(tc_path2(&w->a, FS_OP_RENAME, "/n", "/g"), 0);
    assert_int_equal(tc_read(&w->a, h, 0, buf, 8), 3);
    assert_memory_equal(buf, "old", 3);
    world_end(w); /* a exits holding the replaced file: fsck must be clean */
}

/* ---- several clients ---------------------------------------------------------- */

/* Two clients append records: every record lands whole, none overwrites
 * another, and each write reports the end it reached. */
static void test_append_two_clients(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    enum { RECORDS = 200, LEN = 37 };
    char rec[LEN];
    uint64_t end = 0;

    tc_close(&w->a, create(&w->a, "/log", NULL, 0));
    long ha = tc_open(&w->a, "/log", FS_O_WRONLY | FS_O_APPEND, 0);
    long hb = tc_open(&w->b, "/log", FS_O_RDWR | FS_O_APPEND, 0);
    assert_true(ha >= 0 && hb >= 0);
    for (int i = 0; i < RECORDS; i++) {
        struct fs_tc *t = i % 3 ? &w->a : &w->b;
        long h = i % 3 ? ha : hb;
        memset(rec, 'A' + i % 26, LEN);
        snprintf(rec, LEN, "%c%05d", t == &w->a ? 'a' : 'b', i);
        rec[6] = ' ';
        /* Both pass a stale offset (0): O_APPEND must ignore it. */
        assert_int_equal(tc_write(t, h, 0, rec, LEN), LEN);
        end += LEN;
        assert_int_equal(t->cpl.offset, end);
    }
    long hr = tc_open(&w->a, "/log", FS_O_RDONLY, 0);
    assert_int_equal(w->a.cpl.offset, RECORDS * LEN);
    for (int i = 0; i < RECORDS; i++) {
        char got[LEN];
        assert_int_equal(tc_read(&w->a, hr, (uint64_t)i * LEN, got, LEN), LEN);
        int n;
        assert_int_equal(sscanf(got + 1, "%5d", &n), 1);
        assert_int_equal(n, i);
        assert_int_equal(got[0], i % 3 ? 'a' : 'b');
        assert_int_equal(got[LEN - 1], 'A' + i % 26);
    }
    world_end(w);
}

/* Rename replacing a name, watched by another client between every two
 * requests: the name always resolves, to the old file or to the new one,
 * never to nothing; and a handle on the replaced file keeps its bytes. */
static void test_rename_atomic(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    struct fs_stat st;
    char buf[16];

    tc_close(&w->a, create(&w->a, "/target", "v0", 2));
    for (int i = 1; i <= 100; i++) {
        char tmp[32], want[16];
        snprintf(tmp, sizeof(tmp), "/tmp%d", i);
        snprintf(want, sizeof(want), "v%d", i);
        long old = tc_open(&w->b, "/target", FS_O_RDONLY, 0);
        assert_true(old >= 0);
        long h = create(&w->a, tmp, want, strlen(want));
        assert_int_equal(tc_stat(&w->b, FS_OP_STAT, "/target", &st), 0);
        assert_int_equal(tc_path2(&w->a, FS_OP_RENAME, tmp, "/target"), 0);
        assert_int_equal(tc_stat(&w->b, FS_OP_STAT, "/target", &st), 0);
        assert_int_equal(st.size, strlen(want));
        assert_int_equal(tc_stat(&w->b, FS_OP_STAT, tmp, &st), CHIME_ENOENT);
        long n = tc_read(&w->b, old, 0, buf, sizeof(buf));
        assert_true(n > 0);
        buf[n] = '\0';
        assert_int_equal(atoi(buf + 1), i - 1);
        tc_close(&w->b, old);
        tc_close(&w->a, h);
    }
    world_end(w);
}

/* ---- hostile clients ---------------------------------------------------------- */

static struct fs_tc *revoke_tc;
static uint64_t revoke_va;

static void revoke_hook(void *ctx)
{
    tc_unlend(revoke_tc, revoke_va);
}

static void rewrite_path_hook(void *ctx)
{
    memcpy(ctx, "/evil", 6);
}

static void test_hostile(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    struct fs_tc *t = &w->a;
    char buf[64];

    tc_close(&w->b, create(&w->b, "/b-file", "b's data", 8));
    long h = create(t, "/f", "abcdef", 6);
    /* A path with no NUL in its length, or in the whole data area. */
    struct ipc_slot rq = {.opcode = FS_OP_OPEN, .data = 0, .length = 2};
    memcpy(t->data, "/fxyz", 6);
    assert_int_equal(tc_call(t, &rq), CHIME_EFAULT);
    memset(t->data, 'a', TC_DATA_SIZE);
    rq.length = TC_DATA_SIZE;
    assert_int_equal(tc_call(t, &rq), CHIME_ENAMETOOLONG);
    rq.length = 100;
    assert_int_equal(tc_call(t, &rq), CHIME_EFAULT);
    /* Offsets and lengths outside the data area, and ones that wrap. */
    memcpy(t->data, "/f", 3);
    const uint64_t bad[][2] = {
        {0, TC_DATA_SIZE + 1}, {TC_DATA_SIZE, 1},    {TC_DATA_SIZE - 2, 3},
        {UINT64_MAX - 1, 16},  {16, UINT64_MAX - 8}, {UINT64_MAX, UINT64_MAX},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ipc_slot path = {
            .opcode = FS_OP_STAT, .data = bad[i][0], .length = bad[i][1], .arg = TC_OUT_OFF};
        assert_int_equal(tc_call(t, &path), CHIME_EFAULT);
        if (bad[i][1] <= FS_IO_MAX) {
            struct ipc_slot io = {
                .opcode = FS_OP_READ, .handle = (int32_t)h, .data = bad[i][0], .length = bad[i][1]};
            assert_int_equal(tc_call(t, &io), CHIME_EFAULT);
            io.opcode = FS_OP_WRITE;
            assert_int_equal(tc_call(t, &io), CHIME_EFAULT);
        }
    }
    const uint64_t bad_out[] = {TC_DATA_SIZE - sizeof(struct fs_stat) + 1, TC_DATA_SIZE,
                                UINT64_MAX - 10};
    for (size_t i = 0; i < sizeof(bad_out) / sizeof(bad_out[0]); i++) {
        struct ipc_slot out = {.opcode = FS_OP_STAT, .data = 0, .length = 3, .arg = bad_out[i]};
        assert_int_equal(tc_call(t, &out), CHIME_EFAULT);
        out.opcode = FS_OP_FSTAT;
        out.handle = (int32_t)h;
        assert_int_equal(tc_call(t, &out), CHIME_EFAULT);
        struct ipc_slot rl = {.opcode = FS_OP_READLINK, .length = 3, .arg = bad_out[i], .aux = 100};
        assert_int_equal(tc_path2(t, FS_OP_SYMLINK, "/f", "/sl") == 0 || i > 0, 1);
        memcpy(t->data, "/sl", 4);
        rl.length = 4;
        assert_int_equal(tc_call(t, &rl), CHIME_EFAULT);
        memcpy(t->data, "/f", 3);
    }
    struct ipc_slot big = {.opcode = FS_OP_READ, .handle = (int32_t)h, .length = FS_IO_MAX + 1};
    assert_int_equal(tc_call(t, &big), CHIME_EINVAL);
    struct ipc_slot flg = {.opcode = FS_OP_READ, .handle = (int32_t)h, .length = 4, .flags = 0x80};
    assert_int_equal(tc_call(t, &flg), CHIME_EINVAL);
    /* A path may not be named by a lend. */
    struct ipc_slot lp = {
        .opcode = FS_OP_STAT, .flags = IPC_F_LENT, .length = 3, .arg = TC_OUT_OFF};
    lp.data = tc_lend(t, "/f", 3, CHIME_PROT_READ);
    assert_int_equal(tc_call(t, &lp), CHIME_EFAULT);
    tc_unlend(t, lp.data);
    /* Lends never made, lent without the right protection, or too short. */
    struct ipc_slot lr = {.opcode = FS_OP_READ,
                          .handle = (int32_t)h,
                          .flags = IPC_F_LENT,
                          .data = (uint64_t)(uintptr_t)buf,
                          .length = 6};
    assert_int_equal(tc_call(t, &lr), CHIME_EFAULT);
    uint64_t va = tc_lend(t, buf, sizeof(buf), CHIME_PROT_READ);
    lr.data = va;
    assert_int_equal(tc_call(t, &lr), CHIME_EFAULT); /* READ needs a writable lend */
    tc_unlend(t, va);
    va = tc_lend(t, buf, 4, CHIME_PROT_WRITE);
    lr.data = va;
    assert_int_equal(tc_call(t, &lr), CHIME_EFAULT); /* 6 bytes do not fit in 4 */
    lr.length = 4;
    assert_int_equal(tc_call(t, &lr), 4);
    assert_memory_equal(buf, "abcd", 4);
    tc_unlend(t, va);
    /* A lend revoked while the request runs (here: when it reaches the
     * disk, which it does once the cache is cold) fails the request. */
    assert_int_equal(tc_close(t, h), 0);
    world_unmount(w);
    world_mount(w, 0, 64);
    t = &w->a;
    h = tc_open(t, "/f", FS_O_RDWR, 0);
    assert_true(h >= 0);
    revoke_tc = t;
    revoke_va = tc_lend(t, w->big, 4096, CHIME_PROT_WRITE);
    w->disk.hook = revoke_hook;
    struct ipc_slot rv = {.opcode = FS_OP_READ,
                          .handle = (int32_t)h,
                          .flags = IPC_F_LENT,
                          .data = revoke_va,
                          .length = 4096};
    assert_int_equal(tc_call(t, &rv), CHIME_EFAULT);
    assert_null(w->disk.hook); /* it did run mid-request */
    /* The path is copied once: rewriting it while the request runs changes
     * nothing (the rewrite lands when the handler first reads the disk,
     * after the copy). */
    world_unmount(w);
    world_mount(w, 0, 64);
    t = &w->a;
    struct fs_stat st;
    w->disk.hook = rewrite_path_hook;
    w->disk.hook_ctx = t->data + TC_PATH_OFF;
    h = tc_open(t, "/made-by-open", FS_O_CREAT | FS_O_WRONLY, 0644);
    assert_true(h >= 0);
    assert_null(w->disk.hook);
    assert_int_equal(tc_stat(t, FS_OP_STAT, "/made-by-open", &st), 0);
    assert_int_equal(tc_stat(t, FS_OP_STAT, "/evil", &st), CHIME_ENOENT);
    /* The other client is undisturbed by all of it. */
    long mine = tc_open(&w->b, "/b-file", FS_O_RDONLY, 0);
    assert_int_equal(tc_read(&w->b, mine, 0, buf, sizeof(buf)), 8);
    assert_memory_equal(buf, "b's data", 8);
    world_end(w);
}

/* ---- the disk ------------------------------------------------------------------ */

/* A full disk: writes come up short, then fail with ENOSPC; creation fails
 * with ENOSPC; freeing space lets writes in again; e2fsck stays clean. */
static void test_enospc(void **state)
{
    struct world *w = world_new("-b 1024 -N 32 -m 0", "300k");
    long r = 0;
    uint64_t total = 0;
    char name[32];

    long h = tc_open(&w->a, "/big", FS_O_WRONLY | FS_O_CREAT, 0644);
    assert_true(h >= 0);
    memset(w->big, 'z', BIG);
    while ((r = tc_write(&w->a, h, total, w->big, 65536)) > 0)
        total += (uint64_t)r;
    assert_int_equal(r, CHIME_ENOSPC);
    assert_true(total > 100000 && total < 300000);
    struct fs_statfs sf;
    assert_int_equal(tc_statfs(&w->a, &sf), 0);
    assert_int_equal(sf.bfree, 0);
    assert_int_equal(tc_path(&w->a, FS_OP_MKDIR, "/d", 0755, 0), CHIME_ENOSPC);
    /* Inodes run out too. */
    int files = 0;
    for (;; files++) {
        snprintf(name, sizeof(name), "/e%d", files);
        long e = tc_open(&w->a, name, FS_O_WRONLY | FS_O_CREAT, 0644);
        if (e < 0) {
            assert_int_equal(e, CHIME_ENOSPC);
            break;
        }
        tc_close(&w->a, e);
    }
    assert_true(files > 0);
    /* Make room and write again. */
    assert_int_equal(tc_handle_op(&w->a, FS_OP_FTRUNCATE, h, 50000), 0);
    assert_int_equal(tc_write(&w->a, h, 50000, w->big, 20000), 20000);
    assert_int_equal(tc_read(&w->a, h, 60000, w->big2, 100), CHIME_EBADF); /* write-only */
    world_end(w);
}

static void test_read_only(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    char buf[8];

    tc_close(&w->a, create(&w->a, "/f", "ro", 2));
    world_unmount(w);
    world_mount(w, 1, 64);
    long h = tc_open(&w->a, "/f", FS_O_RDONLY, 0);
    assert_true(h >= 0);
    assert_int_equal(tc_read(&w->a, h, 0, buf, 8), 2);
    assert_int_equal(tc_open(&w->a, "/f", FS_O_RDWR, 0), CHIME_EROFS);
    assert_int_equal(tc_open(&w->a, "/f", FS_O_RDONLY | FS_O_TRUNC, 0), CHIME_EROFS);
    assert_int_equal(tc_open(&w->a, "/new", FS_O_WRONLY | FS_O_CREAT, 0644), CHIME_EROFS);
    assert_int_equal(tc_path(&w->a, FS_OP_MKDIR, "/d", 0755, 0), CHIME_EROFS);
    assert_int_equal(tc_path(&w->a, FS_OP_UNLINK, "/f", 0, 0), CHIME_EROFS);
    assert_int_equal(tc_path2(&w->a, FS_OP_RENAME, "/f", "/g"), CHIME_EROFS);
    assert_int_equal(tc_path(&w->a, FS_OP_TRUNCATE, "/f", 0, 0), CHIME_EROFS);
    assert_int_equal(tc_path(&w->a, FS_OP_CHMOD, "/f", 0600, 0), CHIME_EROFS);
    struct ipc_slot rq = {.opcode = FS_OP_ACCESS, .aux = FS_W_OK, .data = 0, .length = 3};
    memcpy(w->a.data, "/f", 3);
    assert_int_equal(tc_call(&w->a, &rq), CHIME_EROFS);
    struct fs_statfs sf;
    assert_int_equal(tc_statfs(&w->a, &sf), 0);
    assert_int_equal(sf.flags, FS_ST_RDONLY);
    assert_int_equal(w->disk.writes, 0);
    world_end(w);
}

/* fsync returns once the data is on the disk and the disk was flushed. */
static void test_fsync(void **state)
{
    struct world *w = world_new("-b 1024", "8M");
    char out[700];

    long h = create(&w->a, "/durable", "on the disk", 11);
    unsigned flushes = w->disk.flushes;
    assert_int_equal(tc_handle_op(&w->a, FS_OP_FSYNC, h, 0), 0);
    assert_int_equal(w->disk.flushes, flushes + 1);
    /* Another reader of the image (debugfs) finds the bytes while the
     * server is still mounted. */
    snprintf(out, sizeof(out), "%s/cat", w->dir);
    assert_int_equal(tx_sh("debugfs -R 'cat /durable' '%s' >'%s' 2>/dev/null && "
                           "printf 'on the disk' | cmp -s - '%s'",
                           w->img, out, out),
                     0);
    assert_int_equal(tc_handle_op(&w->a, FS_OP_FDATASYNC, h, 0), 0);
    struct ipc_slot rq = {.opcode = FS_OP_SYNC};
    assert_int_equal(tc_call(&w->a, &rq), 0);
    assert_int_equal(w->disk.flushes, flushes + 3);
    world_end(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_write_read),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_bad_handles),
        cmocka_unit_test(test_readdir),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unlink_while_open),
        cmocka_unit_test(test_append_two_clients),
        cmocka_unit_test(test_rename_atomic),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_enospc),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_fsync),
    };
    setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 0);
    return cmocka_run_group_tests_name("fs_server", tests, NULL, NULL);
}
