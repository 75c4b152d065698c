/* fsio's records, shared by fsio.c (submitting, completions) and
 * fsio_wait.c (cancel, poll, wait, reap). Not for programs. */
#ifndef LIBOS_FSIO_PRIV_H
#define LIBOS_FSIO_PRIV_H

#include <stdint.h>

#include "fsio.h"

struct ipc_conn;
struct libos_file;

#define FSIO_PAGE       4096u
#define FSIO_LENDS_MAX  8u /* lends of callers' buffers at once (the kernel has 16) */
#define FSIO_INDEX_BITS 6u
_Static_assert(FSIO_MAX == 1u << FSIO_INDEX_BITS, "an id's index bits");
_Static_assert(FSIO_STAGE / FSIO_PAGE == 64, "one bitmap word of staging pages");

enum { FSIO_PATH_NONE, FSIO_PATH_STAGE, FSIO_PATH_LEND };

struct fsio_rec {
    uint8_t used;      /* taken */
    uint8_t inring;    /* the server has not answered */
    uint8_t cancelled; /* its completion went out already (fsio_cancel) */
    uint8_t queued;    /* its completion waits in doneq for fsio_reap */
    uint8_t path;      /* FSIO_PATH_* */
    uint8_t zc;        /* fsio_read_zc */
    uint8_t first;     /* first staging page (FSIO_PATH_STAGE) */
    uint8_t pad;
    int op, fd;
    uint32_t gen; /* bumped when freed: ids of old requests stop matching */
    uint32_t len; /* bytes asked for */
    long lend;    /* server address of a FSIO_PATH_LEND buffer, or -1 */
    void *buf;
    fsio_cb_t cb;
    void *ctx;
    long result;
    const void *data;
};

struct fsio_thread {
    struct ipc_conn *conn; /* the connection stage_va belongs to */
    uint8_t *stage;        /* FSIO_STAGE bytes, page-aligned */
    long stage_va;         /* its server address; < 0: not lent on conn */
    uint64_t stage_free;   /* bit i: staging page i is free */
    uint64_t zc_held;      /* bit i: a zero-copy run at page i was handed out */
    uint64_t rec_free;     /* bit i: rec[i] is free */
    uint8_t run[64];       /* pages of the staging run starting at page i */
    unsigned inring;       /* records the server has not answered */
    unsigned lends;        /* FSIO_PATH_LEND records */
    unsigned owed;         /* completions not yet handed over */
    unsigned batch;        /* inside fsio_batch_begin/end */
    unsigned handler;      /* we registered the uintr handler */
    unsigned dq_head, dq_tail;
    uint8_t doneq[FSIO_MAX]; /* records whose completion waits for fsio_reap */
    struct fsio_rec rec[FSIO_MAX];
};

extern __thread struct fsio_thread *fsio_self;

/* The thread's state, made at first use, with its staging buffer lent on
 * its fs connection; NULL and *err (-EAGAIN, -ENOENT). Thread context. */
struct fsio_thread *fsio_ready(int *err);
long fsio_id(const struct fsio_thread *t, const struct fsio_rec *r);
void fsio_rec_free(struct fsio_thread *t, struct fsio_rec *r);
void fsio_hand_over(struct fsio_thread *t, struct fsio_rec *r);
void fsio_stage_give(struct fsio_thread *t, unsigned first);
void fsio_release_path(struct fsio_thread *t, struct fsio_rec *r);
void fsio_handler_off(struct fsio_thread *t);
void fsio_seq_bump(void); /* a completion: wake fsio_seq_wait */

int fs_file_handle(struct libos_file *f); /* fs_file.c */

#endif
