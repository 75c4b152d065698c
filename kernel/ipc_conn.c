/* IPC connections (see ipc.h): connect, disconnect, a server's view of a
 * connection, and undoing one side when it closes or its process exits. */
#include "ipc_priv.h"
#include "cpu.h"
#include "frame.h"
#include "frames.h"
#include "kalloc.h"
#include <platform/mmu.h>
#include "sched.h"
#include "space.h"
#include "uintr.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/types.h>

/* The connection behind h in the caller's table, seen from `side`, while
 * the caller still is that side (CHIME_EPIPE once it was disconnected). */
struct conn *conn_from_handle(int64_t h, int side, int *err)
{
    struct space *s = current_thread()->space;
    struct kobj *o = handle_lookup(&s->handles, h, CHIME_OBJ_CONN, 0, err);
    if (!o)
        return NULL;
    struct conn_end *e = container_of(o, struct conn_end, obj);
    if (e->side != side) {
        *err = CHIME_EPERM;
        return NULL;
    }
    if (e->conn->space[side] != s) {
        *err = CHIME_EPIPE;
        return NULL;
    }
    return e->conn;
}

static struct ipc_header *conn_header(const struct conn *c)
{
    return phys_to_virt(c->buf->base);
}

/* Undo one side's half of a connection and tell the other side. Every lend
 * of the connection ends, whichever side goes: the client's turn into
 * scratch in the server; the server's whole window goes (below), and the
 * shootdown is done before the big lock, which any freeing of the lent
 * frames needs, is dropped. */
static void conn_close_side(struct conn *c, int side)
{
    struct space *s = c->space[side];
    if (!s)
        return;
    if (c->buf)
        __atomic_store_n(&conn_header(c)->closed.value, 1, __ATOMIC_RELEASE);
    if (side == CONN_CLIENT)
        lends_revoke_all(c);
    else
        for (int i = 0; i < IPC_LEND_SLOTS; i++)
            if (c->lend[i].client_va)
                lend_forget(c, i);
    if (s->root) {
        if (c->va[side])
            pt_unmap_range(s->root, c->va[side], c->size);
        if (side == CONN_SERVER && c->lend_base)
            for (int i = 0; i < IPC_LEND_SLOTS; i++)
                pt_unmap_range(s->root, lend_slot_va(c, i), (uint64_t)c->mapped[i] * PAGE_SIZE);
        if (side == CONN_SERVER && c->lend_table_va)
            pt_unmap_range(s->root, c->lend_table_va, PAGE_SIZE);
        space_tlb_flush(s);
        space_karea_free(s, c->va[side], c->size);
        if (side == CONN_SERVER) {
            if (!lend_pins_orphan(c, s))
                space_karea_free(s, c->lend_base, LEND_WINDOW);
            space_karea_free(s, c->lend_table_va, PAGE_SIZE);
        }
    }
    c->va[side] = 0;
    if (side == CONN_SERVER) {
        c->lend_base = 0;
        c->lend_table_va = 0;
        memset(c->mapped, 0, sizeof(c->mapped));
        lend_pins_drop_all(c); /* (the server's space is gone already) */
    }
    if (c->send_index[side] >= 0 && s->senders && s->senders->entry[c->send_index[side]])
        uintr_sender_remove(s, c->send_index[side]);
    c->send_index[side] = -1;
    list_remove(&c->end[side].link);
    c->space[side] = NULL;
    if (side == CONN_CLIENT && c->space[CONN_SERVER])
        ctl_mark(c);
    else if (side == CONN_SERVER && c->space[CONN_CLIENT] && c->client_vec->recv)
        uintr_post(c->client_vec->recv, c->client_vec->bit);
}

void ipc_space_exit(struct space *s)
{
    services_unpublish(s);
    /* Whatever references to its ends remain, they no longer reach s. */
    while (!list_empty(&s->conns)) {
        struct conn_end *e = container_of(s->conns.next, struct conn_end, link);
        conn_close_side(e->conn, e->side);
    }
    /* A driver that ends lets its pins go: it can no longer say when its
     * device is done (docs/write-a-driver.md). */
    lend_orphans_drop(s);
}

