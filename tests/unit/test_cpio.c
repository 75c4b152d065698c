/* Tests for lib/cpio.c on archives that GNU cpio writes at test time
 * (`cpio -o -H newc`), and on malformed copies of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/cpio.h"

struct archive {
    uint8_t *b;
    size_t len;
};

static char tmpdir[64];

static void write_file(const char *rel, const void *data, size_t n)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Run `cd tmpdir && <list> | cpio -o -H newc` and load the archive. */
static struct archive make_archive(const char *list)
{
    char cmd[512];
    char out[96];
    struct archive a = {NULL, 0};

    snprintf(out, sizeof(out), "%s.cpio", tmpdir);
    snprintf(cmd, sizeof(cmd), "cd %s && %s | cpio --quiet -o -H newc > %s", tmpdir, list, out);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(out, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    a.b = malloc((size_t)n);
    assert_non_null(a.b);
    assert_int_equal(fread(a.b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    unlink(out);
    a.len = (size_t)n;
    return a;
}

static uint8_t big[70001];

/* A tree with names of every length mod 4, an empty file, a directory and
 * a file whose size is not a multiple of 4. */
static int setup(void **state)
{
    char sub[96];

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/chime-cpio-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(sub, sizeof(sub), "%s/bin", tmpdir);
    if (mkdir(sub, 0755) != 0)
        return -1;
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7 + (i >> 8));
    write_file("init", "\177ELF init", 9);
    write_file("bin/hello", "hello, world\n", 13);
    write_file("bin/ab", "ab", 2);
    write_file("bin/abc", "abc", 3);
    write_file("bin/abcd", "abcd", 4);
    write_file("empty", "", 0);
    write_file("big", big, sizeof(big));
    return 0;
}

static int teardown(void **state)
{
    char cmd[96];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void expect_file(const struct archive *a, const char *name, const void *data, size_t n)
{
    struct cpio_entry e;

    assert_int_equal(cpio_find(a->b, a->len, name, &e), CPIO_OK);
    assert_int_equal(e.size, n);
    assert_memory_equal(e.data, data, n);
    assert_int_equal(e.mode & CPIO_MODE_TYPE, CPIO_MODE_REG);
    assert_int_equal(e.name[e.namelen], '\0');
    /* data lies inside the archive */
    assert_true((const uint8_t *)e.data >= a->b);
    assert_true((const uint8_t *)e.data + e.size <= a->b + a->len);
}

static void check_tree(const struct archive *a)
{
    expect_file(a, "init", "\177ELF init", 9);
    expect_file(a, "bin/hello", "hello, world\n", 13);
    expect_file(a, "bin/ab", "ab", 2);
    expect_file(a, "bin/abc", "abc", 3);
    expect_file(a, "bin/abcd", "abcd", 4);
    expect_file(a, "empty", "", 0);
    expect_file(a, "big", big, sizeof(big));
    /* Lookups ignore a leading "./" or "/" in the query. */
    expect_file(a, "./bin/hello", "hello, world\n", 13);
    expect_file(a, "/bin/hello", "hello, world\n", 13);
}

/* `find .` lists "./"-prefixed names (GNU cpio stores them without "./")
 * and "." itself. */
static void test_find_dot_names(void **state)
{
    struct archive a = make_archive("find .");
    struct cpio_entry e;

    check_tree(&a);
    assert_int_equal(cpio_find(a.b, a.len, "bin", &e), CPIO_OK);
    assert_int_equal(e.mode & CPIO_MODE_TYPE, CPIO_MODE_DIR);
    assert_int_equal(e.size, 0);
    assert_int_equal(cpio_find(a.b, a.len, "bin/hell", &e), CPIO_ERR_NOENT);
    assert_int_equal(cpio_find(a.b, a.len, "missing", &e), CPIO_ERR_NOENT);
    free(a.b);
}

/* Append a newc entry written by hand (independent of GNU cpio). */
static size_t put_entry(uint8_t *buf, size_t at, const char *name, const char *data, uint32_t mode)
{
    size_t nsize = strlen(name) + 1, dsize = strlen(data);

    at += (size_t)sprintf((char *)buf + at,
                          "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1u, mode,
                          0u, 0u, 1u, 0u, dsize, 0u, 0u, 0u, 0u, nsize, 0u);
    memcpy(buf + at, name, nsize);
    at = (at + nsize + 3) & ~(size_t)3;
    memcpy(buf + at, data, dsize);
    return (at + dsize + 3) & ~(size_t)3;
}

/* Archives whose names start with "./" (as bsdtar and busybox write them):
 * the prefix is dropped from cpio_entry.name. */
static void test_dot_slash_stored(void **state)
{
    static uint8_t buf[1024];
    struct cpio_entry e;
    size_t len = 0, off = 0;

    len = put_entry(buf, len, ".", "", 0040755);
    len = put_entry(buf, len, "./init", "12345", 0100755);
    len = put_entry(buf, len, "./bin/sh", "sh!", 0100755);
    len = put_entry(buf, len, "TRAILER!!!", "", 0);
    assert_int_equal(cpio_next(buf, len, &off, &e), CPIO_OK);
    assert_string_equal(e.name, ".");
    assert_int_equal(cpio_next(buf, len, &off, &e), CPIO_OK);
    assert_string_equal(e.name, "init");
    assert_int_equal(e.namelen, 4);
    assert_int_equal(cpio_find(buf, len, "bin/sh", &e), CPIO_OK);
    assert_int_equal(e.size, 3);
    assert_memory_equal(e.data, "sh!", 3);
    assert_int_equal(cpio_find(buf, len, "./init", &e), CPIO_OK);
    assert_memory_equal(e.data, "12345", 5);
    assert_int_equal(e.mode, 0100755);
}

/* Names without "./". */
static void test_find_plain_names(void **state)
{
    struct archive a = make_archive("find init bin empty big");

    check_tree(&a);
    free(a.b);
}

/* cpio_next visits every entry once, then reports the trailer. */
static void test_iterate(void **state)
{
    struct archive a = make_archive("find init bin empty big");
    struct cpio_entry e;
    size_t off = 0, prev = 0;
    int n = 0, r;

    while ((r = cpio_next(a.b, a.len, &off, &e)) == CPIO_OK) {
        assert_true(off > prev);
        assert_int_equal(off % 4, 0);
        assert_int_equal(strlen(e.name), e.namelen);
        prev = off;
        n++;
    }
    assert_int_equal(r, CPIO_END);
    assert_int_equal(n, 8); /* init bin bin/hello bin/ab bin/abc bin/abcd empty big */
    assert_true(off <= a.len);
    /* cpio pads the archive to 512 bytes after the trailer: reading on
     * finds no header there. */
    assert_int_equal(a.len % 512, 0);
    assert_true(a.len - off < 110);
    assert_int_equal(cpio_next(a.b, a.len, &off, &e), CPIO_ERR_TRUNC);
    off = 2;
    assert_int_equal(cpio_next(a.b, a.len, &off, &e), CPIO_ERR_ALIGN);
    assert_int_equal(off, 2);
    free(a.b);
}

static void test_empty_archive(void **state)
{
    struct archive a = make_archive("true");
    struct cpio_entry e;
    size_t off = 0;

    assert_int_equal(cpio_next(a.b, a.len, &off, &e), CPIO_END);
    assert_int_equal(cpio_find(a.b, a.len, "init", &e), CPIO_ERR_NOENT);
    assert_int_equal(cpio_find(a.b, 0, "init", &e), CPIO_ERR_TRUNC);
    free(a.b);
}

/* Offset of the header of entry name in a (found by cpio_next). */
static size_t header_of(const struct archive *a, const char *name)
{
    struct cpio_entry e;
    size_t off = 0, at = 0;

    while (cpio_next(a->b, a->len, &off, &e) == CPIO_OK) {
        if (strcmp(e.name, name) == 0)
            return at;
        at = off;
    }
    fail_msg("no entry %s", name);
    return 0;
}

static void set_field(uint8_t *hdr, int field, uint32_t v)
{
    char buf[9];

    snprintf(buf, sizeof(buf), "%08X", v);
    memcpy(hdr + 6 + 8 * field, buf, 8);
}

enum { FIELD_FILESIZE = 6, FIELD_NAMESIZE = 11 };

static void test_malformed(void **state)
{
    struct archive a = make_archive("find init bin empty big");
    uint8_t *copy = malloc(a.len);
    struct cpio_entry e;
    size_t h = header_of(&a, "bin/hello");

    assert_non_null(copy);
#define EXPECT(err)                                                                                \
    do {                                                                                           \
        assert_int_equal(cpio_find(copy, a.len, "zzz", &e), (err));                                \
        memcpy(copy, a.b, a.len);                                                                  \
    } while (0)
    memcpy(copy, a.b, a.len);
    EXPECT(CPIO_ERR_NOENT);

    copy[h + 5] = '2'; /* "070702": the crc format is not accepted */
    EXPECT(CPIO_ERR_MAGIC);
    copy[0] = 'x';
    EXPECT(CPIO_ERR_MAGIC);
    for (int field = 0; field < 13; field++) {
        copy[h + 6 + 8 * field + 3] = 'g';
        EXPECT(CPIO_ERR_HEX);
        copy[h + 6 + 8 * field + 7] = ' ';
        EXPECT(CPIO_ERR_HEX);
    }
    set_field(copy + h, FIELD_NAMESIZE, 0);
    EXPECT(CPIO_ERR_NAME);
    set_field(copy + h, FIELD_NAMESIZE, 5); /* "bin/h" has no NUL at [4] */
    EXPECT(CPIO_ERR_NAME);
    set_field(copy + h, FIELD_NAMESIZE, 30); /* NUL inside the name */
    EXPECT(CPIO_ERR_NAME);
    set_field(copy + h, FIELD_NAMESIZE, 0xffffffff);
    EXPECT(CPIO_ERR_TRUNC);
    set_field(copy + h, FIELD_FILESIZE, 0xffffffff);
    EXPECT(CPIO_ERR_TRUNC);
    set_field(copy + h, FIELD_FILESIZE, (uint32_t)(a.len - h));
    EXPECT(CPIO_ERR_TRUNC);
    /* Four bytes more data than stored: the next header is misplaced. */
    set_field(copy + h, FIELD_FILESIZE, 17);
    EXPECT(CPIO_ERR_MAGIC);
    /* No trailer: the archive ends at the last entry. */
    size_t trailer = header_of(&a, "big") + 116 + sizeof(big) + 3; /* 110 + "big\0" */
    trailer &= ~(size_t)3;
    assert_int_equal(memcmp(copy + trailer + 110, "TRAILER!!!", 11), 0);
    assert_int_equal(cpio_find(copy, trailer, "zzz", &e), CPIO_ERR_TRUNC);
#undef EXPECT
    free(copy);
    free(a.b);
}

/* Every prefix of the archive, in a buffer of exactly that size: each
 * lookup of the last file fails with TRUNC (or finds it, once complete). */
static void test_truncated(void **state)
{
    struct archive a = make_archive("find init bin empty big");
    size_t big_end = header_of(&a, "big") + 116 + sizeof(big); /* 110 + "big\0" */
    struct cpio_entry e;

    for (size_t len = 0; len < a.len; len += len < 1024 || len > a.len - 1024 ? 1 : 61) {
        uint8_t *cut = malloc(len ? len : 1);
        assert_non_null(cut);
        memcpy(cut, a.b, len);
        int r = cpio_find(cut, len, "big", &e);
        if (len < big_end) {
            assert_int_equal(r, CPIO_ERR_TRUNC);
        } else {
            assert_int_equal(r, CPIO_OK);
            assert_int_equal(e.size, sizeof(big));
        }
        size_t off = 0;
        while ((r = cpio_next(cut, len, &off, &e)) == CPIO_OK)
            ;
        assert_true(r == CPIO_END || r == CPIO_ERR_TRUNC);
        free(cut);
    }
    free(a.b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_dot_names),   cmocka_unit_test(test_find_plain_names),
        cmocka_unit_test(test_dot_slash_stored), cmocka_unit_test(test_iterate),
        cmocka_unit_test(test_empty_archive),    cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_truncated),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
