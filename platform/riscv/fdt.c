/* Flattened device tree reader (devicetree spec v0.4, chapter 5).
 *
 * The blob is untrusted input: every field is read byte by byte in big-endian
 * order after a bounds check against the header's totalsize (itself checked
 * against len), so a malformed blob yields an error, never a read outside
 * [blob, blob + len).
 *
 * One pass over the structure block. A node's properties precede its
 * children (the spec requires it; we reject blobs that break it), so the
 * #address-cells/#size-cells that a node's "reg" needs are known before the
 * node starts. A node is interpreted at its END_NODE, once all its
 * properties (which come in any order) have been seen. */
#include "fdt.h"

#include <stdbool.h>
#include <string.h>

#define FDT_MAGIC         0xd00dfeedu
#define FDT_HEADER_SIZE   40u
#define FDT_VERSION_MIN   17u /* size_dt_struct first appears in version 17 */
#define FDT_LAST_COMP_MAX 17u
#define FDT_MAX_DEPTH     12 /* QEMU virt nests 5 deep */
#define FDT_RSV_ENTRY     16u

#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u

struct fdt_header {
    uint32_t totalsize;
    uint32_t off_struct;
    uint32_t off_strings;
    uint32_t off_rsvmap;
    uint32_t version;
    uint32_t last_comp;
    uint32_t size_strings;
    uint32_t size_struct;
};

/* Where a node sits, as far as Chime cares. */
enum fdt_kind {
    KIND_OTHER,
    KIND_ROOT,
    KIND_MEMORY, /* /memory or /memory@... */
    KIND_CPUS,   /* /cpus */
    KIND_CPU,    /* /cpus/<any>; confirmed by device_type = "cpu" */
    KIND_CHOSEN, /* /chosen */
    KIND_RESMEM, /* /reserved-memory */
    KIND_RESV,   /* /reserved-memory/<any> */
};

/* A property value inside the blob (len 0 and val NULL when absent). */
struct fdt_prop {
    const uint8_t *val;
    uint32_t len;
};

/* State of one open node. */
struct fdt_node {
    enum fdt_kind kind;
    uint32_t addr_cells; /* this node's #address-cells, for its children */
    uint32_t size_cells;
    bool has_child;
    struct fdt_prop compat, reg, irq, status, devtype, ndev;
};

struct fdt_blocks {
    const uint8_t *st; /* structure block */
    uint32_t st_size;
    const uint8_t *str; /* strings block */
    uint32_t str_size;
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* A 1- or 2-cell number (4 or 8 bytes); 0 for other lengths. */
static uint64_t prop_num(const struct fdt_prop *p)
{
    if (p->len == 4)
        return be32(p->val);
    if (p->len == 8)
        return be64(p->val);
    return 0;
}

/* Whether value v (len bytes) is the string s, with or without its NUL. */
static bool prop_str_is(const uint8_t *v, uint32_t len, const char *s)
{
    size_t n = strlen(s);

    if (len < n || memcmp(v, s, n) != 0)
        return false;
    return len == n || (len == n + 1 && v[n] == '\0');
}

/* Whether the string list (a "compatible" value) contains s. */
static bool prop_list_has(const struct fdt_prop *p, const char *s)
{
    uint32_t i = 0;

    while (i < p->len) {
        uint32_t n = 0;
        while (i + n < p->len && p->val[i + n] != '\0')
            n++;
        if (prop_str_is(p->val + i, n, s))
            return true;
        i += n + 1;
    }
    return false;
}

/* Whether the string list contains an entry ending with suffix. */
static bool prop_list_has_suffix(const struct fdt_prop *p, const char *suffix)
{
    size_t sn = strlen(suffix);
    uint32_t i = 0;

    while (i < p->len) {
        uint32_t n = 0;
        while (i + n < p->len && p->val[i + n] != '\0')
            n++;
        if (n >= sn && memcmp(p->val + i + n - sn, suffix, sn) == 0)
            return true;
        i += n + 1;
    }
    return false;
}

/* Whether a node name (n bytes, no NUL) is base, with or without "@unit". */
static bool name_base_is(const char *name, size_t n, const char *base)
{
    size_t bn = strlen(base);

    if (n < bn || memcmp(name, base, bn) != 0)
        return false;
    return n == bn || name[bn] == '@';
}

/* Entry i of a "reg" property, read with the parent's cell sizes.
 * Returns false when there is no such entry or the cells are unusable
 * (zero address cells, or more than 64 bits per number). */
static bool reg_entry(const struct fdt_prop *reg, const struct fdt_node *parent, uint32_t i,
                      uint64_t *base, uint64_t *size)
{
    uint32_t ac = parent->addr_cells, sc = parent->size_cells;
    uint64_t stride = (uint64_t)(ac + sc) * 4;

    if (ac == 0 || ac > 2 || sc > 2 || (uint64_t)(i + 1) * stride > reg->len)
        return false;
    const uint8_t *p = reg->val + i * stride;
    *base = ac == 2 ? be64(p) : be32(p);
    p += ac * 4;
    *size = sc == 2 ? be64(p) : sc == 1 ? be32(p) : 0;
    return true;
}

static void add_region(struct fdt_region *tab, int *n, int max, uint64_t base, uint64_t size)
{
    if (*n >= max)
        return;
    tab[*n].base = base;
    tab[*n].size = size;
    (*n)++;
}

/* Every reg entry of node nd into tab. */
static void add_reg_regions(const struct fdt_node *nd, const struct fdt_node *parent,
                            struct fdt_region *tab, int *n, int max)
{
    uint64_t base, size;

