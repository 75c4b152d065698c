/* IPC: services, connections and the shared buffer layout.
 *
 * A server publishes a name bound to one of its uintr vectors (SYS_IPC_SERVE).
 * A client connects by name (SYS_IPC_CONNECT): the kernel allocates the
 * connection buffer, maps the same frames in both spaces, makes the client a
 * sender to the service vector and the server a sender to the client's reply
 * vector, and marks the new connection on the server's control page.
 *
 * Connection buffer (size = CHIME_IPC_BUF_MIN .. CHIME_IPC_BUF_MAX, pages):
 *
 *   offset 0      struct ipc_header    geometry, ring indices, awake flags
 *   offset 4096   request ring         IPC_RING_SLOTS x struct ipc_slot (client -> server)
 *   offset 8192   completion ring      IPC_RING_SLOTS x struct ipc_slot (server -> client)
 *   offset 12288  data area            payloads, addressed by offset (to buffer end)
 *
 * Each ring is single-producer single-consumer with free-running 32-bit
 * indices: slot = index % IPC_RING_SLOTS, full when tail - head == slots.
 * Both sides must treat every index read from the buffer as untrusted: a
 * consumer that sees tail - head > slots ignores the ring (see libos/ring.c).
 * The geometry comes from the kernel (connect info, SYS_IPC_CONN_STATE), never
 * from the header, which the peer can write. */
#ifndef CHIME_IPC_H
#define CHIME_IPC_H

#include <stdint.h>

#define CHIME_IPC_NAME_MAX    32
#define CHIME_IPC_BUF_MIN     (16u * 1024)
#define CHIME_IPC_BUF_MAX     (1024u * 1024)
#define CHIME_IPC_BUF_DEFAULT CHIME_IPC_BUF_MIN
#define IPC_RING_SLOTS        64u
#define IPC_REQ_OFFSET        4096u
#define IPC_CPL_OFFSET        8192u
#define IPC_DATA_OFFSET       12288u
#define IPC_MAGIC             0x43504943u /* "CIPC" */

/* One ring descriptor: a request (client -> server) or a completion
 * (server -> client). Exactly one cache line. Meanings of handle, offset,
 * length, data and arg are set by each protocol (include/chime/proto/). */
struct ipc_slot {
    uint16_t opcode;    /* request kind; IPC_OP_NULL is answered by every server */
    uint16_t flags;     /* IPC_F_* */
    uint32_t tag;       /* chosen by the client, copied into the completion */
    int32_t handle;     /* server-side object named by the request */
    uint32_t aux;       /* protocol-specific */
    uint64_t offset;    /* e.g. file offset */
    uint64_t length;    /* payload length in bytes */
    uint64_t data;      /* payload: data-area offset, or server va of a lend */
    int64_t result;     /* completion: >= 0 result or negative CHIME_E* */
    uint64_t timestamp; /* request: rdtime when submitted (ordering) */
    uint64_t arg;       /* protocol-specific */
};
_Static_assert(sizeof(struct ipc_slot) == 64, "ring slots are 64 bytes");

#define IPC_OP_NULL 0
#define IPC_F_LENT  1u /* data is a server va inside a lend, not a data offset */

/* A 32-bit word alone on its cache line, so producer and consumer indices
 * never share a line. */
struct ipc_index {
    volatile uint32_t value;
    uint32_t pad[15];
};
_Static_assert(sizeof(struct ipc_index) == 64, "index is one cache line");

/* The buffer header at offset 0. */
struct ipc_header {
    uint32_t magic;       /* IPC_MAGIC */
    uint32_t slots;       /* IPC_RING_SLOTS */
    uint32_t size;        /* whole buffer, bytes */
    uint32_t data_offset; /* IPC_DATA_OFFSET */
    uint32_t rejected;    /* server: descriptors it rejected on this
                             connection, for ipcstat (SYS_SYSINFO); as
                             untrusted as the rest of the header */
    uint32_t pad[11];
    struct ipc_index req_tail;     /* written by the client (producer) */
    struct ipc_index req_head;     /* written by the server (consumer) */
    struct ipc_index cpl_tail;     /* written by the server */
    struct ipc_index cpl_head;     /* written by the client */
    struct ipc_index server_awake; /* server: nonzero while it polls its rings;
                                      a client then need not notify */
    struct ipc_index client_awake; /* client: nonzero while it polls */
    struct ipc_index closed;       /* kernel: nonzero once either side has
                                      disconnected or exited; the survivor's
                                      waits are woken and calls fail (EPIPE) */
};
_Static_assert(sizeof(struct ipc_header) == 8 * 64, "ipc_header layout");