static void conn_free(struct conn *c)
{
    lend_pins_drop_all(c);
    list_remove(&c->svc_link);
    if (c->buf)
        kobj_put(&c->buf->obj);
    if (c->lend_table_pa)
        frame_free(c->lend_table_pa);
    if (c->scratch_pa)
        frame_free(c->scratch_pa);
    if (c->client_vec)
        kobj_put(&c->client_vec->obj);
    kfree(c);
}

void conn_end_release(struct conn_end *e)
{
    struct conn *c = e->conn;
    conn_close_side(c, e->side);
    if (--c->refs == 0)
        conn_free(c);
}

/* Map the buffer and lend table, register the senders: the kernel half of a
 * connect. Returns 0 or a negative error; conn_close_side undoes it. */
static int conn_setup(struct conn *c, struct space *cl, struct space *srv)
{
    c->space[CONN_CLIENT] = cl;
    c->space[CONN_SERVER] = srv;
    list_push_back(&cl->conns, &c->end[CONN_CLIENT].link);
    list_push_back(&srv->conns, &c->end[CONN_SERVER].link);
    c->va[CONN_CLIENT] = space_karea_alloc(cl, c->size);
    c->va[CONN_SERVER] = space_karea_alloc(srv, c->size);
    c->lend_base = space_karea_alloc(srv, LEND_WINDOW);
    c->lend_table_va = space_karea_alloc(srv, PAGE_SIZE);
    if (!c->va[CONN_CLIENT] || !c->va[CONN_SERVER] || !c->lend_base || !c->lend_table_va)
        return CHIME_ENOMEM;
    int rw = CHIME_PROT_READ | CHIME_PROT_WRITE;
    if (pt_map_range(cl->root, c->va[CONN_CLIENT], c->size, c->buf->base, rw) < 0)
        return CHIME_ENOMEM;
    if (pt_map_range(srv->root, c->va[CONN_SERVER], c->size, c->buf->base, rw) < 0)
        return CHIME_ENOMEM;
    if (pt_map_range(srv->root, c->lend_table_va, PAGE_SIZE, c->lend_table_pa, CHIME_PROT_READ) < 0)
        return CHIME_ENOMEM;
    c->send_index[CONN_CLIENT] = uintr_sender_add(cl, c->svc->vec);
    if (c->send_index[CONN_CLIENT] < 0)
        return CHIME_ENOMEM;
    c->send_index[CONN_SERVER] = uintr_sender_add(srv, c->client_vec);
    if (c->send_index[CONN_SERVER] < 0)
        return CHIME_ENOMEM;
    return 0;
}

/* Connections client id holds to svc, counting those the server has not
 * closed yet. */
static uint32_t client_conns(struct service *svc, uint64_t id)
{
    uint32_t n = 0;
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &svc->conns)
    {
        n += container_of(pos, struct conn, svc_link)->client_id == id;
    }
    return n;
}

static struct conn *conn_new(struct service *svc, struct space *cl, uint64_t size)
{
    struct conn *c = kalloc(sizeof(*c));
    if (!c)
        return NULL;
    for (int side = 0; side < 2; side++) {
        kobj_init(&c->end[side].obj, CHIME_OBJ_CONN); /* the construction reference */
        c->end[side].conn = c;
        c->end[side].side = (uint8_t)side;
        c->end[side].handle = -1;
        c->send_index[side] = -1;
        list_init(&c->end[side].link);
    }
    c->refs = 2;
    c->size = size;
    c->svc = svc;
    c->client_id = cl->id;
    list_push_back(&svc->conns, &c->svc_link);
    return c;
}

/* Connect. Everything that can fail (memory, either handle table, the
 * caller's info pointer) is done before the server can see the connection:
 * its handle is installed and marked last, so a server never learns of a
 * connection that does not exist. */
