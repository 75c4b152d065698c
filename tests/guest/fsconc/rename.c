/* Rename atomicity: the renamer writes version v of a file under a temporary
 * name and renames it over /c/target, VERSIONS times; the reader opens
 * /c/target in a loop meanwhile. rename replaces the name in one step, so the
 * reader must never find the name missing (ENOENT), and what it opens is
 * one whole version (its own length and checksum), never older than the
 * last one it saw. It reads through the descriptor after the name has moved
 * on, so the replaced file must live on while open. */
#include "fsconc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TARGET  DIR_C "/target"
#define TMP     DIR_C "/target.tmp"
#define DONE    DIR_C "/renamer.done"
#define VER_MAX 40000
#define VMAGIC  0x56455253u /* "VERS" */

/* Version v: magic, v, length, filler, checksum. */
static uint32_t version_make(uint8_t *buf, uint32_t v)
{
    uint32_t len = 1000 + (uint32_t)(mix64(v) % 30000), sum;
    uint32_t h[3] = {VMAGIC, v, len};
    uint64_t s = v;

    memcpy(buf, h, sizeof(h));
    for (uint32_t i = sizeof(h); i < len - 4; i++)
        buf[i] = (uint8_t)(s = mix64(s));
    sum = fnv32(FNV32_START, buf, len - 4);
    memcpy(buf + len - 4, &sum, 4);
    return len;
}

static int put(const char *path, uint32_t v, uint8_t *buf)
{
    uint32_t n = version_make(buf, v);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && write(fd, buf, n) == (ssize_t)n;

    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

void rename_setup(void)
{
    uint8_t *buf = malloc(VER_MAX);

    check(buf != NULL && put(TARGET, 0, buf) == 0, "write version 0 of %s", TARGET);
    free(buf);
}

int renamer_main(int versions)
{
    uint8_t *buf = malloc(VER_MAX);
    int fails = 0, v;

    for (v = 1; v <= versions && buf != NULL; v++) {
        if (put(TMP, (uint32_t)v, buf) != 0 || rename(TMP, TARGET) != 0) {
            check(0, "renamer: version %d (errno %s)", v, strerror(errno));
            fails++;
            break;
        }
    }
    free(buf);
    int fd = open(DONE, O_WRONLY | O_CREAT, 0644);
    if (fd < 0 || close(fd) != 0)
        fails++;
    check(fails == 0, "renamer: %d versions renamed over %s", versions, TARGET);
    return fails;
}

/* Open and check one version; returns it, or -1 (and says why). */
static long read_version(uint8_t *buf, long last)
{
    int fd = open(TARGET, O_RDONLY);
    ssize_t n = 0, r = 0;
    uint32_t h[3], sum;

    if (fd < 0) {
        check(0, "reader: open %s: %s", TARGET, strerror(errno));
        return -1;
    }
    while (n < VER_MAX && (r = read(fd, buf + n, VER_MAX - (size_t)n)) > 0)
        n += r;
    close(fd);
    if (r < 0 || n < 16) {
        check(0, "reader: read %s gives %zd bytes (last %zd)", TARGET, n, r);
        return -1;
    }
    memcpy(h, buf, sizeof(h));
    memcpy(&sum, buf + n - 4, 4);
    if (h[0] != VMAGIC || h[2] != (uint32_t)n || sum != fnv32(FNV32_START, buf, (size_t)n - 4) ||
        (long)h[1] < last) {
        check(0, "reader: a torn or stale %s (version %u, %zd of %u bytes, last seen %ld)", TARGET,
              h[1], n, h[2], last);
        return -1;
    }
    return h[1];
}

int reader_main(void)
{
    uint8_t *buf = malloc(VER_MAX);
    long last = 0, opens = 0, versions = 0;
    struct stat st;
    int done = 0;

    while (buf != NULL && !done) {
        done = stat(DONE, &st) == 0; /* one more look after the renamer ends */
        long v = read_version(buf, last);
        if (v < 0) {
            free(buf);
            return 1;
        }
        opens++;
        versions += v != last;
        last = v;
    }
    check(buf != NULL, "reader: %ld opens of %s saw %ld versions, each whole, none missing", opens,
          TARGET, versions);
    free(buf);
    return 0;
}

void rename_verify(int versions)
{
    uint8_t *buf = malloc(VER_MAX);
    struct stat st;

    check(buf != NULL && read_version(buf, versions) == versions,
          "%s is the last version (%d) after the renames", TARGET, versions);
    check(lstat(TMP, &st) != 0 && errno == ENOENT, "no %s is left", TMP);
    free(buf);
}
