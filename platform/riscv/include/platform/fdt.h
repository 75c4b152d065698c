/* Flattened device tree reader: everything Chime learns about the machine.
 *
 * fdt_parse() walks a DTB blob once and fills struct fdt_machine. It never
 * reads outside [blob, blob + len) and rejects malformed blobs with an error;
 * it builds both for the kernel and for host unit tests (no allocation,
 * no globals). */
#ifndef PLATFORM_FDT_H
#define PLATFORM_FDT_H

#include <stddef.h>
#include <stdint.h>

#define FDT_MAX_MEM      8
#define FDT_MAX_RESERVED 16
#define FDT_MAX_HARTS    8
#define FDT_MAX_DEVICES  16
#define FDT_COMPAT_LEN   32

struct fdt_region {
    uint64_t base;
    uint64_t size;
};

/* A device handed to user space: UART, RTC, virtio-mmio slots. */
struct fdt_device {
    char compatible[FDT_COMPAT_LEN]; /* first string of "compatible", truncated */
    uint64_t base;                   /* first reg entry */
    uint64_t size;
    uint32_t irq; /* first "interrupts" cell, 0 if none */
};

struct fdt_machine {
    struct fdt_region mem[FDT_MAX_MEM]; /* /memory@* reg entries */
    int nmem;
    struct fdt_region reserved[FDT_MAX_RESERVED]; /* /reserved-memory children
                                                     and the memreserve block */
    int nreserved;
    uint32_t hart[FDT_MAX_HARTS]; /* reg of /cpus/cpu@* whose
                                                     status is absent or "okay" */
    int nharts;
    uint64_t timebase_hz;   /* /cpus timebase-frequency */
    struct fdt_region plic; /* compatible "*,plic-1.0.0"
                                                     or "riscv,plic0" */
    uint32_t plic_ndev;     /* riscv,ndev */
    struct fdt_region sswi; /* "riscv,aclint-sswi", size 0
                                                     when absent */
    struct fdt_region uart; /* "ns16550a" */
    uint32_t uart_irq;
    struct fdt_region test;                 /* "sifive,test0" finisher */
    uint64_t initrd_start, initrd_end;      /* /chosen linux,initrd-*
                                                     (32- or 64-bit cells);
                                                     both 0 when absent */
    char bootargs[256];                     /* /chosen bootargs, "" when
                                                     absent, always NUL-ended */
    struct fdt_device dev[FDT_MAX_DEVICES]; /* ns16550a, goldfish-rtc,
                                                     virtio,mmio nodes, in
                                                     blob order */
    int ndev;
};

/* Error codes (negative) of fdt_parse. */
#define FDT_ERR_MAGIC   -1 /* not a DTB (bad magic) */
#define FDT_ERR_TRUNC   -2 /* totalsize or a block offset beyond len */
#define FDT_ERR_VERSION -3 /* last_comp_version > 17 */
#define FDT_ERR_STRUCT                                                                             \
    -4 /* malformed structure block (bad token, nesting,
                               property past the block, bad name offset) */

/* Size the header claims, or 0 if blob is not a DTB (reads 40 bytes). */
uint32_t fdt_total_size(const void *blob);

/* Parse blob (at most len bytes readable) into *m. Returns 0 or FDT_ERR_*.
 * Tables that overflow keep their first entries; the rest are ignored. */
int fdt_parse(const void *blob, size_t len, struct fdt_machine *m);

#endif
