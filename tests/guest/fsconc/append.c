/* Appenders: many writers at once on one O_APPEND file, and each on its own
 * file. A record is a header (magic, writer, sequence, total length), a
 * payload that follows from (writer, sequence), and a checksum of both; one
 * write() each. The check reads the shared log back and finds every record
 * exactly once and whole, and each own file as its writer wrote it. */
#include "fsconc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC   0x52454344u /* "RECD" */
#define REC_MAX 26000
#define WRITERS 64 /* writer ids: process * 16 + thread */

struct rec_hdr {
    uint32_t magic;
    uint32_t writer;
    uint32_t seq;
    uint32_t len; /* header + payload + checksum */
};

/* The length of record (writer, seq): mostly small (one data-area request),
 * every 25th above the 16 KiB lend threshold (one lent request). */
static uint32_t rec_len(uint32_t writer, uint32_t seq)
{
    uint64_t r = mix64((uint64_t)writer << 32 | seq);

    return seq % 25 == 7 ? 20000 + (uint32_t)(r % 6000) : 20 + (uint32_t)(r % 3000);
}

/* Build record (writer, seq) in buf; its length. */
static uint32_t rec_make(uint8_t *buf, uint32_t writer, uint32_t seq)
{
    struct rec_hdr h = {MAGIC, writer, seq, rec_len(writer, seq)};
    uint64_t s = mix64(h.len ^ ((uint64_t)writer << 40) ^ seq);
    uint32_t sum;

    memcpy(buf, &h, sizeof(h));
    for (uint32_t i = sizeof(h); i < h.len - 4; i++) {
        s = mix64(s);
        buf[i] = (uint8_t)s;
    }
    sum = fnv32(FNV32_START, buf, h.len - 4);
    memcpy(buf + h.len - 4, &sum, 4);
    return h.len;
}

struct writer_arg {
    uint32_t writer;
    int records;
    int fails;
};

static void *writer_run(void *p)
{
    struct writer_arg *w = p;
    uint8_t *buf = malloc(REC_MAX);
    char own[32];
    int log = open(LOG_PATH, O_WRONLY | O_APPEND);
    int fd;

    snprintf(own, sizeof(own), DIR_C "/own.%u", (unsigned)w->writer);
    fd = open(own, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (buf == NULL || log < 0 || fd < 0) {
        check(0, "writer %u opens %s and %s (errno %d)", (unsigned)w->writer, LOG_PATH, own, errno);
        w->fails++;
        return NULL;
    }
    for (int seq = 0; seq < w->records; seq++) {
        uint32_t n = rec_make(buf, w->writer, (uint32_t)seq);
        ssize_t a = write(log, buf, n), b = write(fd, buf, n);

        if (a != (ssize_t)n || b != (ssize_t)n) {
            check(0, "writer %u record %d: write gives %zd and %zd of %u (errno %d)",
                  (unsigned)w->writer, seq, a, b, (unsigned)n, errno);
            w->fails++;
            break;
        }
    }
    if (close(log) != 0 || close(fd) != 0)
        w->fails++;
    free(buf);
    return NULL;
}

int append_main(int id, int records, int threads)
{
    struct writer_arg w[16] = {{0}};
    pthread_t t[16];
    int fails = 0;

    if (threads < 1 || threads > 16)
        threads = 1;
    for (int i = 0; i < threads; i++)
        w[i] = (struct writer_arg){(uint32_t)(id * 16 + i), records, 0};
    for (int i = 1; i < threads; i++)
        if (pthread_create(&t[i], NULL, writer_run, &w[i]) != 0) {
            check(0, "appender %d: pthread_create", id);
            return 1;
        }
    writer_run(&w[0]);
    for (int i = 1; i < threads; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < threads; i++)
        fails += w[i].fails;
    return fails;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY);
    uint8_t *buf = NULL;
    size_t got = 0;

    if (fd < 0 || fstat(fd, &st) != 0 || (buf = malloc((size_t)st.st_size + 1)) == NULL) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    *size = got;
    return buf;
}

/* Walk the records of buf: each whole (magic, length, checksum); seen
 * counts (writer, seq). Returns the number of bad records (the walk stops
 * at the first one, as nothing after it can be framed). */
static int walk(const uint8_t *buf, size_t size, uint8_t seen[WRITERS][256], int records,
                size_t *count)
{
    size_t off = 0;

    *count = 0;
    while (off < size) {
        struct rec_hdr h;
        uint32_t sum;

        if (size - off < sizeof(h) + 4)
            return 1;
        memcpy(&h, buf + off, sizeof(h));
        if (h.magic != MAGIC || h.writer >= WRITERS || h.seq >= (uint32_t)records ||
            h.len != rec_len(h.writer, h.seq) || h.len > size - off)
            return printf("# bad record header at %zu\n", off), 1;
        memcpy(&sum, buf + off + h.len - 4, 4);
        if (sum != fnv32(FNV32_START, buf + off, h.len - 4))
            return printf("# bad checksum at %zu (writer %u seq %u)\n", off, h.writer, h.seq), 1;
        if (seen[h.writer][h.seq] < 255)
            seen[h.writer][h.seq]++;
        off += h.len;
        (*count)++;
    }
    return 0;
}

void append_verify(int procs, int records, int threads)
{
    static uint8_t seen[WRITERS][256];
    size_t size = 0, count = 0, want_size = 0;
    uint8_t *buf = read_file(LOG_PATH, &size);
    int missing = 0, twice = 0, bad;

    if (records > 256)
        records = 256;
    memset(seen, 0, sizeof(seen));
    check(buf != NULL, "read back %s", LOG_PATH);
    if (buf == NULL)
        return;
    bad = walk(buf, size, seen, records, &count);
    for (int p = 0; p < procs; p++)
        for (int t = 0; t < threads; t++)
            for (int s = 0; s < records; s++) {
                int w = p * 16 + t;
                want_size += rec_len((uint32_t)w, (uint32_t)s);
                missing += seen[w][s] == 0;
                twice += seen[w][s] > 1;
            }
    check(!bad, "%s: every record whole (%zu records, %zu bytes)", LOG_PATH, count, size);
    check(!bad && missing == 0 && twice == 0 && size == want_size,
          "%s: each of %d writers' %d records exactly once (%d missing, %d twice, %zu of %zu "
          "bytes)",
          LOG_PATH, procs * threads, records, missing, twice, size, want_size);
    free(buf);

    int own_bad = 0;
    uint8_t *rec = malloc(REC_MAX);
    for (int p = 0; p < procs && rec != NULL; p++)
        for (int t = 0; t < threads; t++) {
            char path[32];
            size_t osize = 0, off = 0;
            uint8_t *ob;
            int s = 0;

            snprintf(path, sizeof(path), DIR_C "/own.%d", p * 16 + t);
            ob = read_file(path, &osize);
            for (; ob != NULL && s < records; s++) {
                uint32_t n = rec_make(rec, (uint32_t)(p * 16 + t), (uint32_t)s);
                if (osize - off < n || memcmp(ob + off, rec, n) != 0)
                    break;
                off += n;
            }
            own_bad += ob == NULL || s != records || off != osize;
            free(ob);
        }
    check(rec != NULL && own_bad == 0,
          "each writer's own file holds its %d records in order, byte for byte (%d bad)", records,
          own_bad);
    free(rec);
}