    for (uint32_t i = 0; reg_entry(&nd->reg, parent, i, &base, &size); i++)
        add_region(tab, n, max, base, size);
}

static void add_device(struct fdt_machine *m, const struct fdt_node *nd, uint64_t base,
                       uint64_t size)
{
    struct fdt_device *d;
    uint32_t n = 0;

    if (m->ndev >= FDT_MAX_DEVICES)
        return;
    d = &m->dev[m->ndev++];
    while (n < nd->compat.len && n < FDT_COMPAT_LEN - 1 && nd->compat.val[n] != '\0')
        n++;
    memcpy(d->compatible, nd->compat.val, n);
    d->compatible[n] = '\0';
    d->base = base;
    d->size = size;
    d->irq = nd->irq.len >= 4 ? be32(nd->irq.val) : 0;
}

/* Devices recognised by their "compatible" string. */
static void node_end_compat(struct fdt_machine *m, const struct fdt_node *nd,
                            const struct fdt_node *parent)
{
    const struct fdt_prop *c = &nd->compat;
    uint64_t base, size;

    if (!reg_entry(&nd->reg, parent, 0, &base, &size))
        return;
    if ((prop_list_has(c, "riscv,plic0") || prop_list_has_suffix(c, ",plic-1.0.0")) &&
        m->plic.size == 0) {
        m->plic.base = base;
        m->plic.size = size;
        m->plic_ndev = nd->ndev.len == 4 ? be32(nd->ndev.val) : 0;
    }
    if (prop_list_has(c, "riscv,aclint-sswi") && m->sswi.size == 0) {
        m->sswi.base = base;
        m->sswi.size = size;
    }
    if ((prop_list_has(c, "sifive,test0") || prop_list_has(c, "sifive,test1")) &&
        m->test.size == 0) {
        m->test.base = base;
        m->test.size = size;
    }
    if (prop_list_has(c, "ns16550a") && m->uart.size == 0) {
        m->uart.base = base;
        m->uart.size = size;
        m->uart_irq = nd->irq.len >= 4 ? be32(nd->irq.val) : 0;
    }
    if (prop_list_has(c, "ns16550a") || prop_list_has(c, "google,goldfish-rtc") ||
        prop_list_has(c, "virtio,mmio"))
        add_device(m, nd, base, size);
}

/* Interpret node stack[d] now that all its properties are known. */
static void node_end(struct fdt_machine *m, const struct fdt_node *stack, int d)
{
    const struct fdt_node *nd = &stack[d];
    const struct fdt_node *parent = d > 0 ? &stack[d - 1] : NULL;
    uint64_t base, size;

    if (parent == NULL)
        return;
    /* "okay" is the spec's word, "ok" the older one; absent means enabled. */
    if (nd->status.len != 0 && !prop_str_is(nd->status.val, nd->status.len, "okay") &&
        !prop_str_is(nd->status.val, nd->status.len, "ok"))
        return;
    if (parent->kind == KIND_ROOT &&
        (nd->kind == KIND_MEMORY || prop_str_is(nd->devtype.val, nd->devtype.len, "memory")))
        add_reg_regions(nd, parent, m->mem, &m->nmem, FDT_MAX_MEM);
    if (nd->kind == KIND_RESV)
        add_reg_regions(nd, parent, m->reserved, &m->nreserved, FDT_MAX_RESERVED);
    if (nd->kind == KIND_CPU && prop_str_is(nd->devtype.val, nd->devtype.len, "cpu") &&
        reg_entry(&nd->reg, parent, 0, &base, &size) && m->nharts < FDT_MAX_HARTS)
        m->hart[m->nharts++] = (uint32_t)base;
    if (nd->compat.len != 0)
        node_end_compat(m, nd, parent);
}

/* Open a node named name (n bytes) below parent (NULL for the root). */
static void node_begin(struct fdt_node *nd, const struct fdt_node *parent, const char *name,
                       size_t n)
{
    memset(nd, 0, sizeof(*nd));
    nd->addr_cells = 2; /* spec defaults when the property is absent */
    nd->size_cells = 1;
    nd->kind = KIND_OTHER;
    if (parent == NULL) {
        nd->kind = KIND_ROOT;
    } else if (parent->kind == KIND_ROOT) {
        if (name_base_is(name, n, "cpus"))
            nd->kind = KIND_CPUS;
        else if (name_base_is(name, n, "chosen"))
            nd->kind = KIND_CHOSEN;
        else if (name_base_is(name, n, "reserved-memory"))
            nd->kind = KIND_RESMEM;
        else if (name_base_is(name, n, "memory"))
            nd->kind = KIND_MEMORY;
    } else if (parent->kind == KIND_CPUS) {
        nd->kind = KIND_CPU;
    } else if (parent->kind == KIND_RESMEM) {
        nd->kind = KIND_RESV;
    }
}

static void chosen_prop(struct fdt_machine *m, const char *name, const struct fdt_prop *p)
{
    if (strcmp(name, "bootargs") == 0) {
        uint32_t n = 0;
        while (n < p->len && n < sizeof(m->bootargs) - 1 && p->val[n] != '\0')
            n++;
        memcpy(m->bootargs, p->val, n);
        m->bootargs[n] = '\0';
    } else if (strcmp(name, "linux,initrd-start") == 0) {
        m->initrd_start = prop_num(p);
    } else if (strcmp(name, "linux,initrd-end") == 0) {
        m->initrd_end = prop_num(p);
    }
}

/* Record property name = p of node nd. name is NUL-terminated (checked). */
static void node_prop(struct fdt_machine *m, struct fdt_node *nd, const char *name,
                      const struct fdt_prop *p)
{
    if (strcmp(name, "#address-cells") == 0 && p->len == 4)
        nd->addr_cells = be32(p->val);
    else if (strcmp(name, "#size-cells") == 0 && p->len == 4)
        nd->size_cells = be32(p->val);
    else if (strcmp(name, "compatible") == 0)
        nd->compat = *p;
    else if (strcmp(name, "reg") == 0)
        nd->reg = *p;
    else if (strcmp(name, "interrupts") == 0)
        nd->irq = *p;
    else if (strcmp(name, "status") == 0)
        nd->status = *p;
    else if (strcmp(name, "device_type") == 0)
        nd->devtype = *p;
    else if (strcmp(name, "riscv,ndev") == 0)
        nd->ndev = *p;
    else if (strcmp(name, "timebase-frequency") == 0) {
        /* /cpus normally has it; a cpu node's copy is the fallback. */
        if (nd->kind == KIND_CPUS || (nd->kind == KIND_CPU && m->timebase_hz == 0))
            m->timebase_hz = prop_num(p);
    } else if (nd->kind == KIND_CHOSEN) {
        chosen_prop(m, name, p);
    }
}

/* Read a PROP token's body at *pos (just past the token): bounds-checks the
 * value and the name offset, then records it. */
static int walk_prop(struct fdt_machine *m, const struct fdt_blocks *bk, uint64_t *pos,
                     struct fdt_node *nd)
{
    struct fdt_prop p;
    uint32_t nameoff;

