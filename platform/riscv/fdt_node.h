/* What the two halves of the device tree reader share: fdt.c reads the
 * blob's format (header, reservation block, structure tokens, all bounds
 * checked); fdt_node.c gives each node its meaning for Chime. */
#ifndef PLATFORM_FDT_NODE_H
#define PLATFORM_FDT_NODE_H

#include <platform/fdt.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* Open a node named name (n bytes) below parent (NULL for the root). */
void fdt_node_begin(struct fdt_node *nd, const struct fdt_node *parent, const char *name, size_t n);
/* Record property name = p of node nd. name is NUL-terminated (checked). */
void fdt_node_prop(struct fdt_machine *m, struct fdt_node *nd, const char *name,
                   const struct fdt_prop *p);
/* Interpret node stack[d] now that all its properties are known. */
void fdt_node_end(struct fdt_machine *m, const struct fdt_node *stack, int d);
/* Append (base, size) to tab (n entries of max), unless it is full. */
void fdt_add_region(struct fdt_region *tab, int *n, int max, uint64_t base, uint64_t size);

#endif
