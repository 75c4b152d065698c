/* The meaning of device tree nodes for Chime (see fdt_node.h): memory,
 * reserved regions, harts, /chosen, and the devices found by their
 * "compatible" string. Every value read here was bounds-checked by fdt.c. */
#include "fdt_node.h"

#include <string.h>

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

void fdt_add_region(struct fdt_region *tab, int *n, int max, uint64_t base, uint64_t size)
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
        fdt_add_region(tab, n, max, base, size);
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

void fdt_node_end(struct fdt_machine *m, const struct fdt_node *stack, int d)
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

void fdt_node_begin(struct fdt_node *nd, const struct fdt_node *parent, const char *name, size_t n)
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

void fdt_node_prop(struct fdt_machine *m, struct fdt_node *nd, const char *name,
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
