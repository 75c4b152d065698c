/* chime-ext2: inspect and change an ext2 image with the Chime ext2 library.
 *
 *   chime-ext2 IMAGE ls [PATH] | cat PATH | put HOSTFILE PATH | get PATH HOSTFILE
 *                    mkdir PATH | rm PATH | rmdir PATH | mv FROM TO | ln EXISTING NEW
 *                    ln -s TARGET LINK | truncate PATH SIZE | stat PATH | df
 *
 * Errors print the path and the reason and exit with status 1. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ext2.h"
#include "filedev.h"

#define IO_CHUNK (1u << 20)

static struct ext2_fs *g_fs;

static int fail(const char *what, int err)
{
    const char *detail = g_fs ? ext2_errmsg(g_fs) : "";
    if (err == EXT2_ECORRUPT && detail[0])
        fprintf(stderr, "chime-ext2: %s: %s (%s)\n", what, ext2_strerror(err), detail);
    else
        fprintf(stderr, "chime-ext2: %s: %s\n", what, ext2_strerror(err));
    return 1;
}

static int fail_host(const char *what)
{
    fprintf(stderr, "chime-ext2: %s: %s\n", what, strerror(errno));
    return 1;
}

static uint32_t clock_now(void *ctx)
{
    return (uint32_t)time(NULL);
}

static void mode_string(uint32_t mode, char out[11])
{
    static const char types[16] = {'?', 'p', 'c', '?', 'd', '?', 'b', '?',
                                   '-', '?', 'l', '?', 's', '?', '?', '?'};
    out[0] = types[(mode >> 12) & 15];
    for (int i = 0; i < 9; i++)
        out[1 + i] = (mode & (0400u >> i)) ? "rwxrwxrwx"[i] : '-';
    out[10] = '\0';
}

static int print_entry(uint32_t ino, const char *name)
{
    struct ext2_stat st;
    char mode[11];
    int err = ext2_stat(g_fs, ino, &st);
    if (err)
        return fail(name, err);
    mode_string(st.mode, mode);
    printf("%s %3u %5u %5u %10llu %s", mode, st.nlink, st.uid, st.gid, (unsigned long long)st.size,
           name);
    if ((st.mode & 0xF000u) == 0xA000u) {
        char target[EXT2_PATH_MAX + 1];
        long n = ext2_readlink(g_fs, ino, target, EXT2_PATH_MAX);
        if (n >= 0) {
            target[n] = '\0';
            printf(" -> %s", target);
        }
    }
    printf("\n");
    return 0;
}

static int cmd_ls(const char *path)
{
    uint32_t ino;
    struct ext2_stat st;
    int err = ext2_lookup(g_fs, path, 1, &ino);
    if (!err)
        err = ext2_stat(g_fs, ino, &st);
    if (err)
        return fail(path, err);
    if ((st.mode & 0xF000u) != 0x4000u)
        return print_entry(ino, path);
    uint64_t cookie = 0;
    struct ext2_dirent_info ent;
    int rc = 0;
    while ((err = ext2_readdir(g_fs, ino, &cookie, &ent)) == 1)
        if (strcmp(ent.name, ".") && strcmp(ent.name, ".."))
            rc |= print_entry(ent.ino, ent.name);
    if (err < 0)
        return fail(path, err);
    return rc;
}

/* Copy file ino to host descriptor out. */
static int copy_out(const char *path, uint32_t ino, int out)
{
    char *buf = malloc(IO_CHUNK);
    uint64_t off = 0;
    long n;
    if (!buf)
        return fail_host(path);
    while ((n = ext2_read(g_fs, ino, off, buf, IO_CHUNK)) > 0) {
        if (write(out, buf, (size_t)n) != n) {
            free(buf);
            return fail_host(path);
        }
        off += (uint64_t)n;
    }
    free(buf);
    return n < 0 ? fail(path, (int)n) : 0;
}

static int cmd_cat(const char *path)
{
    uint32_t ino;
    int err = ext2_lookup(g_fs, path, 1, &ino);
    if (err)
        return fail(path, err);
    return copy_out(path, ino, STDOUT_FILENO);
}

static int cmd_get(const char *path, const char *host)
{
    uint32_t ino;
    int err = ext2_lookup(g_fs, path, 1, &ino);
    if (err)
        return fail(path, err);
    int out = open(host, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0)
        return fail_host(host);
    int rc = copy_out(path, ino, out);
    if (close(out))
        rc = fail_host(host);
    return rc;
}

/* Write host descriptor in to ext2 file ino from offset 0. */
static int copy_in(const char *path, int in, uint32_t ino)
{
    char *buf = malloc(IO_CHUNK);
    uint64_t off = 0;
    ssize_t n;
    if (!buf)
        return fail_host(path);
    while ((n = read(in, buf, IO_CHUNK)) > 0) {
        long w = ext2_write(g_fs, ino, off, buf, (size_t)n);
        if (w != n) {
            free(buf);
            return fail(path, w < 0 ? (int)w : EXT2_ENOSPC);
        }
        off += (uint64_t)n;
    }
    free(buf);
    return n < 0 ? fail_host(path) : 0;
}

static int cmd_put(const char *host, const char *path)
{
    struct stat st;
    uint32_t ino;
    int in = open(host, O_RDONLY);
    if (in < 0 || fstat(in, &st))
        return fail_host(host);
    int err = ext2_lookup(g_fs, path, 1, &ino);
    if (err == EXT2_ENOENT)
        err = ext2_create(g_fs, path, st.st_mode & 07777, &ino);
    else if (!err)
        err = ext2_truncate(g_fs, ino, 0);
    int rc = err ? fail(path, err) : copy_in(path, in, ino);
    close(in);
    return rc;
}

