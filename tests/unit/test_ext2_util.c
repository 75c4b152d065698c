/* Helpers shared by the ext2 host tests. */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_ext2_util.h"

#define CMP_CHUNK (1u << 16)

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q)
        abort();
    return q;
}

/* out = a/b; the tests never build paths near the buffer size. */
static void join(char *out, size_t n, const char *a, const char *b)
{
    if (snprintf(out, n, "%s/%s", a, b) >= (int)n)
        abort();
}

int tx_mount(struct tx_mount *m, const char *img, int ro, unsigned cache, char *msg, size_t msglen)
{
    memset(m, 0, sizeof(*m));
    if (filedev_open(&m->fd, img, !ro, &m->dev)) {
        snprintf(msg, msglen, "cannot open %s", img);
        return EXT2_EIO;
    }
    struct ext2_mount_opts opts = {.read_only = ro, .cache_blocks = cache};
    int err = ext2_mount(&m->fs, &m->dev, &opts, msg, msglen);
    if (err)
        filedev_close(&m->fd);
    return err;
}

int tx_unmount(struct tx_mount *m)
{
    int err = ext2_unmount(m->fs);
    filedev_close(&m->fd);
    m->fs = NULL;
    return err;
}

int tx_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

char *tx_mkdtemp(void)
{
    const char *tmp = getenv("TMPDIR");
    char buf[512];
    snprintf(buf, sizeof(buf), "%s/chime-ext2-XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(buf))
        return NULL;
    return strdup(buf);
}

void tx_rmrf(const char *path)
{
    tx_sh("rm -rf '%s'", path);
}

int tx_write_file(const char *path, const void *data, size_t len, unsigned mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    ssize_t n = len ? write(fd, data, len) : 0;
    int rc = (n == (ssize_t)len && fchmod(fd, mode) == 0) ? 0 : -1;
    close(fd);
    return rc;
}

uint64_t tx_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void tx_fill(uint64_t *state, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len >= 8) {
        uint64_t r = tx_rand(state);
        memcpy(p, &r, 8);
        p += 8;
        len -= 8;
    }
    while (len--)
        *p++ = (uint8_t)tx_rand(state);
}

