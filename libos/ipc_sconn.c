/* libos IPC, server side: the server's connections. The kernel marks a
 * handle on the control page whenever its connection changes; the loop takes
 * the marks (srv_ctl_events) and asks each handle's state
 * (SYS_IPC_CONN_STATE): a new live connection is added, a gone one removed.
 * Level-triggered: nothing is lost while the server is busy. */
#include "ipc_server.h"

#include <stdlib.h>
#include <string.h>

/* Set server_awake in every connection (and remember it for new ones). */
void srv_set_awake(struct ipc_server *s, uint32_t v)
{
    for (uint32_t i = 0; i < s->nconns; i++)
        s->conns[i]->hdr->server_awake.value = v;
    s->awake = (int)v;
}

/* The connection we know on handle h, or NULL. */
static struct ipc_sconn *conn_find(struct ipc_server *s, int32_t h)
{
    return h >= 0 && (uint32_t)h < s->nhandles ? s->by_handle[h] : NULL;
}

/* Room for one more connection, on handle h: 0 or CHIME_ENOMEM. */
static long conn_room(struct ipc_server *s, int32_t h)
{
    if (h < 0 || h >= IPC_CTL_HANDLES)
        return CHIME_EINVAL;
    if (s->nconns == s->cap) {
        uint32_t cap = s->cap ? 2 * s->cap : 8;
        struct ipc_sconn **a = realloc(s->conns, cap * sizeof(*a));
        struct ipc_sconn **b;

        if (!a)
            return CHIME_ENOMEM;
        s->conns = a;
        b = realloc(s->owed, cap * sizeof(*b));
        if (!b)
            return CHIME_ENOMEM;
        s->owed = b;
        s->cap = cap;
    }
    if ((uint32_t)h >= s->nhandles) {
        uint32_t n = ((uint32_t)h / 256 + 1) * 256;
        struct ipc_sconn **t = realloc(s->by_handle, n * sizeof(*t));

        if (!t)
            return CHIME_ENOMEM;
        memset(t + s->nhandles, 0, (n - s->nhandles) * sizeof(*t));
        s->by_handle = t;
        s->nhandles = n;
    }
    return 0;
}

/* A live connection on handle h we did not know: add it, or refuse it
 * (close our end) when we cannot or the connect handler says no. The
 * kernel keeps st's buffer and lend table mapped until we close h. */
static void conn_add(struct ipc_server *s, int32_t h, const struct ipc_conn_state *st)
{
    const struct ipc_handlers *hd = s->h;
    struct ipc_sconn *c;
    uint8_t *buf = (uint8_t *)(uintptr_t)st->buffer;

    if (conn_room(s, h) < 0)
        goto refuse;
    if (!buf || st->size < CHIME_IPC_BUF_MIN || st->size > CHIME_IPC_BUF_MAX)
        goto refuse;
    c = calloc(1, sizeof(*c));
    if (!c)
        goto refuse;
    c->handle = h;
    c->client = st->client;
    c->hdr = (struct ipc_header *)buf;
    c->size = st->size;
    c->data = buf + IPC_DATA_OFFSET;
    c->data_size = st->size - IPC_DATA_OFFSET;
    c->reply_index = st->reply_index;
    c->lends = (const volatile struct ipc_lend_entry *)(uintptr_t)st->lend_table;
    c->lend_base = st->lend_base;
    c->lend_size = st->lend_size;
    ring_cons_init(&c->req, buf + IPC_REQ_OFFSET, &c->hdr->req_tail, &c->hdr->req_head, 0);
    ring_prod_init(&c->cpl, buf + IPC_CPL_OFFSET, &c->hdr->cpl_tail, &c->hdr->cpl_head, 0);
    if (hd->connect && hd->connect(c, hd->ctx) < 0) {
        free(c);
        goto refuse;
    }
    c->hdr->server_awake.value = (uint32_t)s->awake;
    s->conns[s->nconns++] = c;
    s->by_handle[h] = c;
    return;
refuse:
    ipc_srv_syscall1(SYS_IPC_DISCONNECT, h);
}

/* Forget the connection on handle h (if we know it), without a syscall. */
static void conn_forget(struct ipc_server *s, int32_t h)
{
    struct ipc_sconn *c = conn_find(s, h);

    if (!c)
        return;
    if (s->h->disconnect)
        s->h->disconnect(c, s->h->ctx);
    for (uint32_t i = 0; i < s->nconns; i++) {
        if (s->conns[i] == c) {
            s->conns[i] = s->conns[--s->nconns];
            break;
        }
    }
    owed_forget(s, c);
    s->by_handle[h] = NULL;
    s->rejected += c->rejected;
    free(c);
}

/* Drop the connection on handle h and close our end. */
void srv_conn_remove(struct ipc_server *s, int32_t handle)
{
    conn_forget(s, handle);
    ipc_srv_syscall1(SYS_IPC_DISCONNECT, handle);
}

/* The kernel marked handle h: see what it is now. */
static void conn_changed(struct ipc_server *s, int32_t h)
{
    struct ipc_conn_state st;
    long r;

    uintr_self.syscalls++;
    r = syscall2(SYS_IPC_CONN_STATE, h, (long)&st);
    if (r == IPC_CONN_LIVE) {
        if (!conn_find(s, h))
            conn_add(s, h, &st);
    } else if (r == IPC_CONN_GONE) {
        srv_conn_remove(s, h);
    } else {
        /* Not a connection we serve (any more): nothing of ours to close. */
        conn_forget(s, h);
    }
}

/* Take every mark on the control page. Returns how many handles changed. */
uint32_t srv_ctl_events(struct ipc_server *s)
{
    struct ipc_ctl_page *ctl = s->ctl;
    uint32_t n = 0;
    uint64_t sum;

    /* seq first: a mark made after it is read bumps it again. */
    s->ctl_next = __atomic_load_n(&ctl->seq.value, __ATOMIC_ACQUIRE);
    sum = __atomic_exchange_n(&ctl->summary, 0, __ATOMIC_ACQ_REL);
    while (sum) {
        unsigned w = (unsigned)__builtin_ctzll(sum);
        uint64_t bits;

        sum &= sum - 1;
        if (w >= IPC_CTL_HANDLES / 64)
            continue;
        bits = __atomic_exchange_n(&ctl->changed[w], 0, __ATOMIC_ACQ_REL);
        while (bits) {
            unsigned b = (unsigned)__builtin_ctzll(bits);

            bits &= bits - 1;
            conn_changed(s, (int32_t)(w * 64 + b));
            n++;
        }
    }
    return n;
}

/* ---- serving ---------------------------------------------------------- */
