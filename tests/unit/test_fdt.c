/* Tests for platform/riscv/fdt.c.
 *
 * argv[1], argv[2]: DTBs that QEMU dumped (dumpdtb) for virt,aclint=on with
 * -smp 1 and -smp 4, -m 256M, a virtio-blk disk, a 1000-byte initrd and
 * bootargs (see tests/unit/rules.mk). Other trees are compiled with dtc at
 * run time or built byte by byte below; malformed blobs are made by patching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <platform/fdt.h>

#define BOOTARGS "console=uart poweroff run=/bin/hello"

static const char *dtb_path[2];

struct blob {
    uint8_t *b;
    size_t len;
};

static struct blob load(const char *path)
{
    struct blob bl = {NULL, 0};
    FILE *f = fopen(path, "rb");

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    bl.b = malloc((size_t)n);
    assert_non_null(bl.b);
    assert_int_equal(fread(bl.b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    bl.len = (size_t)n;
    return bl;
}

/* The QEMU blob, cut to its totalsize so that patches of the header bite. */
static struct blob load_qemu(int smp4)
{
    struct blob bl = load(dtb_path[smp4]);
    uint32_t total = fdt_total_size(bl.b);

    assert_true(total >= 40 && total <= bl.len);
    bl.len = total;
    return bl;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Header fields, by byte offset. */
enum { H_TOTAL = 4, H_OFF_STRUCT = 8, H_OFF_STRINGS = 12, H_OFF_RSV = 16, H_VERSION = 20 };
enum { H_LAST_COMP = 24, H_SIZE_STRINGS = 32, H_SIZE_STRUCT = 36 };

/* Compile dts source with dtc into a blob. */
static struct blob from_dts(const char *dts)
{
    char src[] = "/tmp/chime-fdt-XXXXXX";
    char out[sizeof(src) + 4];
    char cmd[256];
    int fd = mkstemp(src);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, dts, strlen(dts)), (ssize_t)strlen(dts));
    close(fd);
    snprintf(out, sizeof(out), "%s.dtb", src);
    snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s %s", out, src);
    assert_int_equal(system(cmd), 0);
    struct blob bl = load(out);
    unlink(src);
    unlink(out);
    return bl;
}

/* Parse and expect an error: *m must come back zeroed. */
static int parse_err(const uint8_t *b, size_t len)
{
    static const struct fdt_machine zero;
    struct fdt_machine m;
    int r = fdt_parse(b, len, &m);

    assert_true(r < 0);
    assert_memory_equal(&m, &zero, sizeof(m));
    return r;
}

/* ---- the QEMU virt tree ------------------------------------------------ */

static void check_virt_common(const struct fdt_machine *m)
{
    assert_int_equal(m->nmem, 1);
    assert_int_equal(m->mem[0].base, 0x80000000);
    assert_int_equal(m->mem[0].size, 256 << 20);
    assert_int_equal(m->timebase_hz, 10000000);
    assert_int_equal(m->plic.base, 0xc000000);
    assert_int_equal(m->plic.size, 0x600000);
    assert_int_equal(m->plic_ndev, 0x60);
    assert_int_equal(m->sswi.base, 0x2f00000);
    assert_int_equal(m->sswi.size, 0x4000);
    assert_int_equal(m->uart.base, 0x10000000);
    assert_int_equal(m->uart.size, 0x100);
    assert_int_equal(m->uart_irq, 10);
    assert_int_equal(m->test.base, 0x100000);
    assert_int_equal(m->test.size, 0x1000);
    /* QEMU puts the initrd in RAM; rules.mk makes it 1000 bytes. */
    assert_true(m->initrd_start >= 0x80000000 && m->initrd_start < 0x90000000);
    assert_int_equal(m->initrd_end - m->initrd_start, 1000);
    assert_string_equal(m->bootargs, BOOTARGS);
    /* dumpdtb is QEMU's tree before OpenSBI adds /reserved-memory. */
    assert_int_equal(m->nreserved, 0);
}

static void test_virt_smp1(void **state)
{
    struct blob bl = load_qemu(0);
    struct fdt_machine m;

    assert_int_equal(fdt_parse(bl.b, bl.len, &m), 0);
    check_virt_common(&m);
    assert_int_equal(m.nharts, 1);
    assert_int_equal(m.hart[0], 0);
    free(bl.b);
}