/* SYS_IPC_CONNECT's result, written to the caller's out pointer. */
struct ipc_conn_info {
    uint64_t buffer;    /* buffer address in the client */
    uint64_t size;      /* buffer size in bytes */
    int32_t send_index; /* client's sender index for the service vector */
    int32_t reserved;
};
_Static_assert(sizeof(struct ipc_conn_info) == 24, "ipc_conn_info layout");

/* ---- the server's control page --------------------------------------
 *
 * Connection state is level-triggered: nothing is queued, so nothing can be
 * lost or overflow however long the server is busy. Whenever the connection
 * behind one of the server's handles h changes (a client connected on h, or
 * the client of h went away), the kernel sets bit h of `changed` and bit
 * h / 64 of `summary`, then bumps `seq` and notifies the service vector.
 * The server takes the bits (an atomic swap of summary, then of each word it
 * names), reads `seq` before it does, and asks SYS_IPC_CONN_STATE about each
 * handle whose bit it took: live (and where its buffer is), or gone (close
 * the end). Several changes of one handle merge into one bit; a bit whose
 * handle the server has closed meanwhile gets CHIME_EBADH and is ignored. */

#define IPC_CTL_HANDLES 4096 /* handle numbers the bitmap covers (all of them) */

/* The control page, mapped read-write in the server at the address
 * SYS_IPC_SERVE returns in a1. The kernel sets bits; the server clears
 * them; seq only the kernel writes. */
struct ipc_ctl_page {
    struct {
        volatile uint32_t value;
        uint32_t pad[15];
    } seq;                     /* bumped after every change the kernel marks */
    volatile uint64_t summary; /* bit w: changed[w] may be nonzero */
    uint64_t pad[7];
    volatile uint64_t changed[IPC_CTL_HANDLES / 64]; /* bit h: handle h changed */
};
_Static_assert(sizeof(struct ipc_ctl_page) <= 4096, "control page is one page");

/* What SYS_IPC_CONN_STATE writes for a live connection (server side). */
struct ipc_conn_state {
    uint64_t buffer;     /* buffer address in the server */
    uint64_t size;       /* buffer size */
    int32_t reply_index; /* server's sender index to notify this client */
    uint32_t client;     /* kernel id of the client process (for logs) */
    uint64_t lend_table; /* va of this connection's lend table (read-only) */
    uint64_t lend_base;  /* the connection's lend window in the server */
    uint64_t lend_size;
};
_Static_assert(sizeof(struct ipc_conn_state) == 48, "ipc_conn_state layout");

#define IPC_CONN_GONE 0 /* SYS_IPC_CONN_STATE: the client has gone */
#define IPC_CONN_LIVE 1 /* SYS_IPC_CONN_STATE: live, state written */

/* Connections one process may hold to one service at a time (counting those
 * it closed and the server has not yet closed): a client cannot take a
 * whole server from everyone else. A server holds at least 1,024. */
#define IPC_CLIENT_CONNS_MAX 512

/* ---- lends ----------------------------------------------------------- */

#define IPC_LEND_SLOTS     16           /* concurrent lends per connection */
#define IPC_LEND_SLOT_SIZE (4ull << 20) /* window per lend: at most 4 MiB */

/* One entry of a connection's lend table: a read-only page the kernel keeps
 * in the server's space so the server can check, without a syscall, that an
 * address a client names was lent on this connection. */
struct ipc_lend_entry {
    uint64_t va;   /* server address of the first lent byte; 0 = free slot */
    uint64_t len;  /* bytes lent */
    uint32_t prot; /* CHIME_PROT_* the client granted */
    uint32_t gen;  /* bumped at every lend/unlend of this slot */
};
_Static_assert(sizeof(struct ipc_lend_entry) == 24, "lend entry layout");

#endif
