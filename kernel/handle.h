/* Per-process handle tables. A handle is an index; its slot holds an object
 * reference and the rights this holder has over it. */
#ifndef KERNEL_HANDLE_H
#define KERNEL_HANDLE_H

#include "object.h"

#define HANDLE_MAX 256

struct handle {
    struct kobj *obj; /* NULL = free slot */
    uint32_t rights;
    uint32_t reserved; /* HANDLE_WEAK: the slot holds no reference */
};

#define HANDLE_WEAK 1u

struct handle_table {
    struct handle *slot; /* HANDLE_MAX entries (one frame) */
};

/* 0 or CHIME_ENOMEM. */
int handle_table_init(struct handle_table *t);
/* Close every handle and free the table. */
void handle_table_destroy(struct handle_table *t);
/* Put obj in the lowest free slot with rights, taking a new reference.
 * Returns the handle or CHIME_ENOMEM when the table is full. */
int handle_install(struct handle_table *t, struct kobj *obj, uint32_t rights);
/* The object behind h if it has `type` (0 = any) and every right in `need`;
 * otherwise NULL with *err = CHIME_EBADH or CHIME_EPERM. No reference taken. */
struct kobj *handle_lookup(struct handle_table *t, int64_t h, uint32_t type, uint32_t need,
                           int *err);
/* Rights of a valid handle (call after handle_lookup succeeded). */
uint32_t handle_rights(struct handle_table *t, int64_t h);
/* Drop handle h: 0 or CHIME_EBADH. */
int handle_close(struct handle_table *t, int64_t h);

#endif
