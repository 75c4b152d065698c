/* Basic ABI types shared by kernel and user space. */
#ifndef CHIME_TYPES_H
#define CHIME_TYPES_H

#include <stdint.h>

/* A handle is an index into the calling process's handle table. */
typedef int32_t chime_handle_t;

/* Pseudo-handles accepted wherever a thread or space handle is:
 * they name the caller's own thread or address space. */
#define CHIME_SELF ((chime_handle_t)-1)

/* Handle rights (a handle carries a subset; duplicate can only drop rights). */
#define CHIME_R_READ   (1u << 0) /* map readable, read state */
#define CHIME_R_WRITE  (1u << 1) /* map writable, write into */
#define CHIME_R_EXEC   (1u << 2) /* map executable */
#define CHIME_R_MANAGE (1u << 3) /* change the object: map, create threads, kill, bind */
#define CHIME_R_GRANT  (1u << 4) /* copy the handle into another process */
#define CHIME_R_WAIT   (1u << 5) /* wait for the object (process exit) */
#define CHIME_R_ALL    0x3fu     /* every right but CHIME_R_DMA */
/* On a space handle: may learn the physical addresses of that space's
 * memory and get DMA memory (SYS_DMA_*). No IOMMU: a holder's device can
 * reach all RAM, so this is the trust boundary; only SYS_DMA_GRANT confers
 * it, dup and grant drop it. */
#define CHIME_R_DMA (1u << 6)

/* Kinds of kernel object a handle can name (returned by handle_info). */
enum chime_object_type {
    CHIME_OBJ_NONE = 0,
    CHIME_OBJ_SPACE = 1, /* an address space with its process state */
    CHIME_OBJ_THREAD = 2,
    CHIME_OBJ_FRAMES = 3,  /* a physical range: RAM, MMIO region or boot archive */
    CHIME_OBJ_VECTOR = 4,  /* a uintr vector of a receiver thread */
    CHIME_OBJ_IRQ = 5,     /* a PLIC interrupt line */
    CHIME_OBJ_SERVICE = 6, /* a published IPC service */
    CHIME_OBJ_CONN = 7,    /* one end of an IPC connection */
    CHIME_OBJ_PIPE = 8,    /* one end of a pipe (pipe.h) */
};

/* Page protections for map/protect. */
#define CHIME_PROT_READ  1u
#define CHIME_PROT_WRITE 2u
#define CHIME_PROT_EXEC  4u

#define CHIME_PAGE_SIZE 4096ul

#endif
