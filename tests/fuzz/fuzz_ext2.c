/* Fuzz target for the ext2 library: mount a mutated image held in memory,
 * walk every directory, stat, read and readlink everything, then try a few
 * writes. Any access outside the image aborts, so the sanitizers and
 * libFuzzer report it as a crash; everything else must end in a return
 * code. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext2.h"
#include "fuzz_ext2.h"

#define WALK_DEPTH   6
#define WALK_ENTRIES 400
#define READ_LIMIT   (256u << 10)
#define PROBE_DIRS   8

/* An image in memory, as a block device. */
struct memdev {
    uint8_t *data;
    uint64_t sectors;
};

static int mem_io(struct memdev *m, uint64_t sector, uint32_t count)
{
    if (sector >= m->sectors || count > m->sectors - sector) {
        fprintf(stderr, "fuzz_ext2: access to sectors %llu+%u outside a %llu-sector device\n",
                (unsigned long long)sector, count, (unsigned long long)m->sectors);
        abort();
    }
    return 0;
}

static int mem_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    struct memdev *m = ctx;
    mem_io(m, sector, count);
    memcpy(buf, m->data + sector * EXT2_SECTOR_SIZE, (size_t)count * EXT2_SECTOR_SIZE);
    return 0;
}

static int mem_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    struct memdev *m = ctx;
    mem_io(m, sector, count);
    memcpy(m->data + sector * EXT2_SECTOR_SIZE, buf, (size_t)count * EXT2_SECTOR_SIZE);
    return 0;
}

/* A run over one image. */
struct run {
    struct ext2_fs *fs;
    struct fuzz_result *res;
    unsigned entries;
    uint8_t *buf;
    char probes[PROBE_DIRS][EXT2_PATH_MAX]; /* directories seen, for rename probes */
    unsigned nprobes;
};

/* Count err if it is an error, keeping the first message. */
static void note(struct run *r, long err)
{
    if (err >= 0)
        return;
    r->res->errors++;
    if (!r->res->first[0])
        snprintf(r->res->first, sizeof(r->res->first), "%s: %s", ext2_strerror((int)err),
                 r->fs ? ext2_errmsg(r->fs) : "");
}

/* Read the head of a file (up to READ_LIMIT) and its last 64 KiB, so the
 * deep indirect levels of big files are reached too. */
static void read_file(struct run *r, uint32_t ino, uint64_t size)
{
    uint64_t off = 0;
    while (off < size && off < READ_LIMIT) {
        long n = ext2_read(r->fs, ino, off, r->buf, 65536);
        note(r, n);
        if (n <= 0)
            break;
        off += (uint64_t)n;
    }
    if (size > READ_LIMIT)
        note(r, ext2_read(r->fs, ino, size - 65536, r->buf, 65536));
}

static void walk(struct run *r, uint32_t dir, const char *path, int depth);

/* Visit one directory entry: stat it, look it up by path, and use it. */
static void visit(struct run *r, const struct ext2_dirent_info *ent, const char *path, int depth)
{
    struct ext2_stat st;
    uint32_t ino;
    char target[EXT2_PATH_MAX];
    note(r, ext2_lookup(r->fs, path, 1, &ino));
    int err = ext2_stat(r->fs, ent->ino, &st);
    note(r, err);
    if (err)
        return;
    switch (st.mode & 0xF000u) {
    case 0x8000u:
        read_file(r, ent->ino, st.size);
        break;
    case 0xA000u:
        note(r, ext2_readlink(r->fs, ent->ino, target, sizeof(target)));
        break;
    case 0x4000u:
        walk(r, ent->ino, path, depth + 1);
        break;
    default:
        break;
    }
}

/* Walk directory dir (reached by path), bounded in depth and entries so a
 * directory cycle in a corrupt image cannot run away. */
static void walk(struct run *r, uint32_t dir, const char *path, int depth)
{
    struct ext2_dirent_info ent;
    uint64_t cookie = 0;
    int rc;
    if (depth > WALK_DEPTH)
        return;
    if (r->nprobes < PROBE_DIRS)
        snprintf(r->probes[r->nprobes++], EXT2_PATH_MAX, "%s", path);
    while ((rc = ext2_readdir(r->fs, dir, &cookie, &ent)) == 1 && r->entries++ < WALK_ENTRIES) {
        char sub[EXT2_PATH_MAX];
        if (!strcmp(ent.name, ".") || !strcmp(ent.name, ".."))
            continue;
        if (snprintf(sub, sizeof(sub), "%s/%s", path, ent.name) >= (int)sizeof(sub))
            continue;
        visit(r, &ent, sub, depth);
    }
    note(r, rc);
}

/* Changes a server would make: they must fail cleanly on a corrupt image. */
static void mutate(struct run *r)
{
    uint32_t ino;
    static const char data[3000] = "fuzz";
    int err = ext2_create(r->fs, "/fz.file", 0644, &ino);
    note(r, err);
    if (!err) {
        note(r, ext2_write(r->fs, ino, 0, data, sizeof(data)));
        note(r, ext2_write(r->fs, ino, 70000, data, sizeof(data)));
        note(r, ext2_truncate(r->fs, ino, 100));
    }
    note(r, ext2_mkdir(r->fs, "/fz.dir", 0755));
    for (unsigned i = 0; i < r->nprobes; i++) {
        char to[EXT2_PATH_MAX + 16];
        snprintf(to, sizeof(to), "%s/fz.moved", r->probes[i]);
        err = ext2_rename(r->fs, "/fz.dir", to);
        note(r, err ? err : ext2_rename(r->fs, to, "/fz.dir"));
    }
    note(r, ext2_symlink(r->fs, "fz.file", "/fz.link"));
    note(r, ext2_link(r->fs, "/fz.file", "/fz.hard"));
    note(r, ext2_unlink(r->fs, "/fz.hard"));
    note(r, ext2_unlink(r->fs, "/fz.link"));
    note(r, ext2_unlink(r->fs, "/fz.file"));
    note(r, ext2_rmdir(r->fs, "/fz.dir"));
}

int fuzz_ext2_one(const uint8_t *data, size_t size, struct fuzz_result *res)
{
    struct memdev m = {.sectors = size / EXT2_SECTOR_SIZE};
    struct ext2_blockdev dev = {
        .ctx = &m, .sectors = m.sectors, .read = mem_read, .write = mem_write};
    struct ext2_mount_opts opts = {.cache_blocks = 32};
    struct run r = {.res = res};
    memset(res, 0, sizeof(*res));
    m.data = malloc(size ? size : 1);
    r.buf = malloc(65536);
    memcpy(m.data, data, size);
    int err = ext2_mount(&r.fs, &dev, &opts, res->first, sizeof(res->first));
    if (err) {
        res->errors = 1;
        res->mount_failed = 1;
    } else {
        walk(&r, 2, "", 0);
        if (!ext2_is_read_only(r.fs))
            mutate(&r);
        note(&r, ext2_unmount(r.fs));
    }
    free(r.buf);
    free(m.data);
    return res->errors;
}