static void test_virt_smp4(void **state)
{
    struct blob bl = load_qemu(1);
    struct fdt_machine m;

    assert_int_equal(fdt_parse(bl.b, bl.len, &m), 0);
    check_virt_common(&m);
    assert_int_equal(m.nharts, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(m.hart[i], i);
    free(bl.b);
}

/* The file QEMU writes is padded past totalsize: len may exceed it. */
static void test_virt_len_above_total(void **state)
{
    struct blob bl = load(dtb_path[0]);
    struct fdt_machine m;

    assert_true(bl.len > fdt_total_size(bl.b));
    assert_int_equal(fdt_parse(bl.b, bl.len, &m), 0);
    assert_int_equal(m.nharts, 1);
    free(bl.b);
}

static void test_virt_devices(void **state)
{
    struct blob bl = load_qemu(1);
    struct fdt_machine m;
    int rtc = 0, uart = 0, virtio = 0;
    uint32_t slots = 0;

    assert_int_equal(fdt_parse(bl.b, bl.len, &m), 0);
    assert_int_equal(m.ndev, 10);
    for (int i = 0; i < m.ndev; i++) {
        const struct fdt_device *d = &m.dev[i];
        if (strcmp(d->compatible, "google,goldfish-rtc") == 0) {
            assert_int_equal(d->base, 0x101000);
            assert_int_equal(d->irq, 11);
            rtc++;
        } else if (strcmp(d->compatible, "ns16550a") == 0) {
            assert_int_equal(d->base, 0x10000000);
            assert_int_equal(d->irq, 10);
            uart++;
        } else {
            assert_string_equal(d->compatible, "virtio,mmio");
            /* slot n (1..8) at 0x10000000 + n * 0x1000 with irq n */
            assert_int_equal(d->size, 0x1000);
            assert_int_equal(d->base, 0x10000000 + (uint64_t)d->irq * 0x1000);
            assert_true(d->irq >= 1 && d->irq <= 8);
            slots |= 1u << d->irq;
            virtio++;
        }
    }
    assert_int_equal(rtc, 1);
    assert_int_equal(uart, 1);
    assert_int_equal(virtio, 8);
    assert_int_equal(slots, 0x1fe);
    free(bl.b);
}

/* The first -device virtio-*-device (our disk) takes the last slot,
 * 0x10008000 irq 8, which QEMU lists first. */
static void test_virt_blk_slot(void **state)
{
    struct blob bl = load_qemu(0);
    struct fdt_machine m;
    int found = 0;

    assert_int_equal(fdt_parse(bl.b, bl.len, &m), 0);
    for (int i = 0; i < m.ndev; i++) {
        if (strcmp(m.dev[i].compatible, "virtio,mmio") == 0) {
            assert_int_equal(m.dev[i].base, 0x10008000);
            assert_int_equal(m.dev[i].irq, 8);
            found = 1;
            break;
        }
    }
    assert_true(found);
    free(bl.b);
}

static void test_total_size(void **state)
{
    struct blob bl = load_qemu(0);
    uint8_t junk[40] = {0};

    assert_int_equal(fdt_total_size(bl.b), get32(bl.b + H_TOTAL));
    assert_int_equal(fdt_total_size(junk), 0);
    free(bl.b);
}

/* ---- trees from dtc: the cases QEMU's tree does not cover -------------- */

static const char synth_dts[] =
    "/dts-v1/;\n"
    "/memreserve/ 0x90000000 0x2000;\n"
    "/memreserve/ 0x91000000 0x1000;\n"
    "/ {\n"
    "  #address-cells = <1>; #size-cells = <1>;\n"
    "  memory@40000000 { device_type = \"memory\";\n"
    "    reg = <0x40000000 0x1000000 0x60000000 0x2000000>; };\n"
    "  ram@70000000 { device_type = \"memory\"; reg = <0x70000000 0x100000>; };\n"
    "  memory@50000000 { device_type = \"memory\"; status = \"disabled\";\n"
    "    reg = <0x50000000 0x1000>; };\n"
    "  reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
    "    mmode_resv0@40000000 { reg = <0x0 0x40000000 0x0 0x80000>; };\n"
    "  };\n"
    "  chosen { bootargs = \"x\";\n"
    "    linux,initrd-start = /bits/ 64 <0x123456789000>;\n"
    "    linux,initrd-end = /bits/ 64 <0x123456789abc>; };\n"
    "  cpus { #address-cells = <1>; #size-cells = <0>;\n"
    "    cpu@0 { device_type = \"cpu\"; reg = <0>; status = \"okay\";\n"
    "      timebase-frequency = <1000000>; };\n"
    "    cpu@1 { device_type = \"cpu\"; reg = <1>; status = \"disabled\"; };\n"
    "    cpu@5 { device_type = \"cpu\"; reg = <5>; };\n"
    "    cpu-map { cluster0 { core0 { cpu = <0>; }; }; };\n"
    "  };\n"
    "  soc { #address-cells = <2>; #size-cells = <2>;\n"
    "    virtio_mmio@1000 { compatible = \"virtio,mmio\"; reg = <0 0x1000 0 0x200>;\n"
    "      status = \"disabled\"; interrupts = <3>; };\n"
    "    intc@c000000 { compatible = \"riscv,plic0\"; reg = <0 0xc000000 0 0x4000000>;\n"
    "      riscv,ndev = <31>; };\n"
    "    test@100000 { compatible = \"sifive,test0\"; reg = <0 0x100000 0 0x1000>; };\n"
    "    bus { #address-cells = <1>;\n" /* #size-cells absent: 1 */
    "      rtc@4000 { compatible = \"google,goldfish-rtc\"; reg = <0x4000 0x100>; }; };\n"
    "    serial@3000 { compatible = \"ns16550a\"; reg = <0 0x3000 0 0x100>;\n"
    "      interrupts = <7 1>; };\n"
    "  };\n"
    "};\n";

static void test_synth(void **state)
{
    struct blob bl = from_dts(synth_dts);
    struct fdt_machine m;

    assert_int_equal(fdt_parse(bl.b, bl.len, &m), 0);
    /* Two entries in one reg, 1+1 cells; another node found by device_type;
     * the disabled one skipped. */
    assert_int_equal(m.nmem, 3);
    assert_int_equal(m.mem[0].base, 0x40000000);
    assert_int_equal(m.mem[0].size, 0x1000000);
    assert_int_equal(m.mem[1].base, 0x60000000);
    assert_int_equal(m.mem[1].size, 0x2000000);
    assert_int_equal(m.mem[2].base, 0x70000000);
    /* memreserve block first, then /reserved-memory children. */
    assert_int_equal(m.nreserved, 3);
    assert_int_equal(m.reserved[0].base, 0x90000000);
    assert_int_equal(m.reserved[0].size, 0x2000);
    assert_int_equal(m.reserved[1].base, 0x91000000);
    assert_int_equal(m.reserved[2].base, 0x40000000);
    assert_int_equal(m.reserved[2].size, 0x80000);
    /* 64-bit initrd cells. */
    assert_int_equal(m.initrd_start, 0x123456789000ull);
    assert_int_equal(m.initrd_end, 0x123456789abcull);
    assert_string_equal(m.bootargs, "x");
    /* The disabled cpu is skipped; timebase from a cpu node when /cpus lacks it. */
    assert_int_equal(m.nharts, 2);
    assert_int_equal(m.hart[0], 0);
    assert_int_equal(m.hart[1], 5);
    assert_int_equal(m.timebase_hz, 1000000);
    assert_int_equal(m.plic.base, 0xc000000);
    assert_int_equal(m.plic.size, 0x4000000);
    assert_int_equal(m.plic_ndev, 31);
    assert_int_equal(m.test.base, 0x100000);
    assert_int_equal(m.uart.base, 0x3000);
    assert_int_equal(m.uart_irq, 7);
    /* No SSWI in this tree; the disabled virtio slot is not handed out. */
    assert_int_equal(m.sswi.size, 0);
    assert_int_equal(m.ndev, 2); /* blob order */
    assert_string_equal(m.dev[0].compatible, "google,goldfish-rtc");
    assert_int_equal(m.dev[0].base, 0x4000);
    assert_int_equal(m.dev[0].size, 0x100);
    assert_int_equal(m.dev[0].irq, 0);
    assert_string_equal(m.dev[1].compatible, "ns16550a");
    free(bl.b);
}

/* Overflowing tables keep their first entries; long strings are cut. */
static void test_synth_overflow(void **state)
{
    char dts[8192];
    size_t n = 0;
    struct fdt_machine m;

    n += (size_t)snprintf(dts + n, sizeof(dts) - n,
                          "/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>;\n"
                          "chosen { bootargs = \"");
    for (int i = 0; i < 300; i++)
        dts[n++] = (char)('a' + i % 26);
    n += (size_t)snprintf(dts + n, sizeof(dts) - n, "\"; };\n");
    n += (size_t)snprintf(dts + n, sizeof(dts) - n,
                          "cpus { #address-cells = <1>; #size-cells = <0>;\n");
    for (int i = 0; i < 12; i++)
        n += (size_t)snprintf(dts + n, sizeof(dts) - n,
                              "cpu@%d { device_type = \"cpu\"; reg = <%d>; };\n", i, i);
    n += (size_t)snprintf(dts + n, sizeof(dts) - n, "};\n");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(dts + n, sizeof(dts) - n,
                              "v@%x { compatible = \"virtio,mmio\"; reg = <0 0x%x 0 0x1000>;"
                              " interrupts = <%d>; };\n",
                              (i + 1) * 0x1000, (i + 1) * 0x1000, i + 1);
    n += (size_t)snprintf(dts + n, sizeof(dts) - n,
                          "d { compatible = \"a-very-long-vendor-name,goldfish\","
                          " \"google,goldfish-rtc\"; reg = <0 0x101000 0 0x1000>; }; };\n");
    assert_true(n < sizeof(dts));
    struct blob bl = from_dts(dts);
    assert_int_equal(fdt_parse(bl.b, bl.len, &m), 0);
    assert_int_equal(strlen(m.bootargs), sizeof(m.bootargs) - 1);
    assert_memory_equal(m.bootargs, "abcdefghijklmnopqrstuvwxyzabc", 29);
    assert_int_equal(m.nharts, FDT_MAX_HARTS);
    assert_int_equal(m.hart[FDT_MAX_HARTS - 1], FDT_MAX_HARTS - 1);
    assert_int_equal(m.ndev, FDT_MAX_DEVICES);
    for (int i = 0; i < FDT_MAX_DEVICES; i++)
        assert_int_equal(m.dev[i].irq, i + 1);
    free(bl.b);

    /* Within the table: the compatible string is cut to FDT_COMPAT_LEN - 1. */
    bl = from_dts("/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>;\n"
                  "d { compatible = \"a-very-long-vendor-name,goldfish-device\","
                  " \"google,goldfish-rtc\"; reg = <0 0x101000 0 0x1000>; }; };\n");
    assert_int_equal(fdt_parse(bl.b, bl.len, &m), 0);
    assert_int_equal(m.ndev, 1);
    assert_string_equal(m.dev[0].compatible, "a-very-long-vendor-name,goldfis");
    free(bl.b);
}

/* ---- a byte-level builder for trees dtc refuses to write --------------- */

struct builder {
    uint8_t st[2048];
    size_t nst;
    char str[256];
    size_t nstr;
};

static void b_tok(struct builder *b, uint32_t v)
{
    assert_true(b->nst + 4 <= sizeof(b->st));
    put32(b->st + b->nst, v);
    b->nst += 4;
}

static void b_node(struct builder *b, const char *name)
{
    size_t n = strlen(name) + 1;

    b_tok(b, 1);
    memcpy(b->st + b->nst, name, n);
    b->nst = (b->nst + n + 3) & ~(size_t)3;
}

static void b_prop32(struct builder *b, const char *name, uint32_t v)
{
    size_t n = strlen(name) + 1;

    b_tok(b, 3);
    b_tok(b, 4);
    b_tok(b, (uint32_t)b->nstr);
    b_tok(b, v);
    memcpy(b->str + b->nstr, name, n);
    b->nstr += n;
}

/* Header (version 17), empty memreserve block, strings, then the structure
 * block last, so that a read past it leaves the blob. */
static size_t b_finish(const struct builder *b, uint8_t *out)
{
    size_t off_str = 56, off_st = (off_str + b->nstr + 3) & ~(size_t)3, total = off_st + b->nst;

    memset(out, 0, total);
    put32(out, 0xd00dfeed);
    put32(out + H_TOTAL, (uint32_t)total);
    put32(out + H_OFF_STRUCT, (uint32_t)off_st);
    put32(out + H_OFF_STRINGS, (uint32_t)off_str);
    put32(out + H_OFF_RSV, 40);
    put32(out + H_VERSION, 17);
    put32(out + H_LAST_COMP, 16);
    put32(out + H_SIZE_STRINGS, (uint32_t)b->nstr);
    put32(out + H_SIZE_STRUCT, (uint32_t)b->nst);
    memcpy(out + off_st, b->st, b->nst);
    memcpy(out + off_str, b->str, b->nstr);
    return total;
}

/* A tree nested depth levels below the root. */
static size_t nested(int depth, uint8_t *out)
{
    struct builder b = {0};

    b_node(&b, "");
    for (int i = 0; i < depth; i++)
        b_node(&b, "n");
    for (int i = 0; i <= depth; i++)
        b_tok(&b, 2);
    b_tok(&b, 9);
    return b_finish(&b, out);
}

static void test_builder_nesting(void **state)
{
    uint8_t blob[4096];
    struct fdt_machine m;

    size_t len = nested(10, blob);
    assert_int_equal(fdt_parse(blob, len, &m), 0);
    len = nested(40, blob);
    assert_int_equal(parse_err(blob, len), FDT_ERR_STRUCT);
}

static void test_builder_structure(void **state)
{
    uint8_t blob[4096];
    struct fdt_machine m;
    struct builder b = {0};
    size_t len;

    /* Well formed: a property, a child, NOPs anywhere. */
    b_node(&b, "");
    b_tok(&b, 4);
    b_prop32(&b, "#size-cells", 1);
    b_node(&b, "child");
    b_tok(&b, 2);
    b_tok(&b, 2);
    b_tok(&b, 4);
    b_tok(&b, 9);
    len = b_finish(&b, blob);
    assert_int_equal(fdt_parse(blob, len, &m), 0);

    /* A property after a child node. */
    b = (struct builder){0};
    b_node(&b, "");
    b_node(&b, "child");
    b_tok(&b, 2);
    b_prop32(&b, "late", 1);
    b_tok(&b, 2);
    b_tok(&b, 9);
    len = b_finish(&b, blob);
    assert_int_equal(parse_err(blob, len), FDT_ERR_STRUCT);

    /* Two roots. */
    b = (struct builder){0};
    b_node(&b, "");
    b_tok(&b, 2);
    b_node(&b, "");
    b_tok(&b, 2);
    b_tok(&b, 9);
    len = b_finish(&b, blob);
    assert_int_equal(parse_err(blob, len), FDT_ERR_STRUCT);

    /* A property outside any node. */
    b = (struct builder){0};
    b_prop32(&b, "stray", 1);
    b_node(&b, "");
    b_tok(&b, 2);
    b_tok(&b, 9);
    len = b_finish(&b, blob);
    assert_int_equal(parse_err(blob, len), FDT_ERR_STRUCT);

    /* FDT_END while the root is open; no root at all. */
    b = (struct builder){0};
    b_node(&b, "");
    b_tok(&b, 9);
    len = b_finish(&b, blob);
    assert_int_equal(parse_err(blob, len), FDT_ERR_STRUCT);
    b = (struct builder){0};
    b_tok(&b, 9);
    len = b_finish(&b, blob);
    assert_int_equal(parse_err(blob, len), FDT_ERR_STRUCT);

    /* A node name that runs to the end of the block without a NUL. */
    b = (struct builder){0};
    b_node(&b, "");
    b_tok(&b, 1);
    memcpy(b.st + b.nst, "chos", 4);
    b.nst += 4;
    len = b_finish(&b, blob);
    uint8_t *exact = malloc(len);
    assert_non_null(exact);
    memcpy(exact, blob, len);
    assert_int_equal(parse_err(exact, len), FDT_ERR_STRUCT);
    free(exact);

    /* /chosen bootargs whose length runs 4 bytes past the structure block,
     * the last thing in a buffer of exactly its size: the unit tests run
     * under ASan, which aborts on any read past it. */
    b = (struct builder){0};
    b_node(&b, "");
    b_node(&b, "chosen");
    b_prop32(&b, "bootargs", 0x41414141);
    put32(b.st + b.nst - 12, 8); /* length 8, 4 bytes present */
    len = b_finish(&b, blob);
    exact = malloc(len);
    assert_non_null(exact);
    memcpy(exact, blob, len);
    assert_int_equal(parse_err(exact, len), FDT_ERR_STRUCT);
    free(exact);

    /* A property name whose string lacks its NUL inside the strings block. */
    b = (struct builder){0};
    b_node(&b, "");
    b_prop32(&b, "abc", 1);
    b_tok(&b, 2);
    b_tok(&b, 9);
    b.nstr--; /* drop the NUL */
    len = b_finish(&b, blob);
    assert_int_equal(parse_err(blob, len), FDT_ERR_STRUCT);
}

/* ---- malformed QEMU blobs ------------------------------------------------ */

static void test_truncated(void **state)
{
    struct blob bl = load_qemu(1);

    /* Copy the prefix to a buffer of exactly that size, so a read past len
     * is a heap overflow that valgrind or ASan reports. */
    for (size_t len = 0; len < bl.len; len++) {
        uint8_t *cut = malloc(len ? len : 1);
        assert_non_null(cut);
        memcpy(cut, bl.b, len);
        assert_int_equal(parse_err(cut, len), FDT_ERR_TRUNC);
        free(cut);
    }
    free(bl.b);
}

static void test_bad_header(void **state)
{
    struct blob bl = load_qemu(0);
    uint8_t *b = bl.b;
    uint32_t saved;

#define WITH(field, value, err)                                                                    \
    do {                                                                                           \
        saved = get32(b + (field));                                                                \
        put32(b + (field), (value));                                                               \
        assert_int_equal(parse_err(b, bl.len), (err));                                             \
        put32(b + (field), saved);                                                                 \
    } while (0)

    WITH(0, 0xd00dfeee, FDT_ERR_MAGIC);
    WITH(0, 0xedfe0dd0, FDT_ERR_MAGIC);
    WITH(H_TOTAL, (uint32_t)bl.len + 1, FDT_ERR_TRUNC);
    WITH(H_TOTAL, 0xffffffff, FDT_ERR_TRUNC);
    WITH(H_TOTAL, 39, FDT_ERR_TRUNC);
    WITH(H_VERSION, 16, FDT_ERR_VERSION);
    WITH(H_LAST_COMP, 18, FDT_ERR_VERSION);
    WITH(H_OFF_STRUCT, (uint32_t)bl.len, FDT_ERR_TRUNC);
    WITH(H_OFF_STRUCT, 0xfffffffc, FDT_ERR_TRUNC);
    WITH(H_OFF_STRINGS, 0xffffffff, FDT_ERR_TRUNC);
    WITH(H_OFF_RSV, (uint32_t)bl.len - 8, FDT_ERR_TRUNC);
    WITH(H_OFF_RSV, 0xfffffff8, FDT_ERR_TRUNC);
    WITH(H_SIZE_STRUCT, 0xffffffff, FDT_ERR_TRUNC);
    WITH(H_SIZE_STRINGS, (uint32_t)bl.len, FDT_ERR_TRUNC);
    WITH(H_OFF_STRUCT, get32(b + H_OFF_STRUCT) + 2, FDT_ERR_STRUCT);
    WITH(H_OFF_STRUCT, 0, FDT_ERR_STRUCT);
#undef WITH
    /* Untouched, it still parses (the patches were undone). */
    struct fdt_machine m;
    assert_int_equal(fdt_parse(b, bl.len, &m), 0);
    free(bl.b);
}

/* A structure block cut anywhere loses FDT_END: always FDT_ERR_STRUCT. */
static void test_struct_cut(void **state)
{
    struct blob bl = load_qemu(0);
    uint32_t size = get32(bl.b + H_SIZE_STRUCT);

    for (uint32_t s = 0; s < size; s++) {
        put32(bl.b + H_SIZE_STRUCT, s);
        assert_int_equal(parse_err(bl.b, bl.len), FDT_ERR_STRUCT);
    }
    free(bl.b);
}

/* Offset of the n-th PROP token in the structure block, walking tokens. */
static uint32_t find_prop(const uint8_t *b, int n)
{
    const uint8_t *st = b + get32(b + H_OFF_STRUCT);
    uint32_t pos = 0;

    for (;;) {
        uint32_t tok = get32(st + pos);
        if (tok == 1) {
            pos += 4 + (uint32_t)((strlen((const char *)st + pos + 4) + 1 + 3) & ~3u);
        } else if (tok == 3) {
            if (n-- == 0)
                return get32(b + H_OFF_STRUCT) + pos;
            pos += 12 + ((get32(st + pos + 4) + 3) & ~3u);
        } else {
            assert_true(tok != 9);
            pos += 4;
        }
    }
}

static void test_bad_tokens(void **state)
{
    struct blob bl = load_qemu(0);
    uint8_t *b = bl.b;
    uint32_t st = get32(b + H_OFF_STRUCT), size = get32(b + H_SIZE_STRUCT);
    uint32_t strsize = get32(b + H_SIZE_STRINGS);
    uint32_t p = find_prop(b, 3), saved;

#define WITH(off, value)                                                                           \
    do {                                                                                           \
        saved = get32(b + (off));                                                                  \
        put32(b + (off), (value));                                                                 \
        assert_int_equal(parse_err(b, bl.len), FDT_ERR_STRUCT);                                    \
        put32(b + (off), saved);                                                                   \
    } while (0)

    WITH(st, 5);             /* unknown token first */
    WITH(st, 2);             /* END_NODE before any node */
    WITH(st, 9);             /* END before the root */
    WITH(p, 0x7);            /* unknown token mid-block */
    WITH(p + 4, 0xffffffff); /* property length past the block */
    WITH(p + 4, size);       /* same, smaller */
    WITH(p + 8, strsize);    /* name offset at the end of strings */
    WITH(p + 8, 0xfffffffc); /* name offset far outside */
    WITH(st + size - 4, 4);  /* FDT_END turned into a NOP */
    WITH(st + size - 8, 4);  /* root's END_NODE turned into a NOP */
    WITH(st + size - 4, 2);  /* one END_NODE too many */
#undef WITH
    struct fdt_machine m;
    assert_int_equal(fdt_parse(b, bl.len, &m), 0);
    free(bl.b);
}

/* Every single-byte corruption of the blob, and random multi-byte ones:
 * parse returns 0 or an error and never reads outside the blob (run under
 * valgrind to see the latter). */
static void test_corruption_sweep(void **state)
{
    struct blob bl = load_qemu(0);
    uint8_t *copy = malloc(bl.len);
    struct fdt_machine m;
    int errors = 0;

    assert_non_null(copy);
    for (size_t i = 0; i < bl.len; i++) {
        memcpy(copy, bl.b, bl.len);
        copy[i] ^= 0xff;
        int r = fdt_parse(copy, bl.len, &m);
        assert_true(r == 0 || r == FDT_ERR_MAGIC || r == FDT_ERR_TRUNC || r == FDT_ERR_VERSION ||
                    r == FDT_ERR_STRUCT);
        errors += r != 0;
    }
    /* Flipping a header or token byte must be caught. */
    assert_true(errors > 40);
    srand(1);
    for (int k = 0; k < 3000; k++) {
        memcpy(copy, bl.b, bl.len);
        for (int j = 0; j < 4; j++)
            copy[(size_t)rand() % bl.len] = (uint8_t)rand();
        int r = fdt_parse(copy, bl.len, &m);
        assert_true(r <= 0 && r >= FDT_ERR_STRUCT);
    }
    free(copy);
    free(bl.b);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_virt_smp1),
        cmocka_unit_test(test_virt_smp4),
        cmocka_unit_test(test_virt_len_above_total),
        cmocka_unit_test(test_virt_devices),
        cmocka_unit_test(test_virt_blk_slot),
        cmocka_unit_test(test_total_size),
        cmocka_unit_test(test_synth),
        cmocka_unit_test(test_synth_overflow),
        cmocka_unit_test(test_builder_nesting),
        cmocka_unit_test(test_builder_structure),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_struct_cut),
        cmocka_unit_test(test_bad_tokens),
        cmocka_unit_test(test_corruption_sweep),
    };

    if (argc != 3) {
        fprintf(stderr, "usage: %s virt-smp1.dtb virt-smp4.dtb\n", argv[0]);
        return 2;
    }
    dtb_path[0] = argv[1];
    dtb_path[1] = argv[2];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