long sys_ipc_connect(struct trapframe *tf)
{
    struct thread *cur = current_thread();
    struct space *cl = cur->space;
    char name[CHIME_IPC_NAME_MAX];
    long len = name_from_user(name, tf->a0, tf->a1);
    if (len < 0)
        return len;
    uint64_t size = tf->a2 ? ALIGN_UP(tf->a2, PAGE_SIZE) : CHIME_IPC_BUF_DEFAULT;
    if (tf->a2 > CHIME_IPC_BUF_MAX || size < CHIME_IPC_BUF_MIN || size > CHIME_IPC_BUF_MAX ||
        tf->a3 >= CHIME_UINTR_VECTORS)
        return CHIME_EINVAL;
    if (!user_range_ok(tf->a4, sizeof(struct ipc_conn_info)))
        return CHIME_EFAULT;
    struct service *svc = service_find(name, (size_t)len);
    if (!svc)
        return CHIME_ENOENT;
    struct space *srv = svc->server;
    if (client_conns(svc, cl->id) >= IPC_CLIENT_CONNS_MAX)
        return CHIME_EAGAIN;

    struct conn *c = conn_new(svc, cl, size);
    if (!c)
        return CHIME_ENOMEM;
    c->client_vec = uintr_vector_get(cur, (unsigned)tf->a3);
    if (c->client_vec)
        kobj_get(&c->client_vec->obj);
    uint64_t buf = frame_alloc_contig(size / PAGE_SIZE);
    c->buf = buf ? frames_create(buf, size, true) : NULL;
    if (buf && !c->buf)
        frame_free_n(buf, size / PAGE_SIZE);
    c->lend_table_pa = frame_alloc();
    c->scratch_pa = frame_alloc();
    int err = CHIME_ENOMEM;
    if (c->client_vec && c->buf && c->lend_table_pa && c->scratch_pa)
        err = conn_setup(c, cl, srv);
    if (err == 0) {
        struct ipc_header *hdr = conn_header(c);
        hdr->magic = IPC_MAGIC;
        hdr->slots = IPC_RING_SLOTS;
        hdr->size = (uint32_t)size;
        hdr->data_offset = IPC_DATA_OFFSET;
        c->end[CONN_CLIENT].handle =
            handle_install(&cl->handles, &c->end[CONN_CLIENT].obj, CONN_RIGHTS);
        err = c->end[CONN_CLIENT].handle < 0 ? CHIME_ENOMEM : 0;
    }
    if (err == 0) {
        struct ipc_conn_info info = {
            .buffer = c->va[CONN_CLIENT],
            .size = size,
            .send_index = c->send_index[CONN_CLIENT],
        };
        err = copy_to_user(tf->a4, &info, sizeof(info)) < 0 ? CHIME_EFAULT : 0;
    }
    if (err == 0) {
        c->end[CONN_SERVER].handle =
            handle_install(&srv->handles, &c->end[CONN_SERVER].obj, CONN_RIGHTS);
        err = c->end[CONN_SERVER].handle < 0 ? CHIME_ENOMEM : 0;
    }
    if (err < 0) {
        /* The server's handle was never installed: nothing was marked. */
        if (c->end[CONN_CLIENT].handle >= 0)
            handle_close(&cl->handles, c->end[CONN_CLIENT].handle);
        kobj_put(&c->end[CONN_CLIENT].obj); /* the construction references: release */
        kobj_put(&c->end[CONN_SERVER].obj);
        return err;
    }
    /* The handles hold the ends now; drop the construction references. */
    c->end[CONN_CLIENT].obj.refs--;
    c->end[CONN_SERVER].obj.refs--;
    ctl_mark(c);
    return c->end[CONN_CLIENT].handle;
}

long sys_ipc_disconnect(struct trapframe *tf)
{
    struct space *s = current_thread()->space;
    int err;
    if (!handle_lookup(&s->handles, (int64_t)tf->a0, CHIME_OBJ_CONN, 0, &err))
        return err;
    return handle_close(&s->handles, (int64_t)tf->a0);
}

long sys_ipc_conn_state(struct trapframe *tf)
{
    int err;
    struct conn *c = conn_from_handle((int64_t)tf->a0, CONN_SERVER, &err);
    if (!c)
        return err;
    if (!c->space[CONN_CLIENT])
        return IPC_CONN_GONE;
    struct ipc_conn_state st = {
        .buffer = c->va[CONN_SERVER],
        .size = c->size,
        .reply_index = c->send_index[CONN_SERVER],
        .client = (uint32_t)c->client_id,
        .lend_table = c->lend_table_va,
        .lend_base = c->lend_base,
        .lend_size = LEND_WINDOW,
    };
    if (copy_to_user(tf->a1, &st, sizeof(st)) < 0)
        return CHIME_EFAULT;
    return IPC_CONN_LIVE;
}