/* Sorted names of a host directory, without "." and "..". */
static int host_names(const char *dir, char ***out, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t cap = 16;
    char **v = malloc(cap * sizeof(*v));
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (*n == cap)
            v = xrealloc(v, (cap *= 2) * sizeof(*v));
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    *out = v;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Sorted names of an ext2 directory, without "." and "..". */
static int ext2_names(struct ext2_fs *fs, uint32_t dir, char ***out, size_t *n)
{
    size_t cap = 16;
    char **v = malloc(cap * sizeof(*v));
    uint64_t cookie = 0;
    struct ext2_dirent_info ent;
    int r;
    *n = 0;
    while ((r = ext2_readdir(fs, dir, &cookie, &ent)) == 1) {
        if (!strcmp(ent.name, ".") || !strcmp(ent.name, ".."))
            continue;
        if (*n == cap)
            v = xrealloc(v, (cap *= 2) * sizeof(*v));
        v[(*n)++] = strdup(ent.name);
    }
    *out = v;
    return r;
}

/* Compare a host file's contents with an ext2 file's. */
static int cmp_contents(struct ext2_fs *fs, uint32_t ino, const char *path, uint64_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 1;
    char *a = malloc(CMP_CHUNK), *b = malloc(CMP_CHUNK);
    int diff = 0;
    for (uint64_t off = 0; off < size && !diff; off += CMP_CHUNK) {
        size_t want = size - off < CMP_CHUNK ? (size_t)(size - off) : CMP_CHUNK;
        long n = ext2_read(fs, ino, off, b, want);
        diff = pread(fd, a, want, (off_t)off) != (ssize_t)want || n != (long)want ||
               memcmp(a, b, want) != 0;
    }
    free(a);
    free(b);
    close(fd);
    return diff;
}

/* Host link count a directory should have in ext2: 2 + its subdirectories. */
static uint32_t host_dir_links(const char *path)
{
    char **names;
    size_t n;
    uint32_t links = 2;
    if (host_names(path, &names, &n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char sub[4096];
        struct stat st;
        join(sub, sizeof(sub), path, names[i]);
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            links++;
    }
    free_names(names, n);
    return links;
}

static int cmp_ext2_dir(struct ext2_fs *fs, uint32_t dir, const char *host, int top, char *why,
                        size_t wl);

/* Compare one host entry with the ext2 inode of the same name. */
static int cmp_ext2_entry(struct ext2_fs *fs, uint32_t ino, const char *hp, char *why, size_t wl)
{
    struct stat hs;
    struct ext2_stat es;
    if (lstat(hp, &hs) || ext2_stat(fs, ino, &es)) {
        snprintf(why, wl, "%s: stat failed", hp);
        return 1;
    }
    uint32_t want_links = S_ISDIR(hs.st_mode) ? host_dir_links(hp) : (uint32_t)hs.st_nlink;
    /* Directory sizes depend on the file system that holds them. */
    int size_differs = !S_ISDIR(hs.st_mode) && es.size != (uint64_t)hs.st_size;
    if (es.mode != hs.st_mode || size_differs || es.nlink != want_links) {
        snprintf(why, wl, "%s: mode %o/%o size %llu/%llu links %u/%u", hp, es.mode, hs.st_mode,
                 (unsigned long long)es.size, (unsigned long long)hs.st_size, es.nlink, want_links);
        return 1;
    }
    if (S_ISREG(hs.st_mode) && cmp_contents(fs, ino, hp, es.size)) {
        snprintf(why, wl, "%s: contents differ", hp);
        return 1;
    }
    if (S_ISLNK(hs.st_mode)) {
        char a[4096], b[4096];
        ssize_t na = readlink(hp, a, sizeof(a));
        long nb = ext2_readlink(fs, ino, b, sizeof(b));
        if (na != nb || memcmp(a, b, (size_t)na)) {
            snprintf(why, wl, "%s: symlink target differs", hp);
            return 1;
        }
    }
    if (S_ISDIR(hs.st_mode))
        return cmp_ext2_dir(fs, ino, hp, 0, why, wl);
    return 0;
}

/* Compare a host directory with ext2 directory dir, recursively. */
static int cmp_ext2_dir(struct ext2_fs *fs, uint32_t dir, const char *host, int top, char *why,
                        size_t wl)
{
    char **hn, **en;
    size_t nh, ne;
    int diff = 0;
    if (host_names(host, &hn, &nh))
        return snprintf(why, wl, "%s: cannot list", host), 1;
    int r = ext2_names(fs, dir, &en, &ne);
    if (r < 0) {
        snprintf(why, wl, "%s: ext2 readdir: %s (%s)", host, ext2_strerror(r), ext2_errmsg(fs));
        diff = 1;
    }
    if (top && !diff) { /* mke2fs adds lost+found; ignore it if the host lacks it */
        for (size_t i = 0; i < ne; i++)
            if (!strcmp(en[i], "lost+found") && access(host, F_OK) == 0) {
                char p[4096];
                join(p, sizeof(p), host, "lost+found");
                if (access(p, F_OK) != 0) {
                    free(en[i]);
                    en[i] = en[--ne];
                }
                break;
            }
    }
    qsort(hn, nh, sizeof(*hn), cmp_str);
    qsort(en, ne, sizeof(*en), cmp_str);
    if (!diff && nh != ne) {
        snprintf(why, wl, "%s: %zu host entries, %zu ext2 entries", host, nh, ne);
        diff = 1;
    }
    for (size_t i = 0; i < nh && !diff; i++) {
        char hp[4096];
        uint32_t ino;
        if (strcmp(hn[i], en[i])) {
            snprintf(why, wl, "%s: entry %s vs %s", host, hn[i], en[i]);
            diff = 1;
            break;
        }
        join(hp, sizeof(hp), host, hn[i]);
        char ep[300];
        snprintf(ep, sizeof(ep), "%s", hn[i]);
        struct ext2_dirent_info ent;
        uint64_t cookie = 0;
        ino = 0;
        while (ext2_readdir(fs, dir, &cookie, &ent) == 1)
            if (!strcmp(ent.name, ep))
                ino = ent.ino;
        diff = cmp_ext2_entry(fs, ino, hp, why, wl);
    }
    free_names(hn, nh);
    free_names(en, ne);
    return diff;
}

int tx_compare_ext2(struct ext2_fs *fs, const char *host, char *why, size_t whylen)
{
    return cmp_ext2_dir(fs, 2, host, 1, why, whylen);
}

/* Compare two host files byte for byte. */
static int cmp_host_files(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int diff = !fa || !fb;
    char *x = malloc(CMP_CHUNK), *y = malloc(CMP_CHUNK);
    while (!diff) {
        size_t na = fread(x, 1, CMP_CHUNK, fa), nb = fread(y, 1, CMP_CHUNK, fb);
        diff = na != nb || memcmp(x, y, na) != 0;
        if (na < CMP_CHUNK)
            break;
    }
    free(x);
    free(y);
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return diff;
}

int tx_compare_trees(const char *a, const char *b, char *why, size_t wl)
{
    char **na, **nb;
    size_t ca, cb;
    if (host_names(a, &na, &ca) || host_names(b, &nb, &cb))
        return snprintf(why, wl, "cannot list %s or %s", a, b), 1;
    qsort(na, ca, sizeof(*na), cmp_str);
    qsort(nb, cb, sizeof(*nb), cmp_str);
    int diff = ca != cb;
    if (diff)
        snprintf(why, wl, "%s: %zu entries, %s: %zu", a, ca, b, cb);
    for (size_t i = 0; i < ca && !diff; i++) {
        char pa[4096], pb[4096];
        struct stat sa, sb;
        join(pa, sizeof(pa), a, na[i]);
        join(pb, sizeof(pb), b, nb[i]);
        if (strcmp(na[i], nb[i]) || lstat(pa, &sa) || lstat(pb, &sb) ||
            (sa.st_mode & S_IFMT) != (sb.st_mode & S_IFMT)) {
            snprintf(why, wl, "%s vs %s: name or type", pa, pb);
            diff = 1;
        } else if (!S_ISLNK(sa.st_mode) && (sa.st_mode & 0777) != (sb.st_mode & 0777)) {
            /* rdump restores permission bits only, not set-ID or sticky bits */
            snprintf(why, wl, "%s: mode %o vs %o", pa, sa.st_mode & 0777, sb.st_mode & 0777);
            diff = 1;
        } else if (S_ISREG(sa.st_mode)) {
            diff = sa.st_size != sb.st_size || cmp_host_files(pa, pb);
            if (diff)
                snprintf(why, wl, "%s: contents differ", pa);
        } else if (S_ISLNK(sa.st_mode)) {
            char ta[4096], tb[4096];
            ssize_t la = readlink(pa, ta, sizeof(ta)), lb = readlink(pb, tb, sizeof(tb));
            diff = la != lb || memcmp(ta, tb, (size_t)la);
            if (diff)
                snprintf(why, wl, "%s: symlink target differs", pa);
        } else if (S_ISDIR(sa.st_mode)) {
            diff = tx_compare_trees(pa, pb, why, wl);
        }
    }
    free_names(na, ca);
    free_names(nb, cb);
    return diff;
}
