/* Tests for lib/elf.c: a static RISC-V executable built at test time with
 * riscv64-unknown-elf-gcc, then malformed copies patched in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <chime/layout.h>
#include <chime/types.h>

#include "lib/elf.h"

/* _start at 0x10000 (-Ttext); the linker puts the ELF headers in the text
 * segment, one page lower, at 0xf000. x lands in .sdata, y in .sbss. */
static const char prog_src[] = "int x = 0x5eed;\n"
                               "int y;\n"
                               "void _start(void) { y = x; for (;;) ; }\n";

#define MIN_VA 0x1000ull
#define MAX_VA CHIME_KAREA_BASE

static uint8_t *prog;
static size_t prog_len;

/* Offsets in the ELF header and a program header. */
enum { E_CLASS = 4, E_DATA = 5, E_IVERSION = 6, E_TYPE = 16, E_MACHINE = 18, E_VERSION = 20 };
enum { E_ENTRY = 24, E_PHOFF = 32, E_PHENTSIZE = 54, E_PHNUM = 56 };
enum { P_TYPE = 0, P_FLAGS = 4, P_OFFSET = 8, P_VADDR = 16, P_FILESZ = 32, P_MEMSZ = 40 };

static uint64_t get(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put(uint8_t *p, int n, uint64_t v)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int setup(void **state)
{
    char dir[] = "/tmp/chime-elf-XXXXXX";
    char cmd[512];

    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(cmd, sizeof(cmd), "%s/p.c", dir);
    FILE *f = fopen(cmd, "w");
    if (f == NULL || fputs(prog_src, f) < 0 || fclose(f) != 0)
        return -1;
    snprintf(cmd, sizeof(cmd),
             "riscv64-unknown-elf-gcc -march=rv64imac -misa-spec=2.2 -mabi=lp64 -O1 -nostdlib "
             "-static -Wl,-Ttext=0x10000 -o %s/p.elf %s/p.c",
             dir, dir);
    if (system(cmd) != 0)
        return -1;
    snprintf(cmd, sizeof(cmd), "%s/p.elf", dir);
    f = fopen(cmd, "rb");
    if (f == NULL)
        return -1;
    int ok = fseek(f, 0, SEEK_END) == 0 && (prog_len = (size_t)ftell(f)) > 0 &&
             fseek(f, 0, SEEK_SET) == 0 && (prog = malloc(prog_len)) != NULL &&
             fread(prog, 1, prog_len, f) == prog_len;
    fclose(f);
    if (!ok)
        return -1;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    free(prog);
    return 0;
}

/* A fresh copy of the program to patch. */
static uint8_t *copy(void)
{
    uint8_t *c = malloc(prog_len);

    assert_non_null(c);
    memcpy(c, prog, prog_len);
    return c;
}

/* Program header of the n-th PT_LOAD (0-based) in file f. */
static uint8_t *load_phdr(uint8_t *f, int n)
{
    uint64_t phoff = get(f + E_PHOFF, 8);
    int phnum = (int)get(f + E_PHNUM, 2);

    for (int i = 0; i < phnum; i++) {
        uint8_t *ph = f + phoff + 56 * (uint64_t)i;
        if (get(ph + P_TYPE, 4) == 1 && n-- == 0)
            return ph;
    }
    fail_msg("no PT_LOAD %d", n);
    return NULL;
}

static int parse(const uint8_t *f, size_t len)
{
    struct elf_image img;

    return elf_parse(f, len, MIN_VA, MAX_VA, &img);
}

static void test_valid(void **state)
{
    struct elf_image img;

    assert_int_equal(elf_parse(prog, prog_len, MIN_VA, MAX_VA, &img), 0);
    assert_int_equal(img.entry, 0x10000);
    assert_int_equal(img.nseg, 2);
    const struct elf_segment *text = &img.seg[0], *data = &img.seg[1];
    assert_int_equal(text->prot, CHIME_PROT_READ | CHIME_PROT_EXEC);
    assert_int_equal(text->vaddr, 0xf000);
    assert_int_equal(text->offset, 0);
    assert_true(text->vaddr + text->memsz > img.entry);
    assert_int_equal(text->filesz, text->memsz);
    assert_int_equal(data->prot, CHIME_PROT_READ | CHIME_PROT_WRITE);
    assert_int_equal(data->vaddr % 4096, data->offset % 4096);
    assert_true(data->vaddr >= text->vaddr + text->memsz);
    /* .sdata holds x in the file; .sbss (y) is only in memory. */
    assert_int_equal(data->filesz, 4);
    assert_int_equal(data->memsz, 8);
    assert_int_equal(get(prog + data->offset, 4), 0x5eed);
    assert_int_equal(img.end, data->vaddr + data->memsz);
    /* The first instruction at the entry is in the file. */
    assert_true(img.entry - text->vaddr < text->filesz);
}

/* The headers' page at 0xf000 is below CHIME_USER_BASE (the NULL guard):
 * a caller passing that minimum gets the address error. */
static void test_min_va(void **state)
{
    struct elf_image img;

    assert_int_equal(elf_parse(prog, prog_len, CHIME_USER_BASE, MAX_VA, &img), ELF_ERR_ADDR);
    assert_int_equal(elf_parse(prog, prog_len, 0xf000, MAX_VA, &img), 0);
    assert_int_equal(elf_parse(prog, prog_len, 0xf001, MAX_VA, &img), ELF_ERR_ADDR);
}

/* The last segment ends exactly at max_va: accepted; one byte less: not. */
static void test_max_va(void **state)
{
    struct elf_image img;
    assert_int_equal(elf_parse(prog, prog_len, MIN_VA, MAX_VA, &img), 0);
    uint64_t end = img.end;

    assert_int_equal(elf_parse(prog, prog_len, MIN_VA, end, &img), 0);
    assert_int_equal(elf_parse(prog, prog_len, MIN_VA, end - 1, &img), ELF_ERR_ADDR);
}

/* One field patched; values marked "+o" get the data segment's in-page
 * offset added, so that only the intended check fails. */
struct patch {
    const char *what;
    int phdr; /* -1: ELF header; n: n-th PT_LOAD header */
    int off, size;
    uint64_t value;
    int plus_o;
    int err;
};

static const struct patch patches[] = {
    {"magic", -1, 0, 1, 0x7e, 0, ELF_ERR_MAGIC},
    {"magic E", -1, 1, 1, 'e', 0, ELF_ERR_MAGIC},
    {"class 32", -1, E_CLASS, 1, 1, 0, ELF_ERR_CLASS},
    {"class none", -1, E_CLASS, 1, 0, 0, ELF_ERR_CLASS},
    {"big-endian", -1, E_DATA, 1, 2, 0, ELF_ERR_DATA},
    {"ident version", -1, E_IVERSION, 1, 0, 0, ELF_ERR_VERSION},
    {"e_version", -1, E_VERSION, 4, 2, 0, ELF_ERR_VERSION},
    {"machine x86-64", -1, E_MACHINE, 2, 62, 0, ELF_ERR_MACHINE},
    {"machine aarch64", -1, E_MACHINE, 2, 183, 0, ELF_ERR_MACHINE},
    {"type ET_DYN", -1, E_TYPE, 2, 3, 0, ELF_ERR_TYPE},
    {"type ET_REL", -1, E_TYPE, 2, 1, 0, ELF_ERR_TYPE},
    {"phentsize", -1, E_PHENTSIZE, 2, 64, 0, ELF_ERR_PHDR},
    {"phnum 0", -1, E_PHNUM, 2, 0, 0, ELF_ERR_PHDR},
    {"phnum huge", -1, E_PHNUM, 2, 0xffff, 0, ELF_ERR_PHDR},
    {"phnum above max", -1, E_PHNUM, 2, ELF_MAX_PHNUM + 1, 0, ELF_ERR_PHDR},
    {"phoff wraps", -1, E_PHOFF, 8, ~0ull - 8, 0, ELF_ERR_PHDR},
    {"entry unmapped", -1, E_ENTRY, 8, 0x5000, 0, ELF_ERR_ENTRY},
    {"entry in data", 1, 0, 0, 0, 0, ELF_ERR_ENTRY}, /* see test_patches */
    {"entry kernel", -1, E_ENTRY, 8, 0xffffffc080200000ull, 0, ELF_ERR_ENTRY},
    {"data filesz > memsz", 1, P_FILESZ, 8, 9, 0, ELF_ERR_FILESZ},
    {"text filesz huge", 0, P_FILESZ, 8, 1ull << 62, 0, ELF_ERR_FILESZ},
    {"data offset past end", 1, P_OFFSET, 8, 0x7fff0000, 1, ELF_ERR_FILERANGE},
    {"data offset wraps", 1, P_OFFSET, 8, ~0xfffull, 1, ELF_ERR_FILERANGE},
    {"vaddr near top", 1, P_VADDR, 8, ~0xfffull, 1, ELF_ERR_ADDR},
    {"vaddr kernel half", 1, P_VADDR, 8, 0xffffffc000001000ull, 1, ELF_ERR_ADDR},
    {"vaddr in karea", 1, P_VADDR, 8, CHIME_KAREA_BASE, 1, ELF_ERR_ADDR},
    {"vaddr null page", 1, P_VADDR, 8, 0, 1, ELF_ERR_ADDR},
    {"memsz huge", 1, P_MEMSZ, 8, 1ull << 40, 0, ELF_ERR_ADDR},
    {"memsz wraps", 1, P_MEMSZ, 8, ~0ull - 0x10, 0, ELF_ERR_ADDR},
    {"overlap text", 1, P_VADDR, 8, 0xf000, 1, ELF_ERR_OVERLAP},
    {"congruence", 1, P_VADDR, 8, 0x11008, 1, ELF_ERR_ALIGN},
    {"text not executable", 0, P_FLAGS, 4, 4, 0, ELF_ERR_ENTRY},
    {"text not loadable", 0, P_TYPE, 4, 4, 0, ELF_ERR_ENTRY},
    {"interp", 0, P_TYPE, 4, 3, 0, ELF_ERR_DYNAMIC},
    {"dynamic", 1, P_TYPE, 4, 2, 0, ELF_ERR_DYNAMIC},
};

static void test_patches(void **state)
{
    for (size_t i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
        const struct patch *p = &patches[i];
        uint8_t *f = copy();
        uint8_t *data = load_phdr(f, 1);
        uint64_t o = get(data + P_OFFSET, 8) % 4096;
        if (p->size == 0) /* entry at the data segment's first byte */
            put(f + E_ENTRY, 8, get(data + P_VADDR, 8));
        else
            put((p->phdr < 0 ? f : load_phdr(f, p->phdr)) + p->off, p->size,
                p->value + (p->plus_o ? o : 0));
        int r = parse(f, prog_len);
        if (r != p->err)
            fail_msg("%s: got %d (%s), want %d (%s)", p->what, r, elf_strerror(r), p->err,
                     elf_strerror(p->err));
        free(f);
    }
}

/* The data segment starts below the text and runs into it. */
static void test_overlap_from_below(void **state)
{
    uint8_t *f = copy();
    uint8_t *data = load_phdr(f, 1);
    uint64_t o = get(data + P_OFFSET, 8) % 4096;

    put(data + P_VADDR, 8, 0xe000 + o);
    put(data + P_MEMSZ, 8, 0x1000);
    assert_int_equal(parse(f, prog_len), ELF_ERR_OVERLAP);
    put(data + P_MEMSZ, 8, 0x1000 - o); /* ends exactly where the text starts */
    assert_int_equal(parse(f, prog_len), 0);
    free(f);
}

/* The program header table pushed to the last bytes of the file. */
static void test_phdr_past_end(void **state)
{
    uint8_t *f = copy();

    put(f + E_PHOFF, 8, prog_len - 56 * get(f + E_PHNUM, 2) + 1);
    assert_int_equal(parse(f, prog_len), ELF_ERR_PHDR);
    put(f + E_PHOFF, 8, prog_len);
    assert_int_equal(parse(f, prog_len), ELF_ERR_PHDR);
    free(f);
}

/* The data segment's file bytes run one byte past the file. */
static void test_segment_past_end(void **state)
{
    uint8_t *f = copy();
    uint8_t *ph = load_phdr(f, 1);
    uint64_t off = prog_len - 3; /* 4 bytes of .sdata would end at len + 1 */

    put(ph + P_OFFSET, 8, off);
    put(ph + P_VADDR, 8, 0x11000 + off % 4096);
    assert_int_equal(parse(f, prog_len), ELF_ERR_FILERANGE);
    put(ph + P_OFFSET, 8, off - 1);
    put(ph + P_VADDR, 8, 0x11000 + (off - 1) % 4096);
    assert_int_equal(parse(f, prog_len), 0);
    free(f);
}

/* Every prefix, in a buffer of exactly that size: it parses exactly when it
 * still holds the program headers and every segment's file bytes. */
static void test_truncated(void **state)
{
    struct elf_image img;
    assert_int_equal(elf_parse(prog, prog_len, MIN_VA, MAX_VA, &img), 0);
    size_t need = get(prog + E_PHOFF, 8) + 56 * get(prog + E_PHNUM, 2);

    for (int i = 0; i < img.nseg; i++)
        if (img.seg[i].offset + img.seg[i].filesz > need)
            need = img.seg[i].offset + img.seg[i].filesz;
    assert_true(need < prog_len); /* section headers follow */
    for (size_t len = 0; len <= prog_len; len++) {
        uint8_t *cut = malloc(len ? len : 1);
        assert_non_null(cut);
        memcpy(cut, prog, len);
        int r = parse(cut, len);
        if (len < 64)
            assert_int_equal(r, ELF_ERR_TRUNC);
        else if (len < need)
            assert_true(r == ELF_ERR_PHDR || r == ELF_ERR_FILERANGE);
        else
            assert_int_equal(r, 0);
        free(cut);
    }
}

/* A hand-made image with n PT_LOAD headers, one page each, one page apart. */
static size_t make_elf(uint8_t *f, int n, uint64_t memsz0)
{
    size_t len = 64 + 56 * (size_t)n;

    memset(f, 0, len);
    memcpy(f, "\177ELF\2\1\1", 7);
    put(f + E_TYPE, 2, 2);
    put(f + E_MACHINE, 2, 243);
    put(f + E_VERSION, 4, 1);
    put(f + E_ENTRY, 8, 0x10000);
    put(f + E_PHOFF, 8, 64);
    put(f + E_PHENTSIZE, 2, 56);
    put(f + E_PHNUM, 2, (uint64_t)n);
    for (int i = 0; i < n; i++) {
        uint8_t *ph = f + 64 + 56 * i;
        put(ph + P_TYPE, 4, 1);
        put(ph + P_FLAGS, 4, 5);
        put(ph + P_VADDR, 8, 0x10000 + 0x2000 * (uint64_t)i);
        put(ph + P_MEMSZ, 8, i == 0 ? memsz0 : 0x1000);
    }
    return len;
}

static void test_segment_count(void **state)
{
    uint8_t f[64 + 56 * 16];
    struct elf_image img;
    size_t len;

    len = make_elf(f, ELF_MAX_SEGMENTS, 0x1000);
    assert_int_equal(elf_parse(f, len, MIN_VA, MAX_VA, &img), 0);
    assert_int_equal(img.nseg, ELF_MAX_SEGMENTS);
    assert_int_equal(img.seg[ELF_MAX_SEGMENTS - 1].vaddr,
                     0x10000 + 0x2000 * (ELF_MAX_SEGMENTS - 1));
    assert_int_equal(img.seg[0].filesz, 0);
    assert_int_equal(img.seg[0].prot, CHIME_PROT_READ | CHIME_PROT_EXEC);
    len = make_elf(f, ELF_MAX_SEGMENTS + 1, 0x1000);
    assert_int_equal(elf_parse(f, len, MIN_VA, MAX_VA, &img), ELF_ERR_TOOMANY);
    /* Empty PT_LOADs are checked but not listed: the entry's segment is gone. */
    len = make_elf(f, 2, 0);
    assert_int_equal(elf_parse(f, len, MIN_VA, MAX_VA, &img), ELF_ERR_ENTRY);
    len = make_elf(f, 1, 0);
    assert_int_equal(elf_parse(f, len, MIN_VA, MAX_VA, &img), ELF_ERR_NOLOAD);
    /* A file too short for the ELF header. */
    assert_int_equal(elf_parse(f, 63, MIN_VA, MAX_VA, &img), ELF_ERR_TRUNC);
}

/* *out is left alone on failure. */
static void test_out_untouched(void **state)
{
    struct elf_image img, before;
    uint8_t *f = copy();

    memset(&img, 0xa5, sizeof(img));
    before = img;
    put(f + E_MACHINE, 2, 62);
    assert_int_equal(elf_parse(f, prog_len, MIN_VA, MAX_VA, &img), ELF_ERR_MACHINE);
    assert_memory_equal(&img, &before, sizeof(img));
    free(f);
}

static void test_strerror(void **state)
{
    for (int e = ELF_ERR_ENTRY; e <= ELF_ERR_TRUNC; e++) {
        const char *s = elf_strerror(e);
        assert_non_null(s);
        assert_string_not_equal(s, elf_strerror(1));
        for (int g = e + 1; g <= ELF_ERR_TRUNC; g++)
            assert_string_not_equal(s, elf_strerror(g));
    }
    assert_string_equal(elf_strerror(0), "success");
    assert_string_equal(elf_strerror(-100), "unknown ELF error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_min_va),
        cmocka_unit_test(test_max_va),
        cmocka_unit_test(test_patches),
        cmocka_unit_test(test_overlap_from_below),
        cmocka_unit_test(test_phdr_past_end),
        cmocka_unit_test(test_segment_past_end),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_segment_count),
        cmocka_unit_test(test_out_untouched),
        cmocka_unit_test(test_strerror),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