static int cmd_stat(const char *path)
{
    uint32_t ino;
    struct ext2_stat st;
    int err = ext2_lookup(g_fs, path, 0, &ino);
    if (!err)
        err = ext2_stat(g_fs, ino, &st);
    if (err)
        return fail(path, err);
    printf("  File: %s\n  Size: %llu\tBlocks: %llu\tInode: %u\tLinks: %u\n", path,
           (unsigned long long)st.size, (unsigned long long)st.blocks, st.ino, st.nlink);
    printf("Access: (%04o)\tUid: %u\tGid: %u\tType: 0%o\n", st.mode & 07777, st.uid, st.gid,
           st.mode >> 12);
    printf("Access: %u\nModify: %u\nChange: %u\n", st.atime, st.mtime, st.ctime);
    return 0;
}

static int cmd_df(void)
{
    struct ext2_statfs s;
    ext2_statfs(g_fs, &s);
    printf("block size %u\nblocks %llu total, %llu free, %llu reserved\n"
           "inodes %llu total, %llu free\n",
           s.block_size, (unsigned long long)s.blocks, (unsigned long long)s.free_blocks,
           (unsigned long long)s.reserved_blocks, (unsigned long long)s.inodes,
           (unsigned long long)s.free_inodes);
    return 0;
}

static int cmd_truncate(const char *path, const char *size_str)
{
    char *end;
    uint32_t ino;
    unsigned long long size = strtoull(size_str, &end, 0);
    if (*end || !*size_str)
        return fail(size_str, EXT2_EINVAL);
    int err = ext2_lookup(g_fs, path, 1, &ino);
    if (!err)
        err = ext2_truncate(g_fs, ino, size);
    return err ? fail(path, err) : 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: chime-ext2 IMAGE CMD ARGS\n"
                    "  ls [PATH] | cat PATH | put HOSTFILE PATH | get PATH HOSTFILE\n"
                    "  mkdir PATH | rm PATH | rmdir PATH | mv FROM TO | ln EXISTING NEW\n"
                    "  ln -s TARGET LINK | truncate PATH SIZE | stat PATH | df\n");
    return 2;
}

/* Run a command that changes the image: argv[0] is the command. */
static int run_write(int argc, char **argv)
{
    const char *c = argv[0];
    int err;
    if (!strcmp(c, "put") && argc == 3)
        return cmd_put(argv[1], argv[2]);
    if (!strcmp(c, "truncate") && argc == 3)
        return cmd_truncate(argv[1], argv[2]);
    if (!strcmp(c, "mkdir") && argc == 2)
        err = ext2_mkdir(g_fs, argv[1], 0755);
    else if (!strcmp(c, "rm") && argc == 2)
        err = ext2_unlink(g_fs, argv[1]);
    else if (!strcmp(c, "rmdir") && argc == 2)
        err = ext2_rmdir(g_fs, argv[1]);
    else if (!strcmp(c, "mv") && argc == 3)
        err = ext2_rename(g_fs, argv[1], argv[2]);
    else if (!strcmp(c, "ln") && argc == 4 && !strcmp(argv[1], "-s"))
        return (err = ext2_symlink(g_fs, argv[2], argv[3])) ? fail(argv[3], err) : 0;
    else if (!strcmp(c, "ln") && argc == 3)
        err = ext2_link(g_fs, argv[1], argv[2]);
    else
        return usage();
    return err ? fail(argv[argc - 1], err) : 0;
}

static int run_read(int argc, char **argv)
{
    const char *c = argv[0];
    if (!strcmp(c, "ls") && argc <= 2)
        return cmd_ls(argc == 2 ? argv[1] : "/");
    if (!strcmp(c, "cat") && argc == 2)
        return cmd_cat(argv[1]);
    if (!strcmp(c, "get") && argc == 3)
        return cmd_get(argv[1], argv[2]);
    if (!strcmp(c, "stat") && argc == 2)
        return cmd_stat(argv[1]);
    if (!strcmp(c, "df") && argc == 1)
        return cmd_df();
    return usage();
}

int main(int argc, char **argv)
{
    static const char *const readers[] = {"ls", "cat", "get", "stat", "df"};
    if (argc < 3)
        return usage();
    int writing = 1;
    for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
        if (!strcmp(argv[2], readers[i]))
            writing = 0;
    struct filedev fd = {.fsync_on_flush = 1};
    struct ext2_blockdev dev;
    if (filedev_open(&fd, argv[1], writing, &dev))
        return fail_host(argv[1]);
    struct ext2_mount_opts opts = {.read_only = !writing, .now = clock_now};
    char msg[160];
    int err = ext2_mount(&g_fs, &dev, &opts, msg, sizeof(msg));
    if (err) {
        fprintf(stderr, "chime-ext2: %s: cannot mount: %s (%s)\n", argv[1], ext2_strerror(err),
                msg);
        return 1;
    }
    if (writing && ext2_is_read_only(g_fs)) {
        fprintf(stderr, "chime-ext2: %s: %s\n", argv[1], ext2_errmsg(g_fs));
        ext2_unmount(g_fs);
        return 1;
    }
    int rc = writing ? run_write(argc - 2, argv + 2) : run_read(argc - 2, argv + 2);
    err = ext2_unmount(g_fs);
    g_fs = NULL;
    if (err && !rc)
        rc = fail(argv[1], err);
    filedev_close(&fd);
    return rc;
}
