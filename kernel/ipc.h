/* IPC services and connections, kernel side (the layout: include/chime/ipc.h).
 *
 * A service is a published name bound to a server's vector, with a control
 * ring the kernel writes. A connection is one shared buffer mapped in both
 * spaces plus a sender entry each way; each side holds it through a handle
 * to its own end, and closing an end (or exiting) disconnects that side. */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include "object.h"
#include "lib.h"
#include <platform/trapframe.h>
#include <chime/ipc.h>

struct space;
struct vector;

struct service {
    struct kobj obj;
    char name[CHIME_IPC_NAME_MAX];
    size_t len;
    struct space *server;     /* NULL once unpublished */
    struct vector *vec;       /* server's vector (reference) */
    struct ipc_ctl_page *ctl; /* kernel view of the control page */
    uint64_t ctl_pa, ctl_va;
    struct list link;  /* published services */
    struct list conns; /* connections made through it */
};

enum { CONN_CLIENT = 0, CONN_SERVER = 1 };

struct conn;

/* One side's handle object for a connection. It is bound to the process it
 * was made for: installed without CHIME_R_GRANT (and never duplicated), it
 * lives only in that process's table, and that process's exit ends it
 * whatever references remain. */
struct conn_end {
    struct kobj obj;
    struct conn *conn;
    uint8_t side;
    int32_t handle;   /* its index in the owner's table (for the control page) */
    struct list link; /* in the owner's space->conns */
};

/* A lend: pages of `owner` mapped into the server's lend slot. The frames
 * belong to owner's page table (today always the client's): they live while
 * it maps them, and every path that could free them (unmap, protect, exit)
 * revokes the lend first. A DMA-capable server that took the lend's
 * physical addresses (SYS_DMA_PHYS) holds a lend_pin on its frames: freed
 * meanwhile, they stay allocated until the server lets the pin go
 * (SYS_DMA_RELEASE) or its side of the connection closes. */
struct lend {
    uint64_t client_va;  /* first lent page in owner, 0 = slot free */
    uint64_t npages;     /* pages lent */
    struct space *owner; /* whose page table owns the lent frames */
};

struct conn {
    struct conn_end end[2];
    struct space *space[2];    /* NULL once that side has gone */
    uint64_t va[2];            /* buffer address in each space */
    int send_index[2];         /* client: to the service; server: reply to client */
    uint64_t client_id;        /* space id of the client (per-client limit) */
    struct service *svc;       /* NULL once the service is gone */
    struct vector *client_vec; /* reference */
    struct frames *buf;        /* the buffer frames (reference) */
    uint64_t size;
    uint64_t lend_base; /* lend window in the server */
    uint64_t lend_table_pa, lend_table_va;
    uint64_t scratch_pa; /* stands in for revoked lends */
    struct lend lend[IPC_LEND_SLOTS];
    /* Pages of each slot mapped in the server (the lend's, or scratch): once
     * mapped, a page of the window stays mapped until the server's side
     * closes, so a server never faults on an address it was lent. */
    uint32_t mapped[IPC_LEND_SLOTS];
    uint64_t freed_at[IPC_LEND_SLOTS]; /* lend_clock when the slot was freed */
    uint64_t lend_clock;
    uint32_t refs;         /* ends still open */
    struct lend_pin *pins; /* DMA pins of lends, live or ended (ipc_lend.c) */
    struct list svc_link;  /* in svc->conns */
};

/* Every published service (struct service.link); the kernel lock guards it. */
extern struct list *const ipc_services;

void service_destroy(struct service *svc);
void conn_end_release(struct conn_end *e);
/* Called by space_exit before handles close: unpublish s's services,
 * disconnect every connection end s holds, revoke every lend it made or
 * received. */
void ipc_space_exit(struct space *s);
/* s is about to unmap [va, va+len): revoke lends of those pages first. */
void ipc_revoke_range(struct space *s, uint64_t va, uint64_t len);
/* SYS_DMA_PHYS by server s on [va, va+len): when that is in a lend window
 * of a connection s serves, the lend there must be live and hold it (else
 * CHIME_EFAULT), and its frames get pinned, once per lend (CHIME_ENOMEM
 * when they cannot be). 0 otherwise. */
long ipc_lend_pin(struct space *s, uint64_t va, uint64_t len);
/* Drop s's pin of the lend with generation gen in the slot holding va:
 * 0, CHIME_EINVAL (va in no lend window of s), CHIME_ENOENT (no such pin). */
long ipc_lend_unpin(struct space *s, uint64_t va, uint32_t gen);

long sys_ipc_serve(struct trapframe *tf);
long sys_ipc_connect(struct trapframe *tf);
long sys_ipc_disconnect(struct trapframe *tf);
long sys_ipc_lend(struct trapframe *tf);
long sys_ipc_unlend(struct trapframe *tf);
long sys_ipc_conn_state(struct trapframe *tf);

#endif
