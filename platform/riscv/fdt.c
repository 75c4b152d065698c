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
 * properties (which come in any order) have been seen: fdt_node.c. */
#include "fdt_node.h"

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

struct fdt_blocks {
    const uint8_t *st; /* structure block */
    uint32_t st_size;
    const uint8_t *str; /* strings block */
    uint32_t str_size;
};

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
    fdt_node_prop(m, nd, (const char *)bk->str + nameoff, &p);
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
            fdt_node_begin(&stack[depth], depth > 0 ? &stack[depth - 1] : NULL, name,
                           (size_t)(nul - name));
            pos = (pos + (uint64_t)(nul - name) + 1 + 3) & ~(uint64_t)3;
            break;
        }
        case FDT_END_NODE:
            if (depth < 0)
                return FDT_ERR_STRUCT;
            fdt_node_end(m, stack, depth);
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
        fdt_add_region(m->reserved, &m->nreserved, FDT_MAX_RESERVED, base, size);
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
