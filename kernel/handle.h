/* Per-process handle tables. A handle is an index; its slot holds an object
 * reference and the rights this holder has over it. */
#ifndef KERNEL_HANDLE_H
#define KERNEL_HANDLE_H

#include "object.h"

/* A table is up to HANDLE_PAGES frames of HANDLE_PER_PAGE slots, the first
 * made with the table and the others when the ones below them are full:
 * a server with thousands of connections holds thousands of handles, an
 * ordinary process pays one frame. */
#define HANDLE_PER_PAGE 256
#define HANDLE_PAGES    16
#define HANDLE_MAX      (HANDLE_PER_PAGE * HANDLE_PAGES)

struct handle {
    struct kobj *obj; /* NULL = free slot */
    uint32_t rights;
    uint32_t reserved; /* HANDLE_WEAK: the slot holds no reference */
};

#define HANDLE_WEAK 1u

struct handle_table {
    struct handle *page[HANDLE_PAGES]; /* NULL: not made yet */
    uint32_t npages;                   /* pages made: page[0 .. npages) */
    uint32_t used;                     /* slots holding an object */
};

/* The slot of handle h, which the caller checked is below npages pages. */
static inline struct handle *handle_slot(struct handle_table *t, int64_t h)
{
    return &t->page[h / HANDLE_PER_PAGE][h % HANDLE_PER_PAGE];
}

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