    if (*pos + 8 > bk->st_size)
        return FDT_ERR_STRUCT;
    p.len = be32(bk->st + *pos);
    nameoff = be32(bk->st + *pos + 4);
    *pos += 8;
    if (p.len > bk->st_size - *pos)
        return FDT_ERR_STRUCT;
    p.val = bk->st + *pos;
    if (nameoff >= bk->str_size || memchr(bk->str + nameoff, '\0', bk->str_size - nameoff) == NULL)
        return FDT_ERR_STRUCT;
    *pos = (*pos + p.len + 3) & ~(uint64_t)3;
    node_prop(m, nd, (const char *)bk->str + nameoff, &p);
    return 0;
}

/* Walk the structure block: one root node, then FDT_END. */
static int walk(struct fdt_machine *m, const struct fdt_blocks *bk)
{
    struct fdt_node stack[FDT_MAX_DEPTH];
    int depth = -1; /* index of the open node; -1 outside the root */
    bool root_done = false;
    uint64_t pos = 0;

    for (;;) {
        if (pos + 4 > bk->st_size)
            return FDT_ERR_STRUCT; /* ran off the block without FDT_END */
        uint32_t tok = be32(bk->st + pos);
        pos += 4;
        switch (tok) {
        case FDT_BEGIN_NODE: {
            const char *name = (const char *)bk->st + pos;
            const char *nul = memchr(name, '\0', bk->st_size - pos);
            if (nul == NULL || root_done || depth + 1 >= FDT_MAX_DEPTH)
                return FDT_ERR_STRUCT;
            if (depth >= 0)
                stack[depth].has_child = true;
            depth++;
            node_begin(&stack[depth], depth > 0 ? &stack[depth - 1] : NULL, name,
                       (size_t)(nul - name));
            pos = (pos + (uint64_t)(nul - name) + 1 + 3) & ~(uint64_t)3;
            break;
        }
        case FDT_END_NODE:
            if (depth < 0)
                return FDT_ERR_STRUCT;
            node_end(m, stack, depth);
            depth--;
            root_done = depth < 0;
            break;
        case FDT_PROP: {
            if (depth < 0 || stack[depth].has_child)
                return FDT_ERR_STRUCT;
            int err = walk_prop(m, bk, &pos, &stack[depth]);
            if (err != 0)
                return err;
            break;
        }
        case FDT_NOP:
            break;
        case FDT_END:
            return root_done ? 0 : FDT_ERR_STRUCT;
        default:
            return FDT_ERR_STRUCT;
        }
    }
}

/* The memory reservation block: (address, size) pairs ending with (0, 0). */
static int read_rsvmap(struct fdt_machine *m, const uint8_t *b, const struct fdt_header *h)
{
    for (uint64_t off = h->off_rsvmap;; off += FDT_RSV_ENTRY) {
        if (off + FDT_RSV_ENTRY > h->totalsize)
            return FDT_ERR_TRUNC;
        uint64_t base = be64(b + off), size = be64(b + off + 8);
        if (base == 0 && size == 0)
            return 0;
        add_region(m->reserved, &m->nreserved, FDT_MAX_RESERVED, base, size);
    }
}

static int read_header(const uint8_t *b, size_t len, struct fdt_header *h)
{
    if (len < 4)
        return FDT_ERR_TRUNC;
    if (be32(b) != FDT_MAGIC)
        return FDT_ERR_MAGIC;
    if (len < FDT_HEADER_SIZE)
        return FDT_ERR_TRUNC;
    h->totalsize = be32(b + 4);
    h->off_struct = be32(b + 8);
    h->off_strings = be32(b + 12);
    h->off_rsvmap = be32(b + 16);
    h->version = be32(b + 20);
    h->last_comp = be32(b + 24);
    h->size_strings = be32(b + 32);
    h->size_struct = be32(b + 36);
    if (h->totalsize > len || h->totalsize < FDT_HEADER_SIZE)
        return FDT_ERR_TRUNC;
    if (h->version < FDT_VERSION_MIN || h->last_comp > FDT_LAST_COMP_MAX)
        return FDT_ERR_VERSION;
    if ((uint64_t)h->off_struct + h->size_struct > h->totalsize ||
        (uint64_t)h->off_strings + h->size_strings > h->totalsize ||
        (uint64_t)h->off_rsvmap + FDT_RSV_ENTRY > h->totalsize)
        return FDT_ERR_TRUNC;
    if (h->off_struct < FDT_HEADER_SIZE || h->off_strings < FDT_HEADER_SIZE ||
        h->off_rsvmap < FDT_HEADER_SIZE || h->off_struct % 4 != 0 || h->off_rsvmap % 8 != 0)
        return FDT_ERR_STRUCT;
    return 0;
}

uint32_t fdt_total_size(const void *blob)
{
    const uint8_t *b = blob;

    return be32(b) == FDT_MAGIC ? be32(b + 4) : 0;
}

int fdt_parse(const void *blob, size_t len, struct fdt_machine *m)
{
    const uint8_t *b = blob;
    struct fdt_header h;
    struct fdt_blocks bk;
    int err;

    memset(m, 0, sizeof(*m));
    err = read_header(b, len, &h);
    if (err == 0)
        err = read_rsvmap(m, b, &h);
    if (err == 0) {
        bk.st = b + h.off_struct;
        bk.st_size = h.size_struct;
        bk.str = b + h.off_strings;
        bk.str_size = h.size_strings;
        err = walk(m, &bk);
    }
    if (err != 0)
        memset(m, 0, sizeof(*m));
    return err;
}
