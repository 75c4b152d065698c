/* IPC services, connections and lends (see ipc.h). */
#include "ipc.h"
#include "cpu.h"
#include "frame.h"
#include "frames.h"
#include "kalloc.h"
#include "mmu.h"
#include "sched.h"
#include "space.h"
#include "uintr.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/types.h>

static struct list services = {&services, &services};

#define LEND_WINDOW ((uint64_t)IPC_LEND_SLOTS * IPC_LEND_SLOT_SIZE)

/* ---- services ----------------------------------------------------------------- */

static struct service *service_find(const char *name, size_t len)
{
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &services)
    {
        struct service *svc = container_of(pos, struct service, link);
        if (svc->len == len && memcmp(svc->name, name, len) == 0)
            return svc;
    }
    return NULL;
}

static void service_unpublish(struct service *svc)
{
    if (!svc->server)
        return;
    list_remove(&svc->link);
    if (svc->server->root) {
        pt_unmap_range(svc->server->root, svc->ctl_va, PAGE_SIZE);
        space_tlb_flush(svc->server);
    }
    svc->server = NULL;
}

void service_destroy(struct service *svc)
{
    service_unpublish(svc);
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &svc->conns)
    {
        struct conn *c = container_of(pos, struct conn, svc_link);
        c->svc = NULL;
        list_remove(pos);
    }
    frame_free(svc->ctl_pa);
    kobj_put(&svc->vec->obj);
    kfree(svc);
}

void ipc_space_exit(struct space *s)
{
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &services)
    {
        struct service *svc = container_of(pos, struct service, link);
        if (svc->server == s)
            service_unpublish(svc);
    }
}

/* Post a control event; CHIME_EAGAIN if the server has not drained its ring.
 * The head the server writes is untrusted: a nonsense value reads as full. */
static int ctl_push(struct service *svc, const struct ipc_ctl_event *ev)
{
    if (!svc || !svc->server)
        return CHIME_EPIPE;
    uint32_t head = __atomic_load_n(&svc->ctl->head.value, __ATOMIC_ACQUIRE);
    if (svc->ctl_tail - head >= IPC_CTL_EVENTS)
        return CHIME_EAGAIN;
    svc->ctl->event[svc->ctl_tail % IPC_CTL_EVENTS] = *ev;
    __atomic_store_n(&svc->ctl->tail.value, ++svc->ctl_tail, __ATOMIC_RELEASE);
    if (svc->vec->recv)
        uintr_post(svc->vec->recv, svc->vec->bit);
    return 0;
}

/* Copy a service name argument: its length, or a negative error. */
static long name_from_user(char *name, uint64_t uname, uint64_t len)
{
    if (len == 0 || len >= CHIME_IPC_NAME_MAX)
        return CHIME_EINVAL;
    if (copy_from_user(name, uname, len) < 0)
        return CHIME_EFAULT;
    return (long)len;
}

long sys_ipc_serve(struct trapframe *tf)
{
    struct thread *cur = this_cpu()->current;
    struct space *s = cur->space;
    char name[CHIME_IPC_NAME_MAX];
    long len = name_from_user(name, tf->a0, tf->a1);
    if (len < 0)
        return len;
    if (tf->a2 >= CHIME_UINTR_VECTORS)
        return CHIME_EINVAL;
    if (service_find(name, (size_t)len))
        return CHIME_EEXIST;
    struct service *svc = kalloc(sizeof(*svc));
    struct vector *vec = uintr_vector_get(cur, (unsigned)tf->a2);
    uint64_t pa = frame_alloc(), va = space_karea_alloc(s, PAGE_SIZE);
    if (!svc || !vec || !pa || !va ||
        space_map_frame(s, va, pa, CHIME_PROT_READ | CHIME_PROT_WRITE) < 0) {
        if (pa)
            frame_free(pa);
        kfree(svc);
        return CHIME_ENOMEM;
    }
    kobj_init(&svc->obj, CHIME_OBJ_SERVICE);
    memcpy(svc->name, name, (size_t)len);
    svc->len = (size_t)len;
    svc->server = s;
    kobj_get(&vec->obj);
    svc->vec = vec;
    svc->ctl = phys_to_virt(pa);
    svc->ctl_pa = pa;
    svc->ctl_va = va;
    list_init(&svc->conns);
    list_push_back(&services, &svc->link);
    int h = handle_install(&s->handles, &svc->obj, CHIME_R_ALL);
    kobj_put(&svc->obj); /* the handle owns it; a full table unpublishes it at once */
    tf->a1 = va;
    return h;
}

/* ---- lends -------------------------------------------------------------------- */

static uint64_t lend_slot_va(const struct conn *c, int i)
{
    return c->lend_base + (uint64_t)i * IPC_LEND_SLOT_SIZE;
}

static struct ipc_lend_entry *lend_table(const struct conn *c)
{
    return phys_to_virt(c->lend_table_pa);
}

/* Replace lend i's pages in the server by the scratch frame: a server still
 * working on the request reads zeros and writes nowhere, and does not fault. */
static void lend_revoke(struct conn *c, int i)
{
    struct space *srv = c->space[CONN_SERVER];
    struct ipc_lend_entry *e = &lend_table(c)[i];
    e->va = 0;
    e->len = 0;
    e->prot = 0;
    e->gen++;
    c->lend[i].client_va = 0;
    if (!srv || !srv->root)
        return;
    uint64_t base = lend_slot_va(c, i);
    pt_unmap_range(srv->root, base, c->lend[i].npages * PAGE_SIZE);
    for (uint64_t p = 0; p < c->lend[i].npages; p++)
        pt_map_range(srv->root, base + p * PAGE_SIZE, PAGE_SIZE, c->scratch_pa,
                     CHIME_PROT_READ | CHIME_PROT_WRITE);
    space_tlb_flush(srv);
}

void ipc_revoke_range(struct space *s, uint64_t va, uint64_t len)
{
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &s->conns)
    {
        struct conn_end *e = container_of(pos, struct conn_end, link);
        if (e->side != CONN_CLIENT)
            continue;
        struct conn *c = e->conn;
        for (int i = 0; i < IPC_LEND_SLOTS; i++) {
            uint64_t lo = c->lend[i].client_va, hi = lo + c->lend[i].npages * PAGE_SIZE;
            if (lo && lo < va + len && va < hi)
                lend_revoke(c, i);
        }
    }
}

/* The connection behind h in the caller's table, seen from `side`. */
static struct conn *conn_from_handle(int64_t h, int side, int *err)
{
    struct space *s = this_cpu()->current->space;
    struct kobj *o = handle_lookup(&s->handles, h, CHIME_OBJ_CONN, 0, err);
    if (!o)
        return NULL;
    struct conn_end *e = container_of(o, struct conn_end, obj);
    if (e->side != side) {
        *err = CHIME_EPERM;
        return NULL;
    }
    return e->conn;
}

long sys_ipc_lend(struct trapframe *tf)
{
    int err;
    struct conn *c = conn_from_handle((int64_t)tf->a0, CONN_CLIENT, &err);
    if (!c)
        return err;
    struct space *cl = c->space[CONN_CLIENT], *srv = c->space[CONN_SERVER];
    uint64_t va = tf->a1, len = tf->a2, prot = tf->a3;
    if (!srv)
        return CHIME_EPIPE;
    if (!prot || (prot & ~(uint64_t)(CHIME_PROT_READ | CHIME_PROT_WRITE)) || len == 0)
        return CHIME_EINVAL;
    uint64_t first = ALIGN_DOWN(va, PAGE_SIZE);
    if (va < CHIME_USER_BASE || va >= CHIME_KAREA_BASE || len > CHIME_KAREA_BASE - va)
        return CHIME_EFAULT;
    uint64_t npages = (ALIGN_UP(va + len, PAGE_SIZE) - first) / PAGE_SIZE;
    if (npages * PAGE_SIZE > IPC_LEND_SLOT_SIZE)
        return CHIME_EINVAL;
    uint64_t need = PTE_R | ((prot & CHIME_PROT_WRITE) ? PTE_W : 0);
    for (uint64_t p = 0; p < npages; p++)
        if (!pt_translate(cl->root, first + p * PAGE_SIZE, need))
            return CHIME_EFAULT;
    int i = 0;
    while (i < IPC_LEND_SLOTS && c->lend[i].client_va)
        i++;
    if (i == IPC_LEND_SLOTS)
        return CHIME_EAGAIN;
    uint64_t base = lend_slot_va(c, i);
    pt_unmap_range(srv->root, base, c->lend[i].npages * PAGE_SIZE); /* old scratch */
    for (uint64_t p = 0; p < npages; p++) {
        uint64_t pa = pt_translate(cl->root, first + p * PAGE_SIZE, need);
        if (pt_map_range(srv->root, base + p * PAGE_SIZE, PAGE_SIZE, pa, (uint32_t)prot) < 0) {
            pt_unmap_range(srv->root, base, p * PAGE_SIZE);
            c->lend[i].npages = 0;
            space_tlb_flush(srv);
            return CHIME_ENOMEM;
        }
    }
    space_tlb_flush(srv);
    c->lend[i].client_va = first;
    c->lend[i].npages = npages;
    struct ipc_lend_entry *e = &lend_table(c)[i];
    e->va = base + (va - first);
    e->len = len;
    e->prot = (uint32_t)prot;
    e->gen++;
    return (long)e->va;
}

long sys_ipc_unlend(struct trapframe *tf)
{
    int err;
    struct conn *c = conn_from_handle((int64_t)tf->a0, CONN_CLIENT, &err);
    if (!c)
        return err;
    for (int i = 0; i < IPC_LEND_SLOTS; i++) {
        if (c->lend[i].client_va && lend_table(c)[i].va == tf->a1) {
            lend_revoke(c, i);
            return 0;
        }
    }
    return CHIME_ENOENT;
}

/* ---- connections -------------------------------------------------------------- */

static struct ipc_header *conn_header(const struct conn *c)
{
    return phys_to_virt(c->buf->base);
}

/* Undo one side's half of a connection and tell the other side. */
static void conn_close_side(struct conn *c, int side)
{
    struct space *s = c->space[side];
    if (!s)
        return;
    __atomic_store_n(&conn_header(c)->closed.value, 1, __ATOMIC_RELEASE);
    if (side == CONN_CLIENT)
        for (int i = 0; i < IPC_LEND_SLOTS; i++)
            if (c->lend[i].client_va)
                lend_revoke(c, i);
    if (s->root) {
        if (c->va[side])
            pt_unmap_range(s->root, c->va[side], c->size);
        if (side == CONN_SERVER && c->lend_base)
            for (int i = 0; i < IPC_LEND_SLOTS; i++)
                pt_unmap_range(s->root, lend_slot_va(c, i), c->lend[i].npages * PAGE_SIZE);
        if (side == CONN_SERVER && c->lend_table_va)
            pt_unmap_range(s->root, c->lend_table_va, PAGE_SIZE);
        space_tlb_flush(s);
    }
    if (c->send_index[side] >= 0 && s->senders && s->senders->entry[c->send_index[side]])
        uintr_sender_remove(s, c->send_index[side]);
    c->send_index[side] = -1;
    list_remove(&c->end[side].link);
    c->space[side] = NULL;
    if (side == CONN_CLIENT && c->space[CONN_SERVER]) {
        struct ipc_ctl_event ev = {.type = IPC_CTL_DISCONNECT, .conn = c->end[CONN_SERVER].handle};
        if (ctl_push(c->svc, &ev) < 0 && c->svc && c->svc->vec->recv)
            uintr_post(c->svc->vec->recv, c->svc->vec->bit);
    } else if (side == CONN_SERVER && c->space[CONN_CLIENT] && c->client_vec->recv) {
        uintr_post(c->client_vec->recv, c->client_vec->bit);
    }
}

static void conn_free(struct conn *c)
{
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

long sys_ipc_connect(struct trapframe *tf)
{
    struct thread *cur = this_cpu()->current;
    struct space *cl = cur->space;
    char name[CHIME_IPC_NAME_MAX];
    long len = name_from_user(name, tf->a0, tf->a1);
    if (len < 0)
        return len;
    uint64_t size = tf->a2 ? ALIGN_UP(tf->a2, PAGE_SIZE) : CHIME_IPC_BUF_DEFAULT;
    if (size < CHIME_IPC_BUF_MIN || size > CHIME_IPC_BUF_MAX || tf->a3 >= CHIME_UINTR_VECTORS)
        return CHIME_EINVAL;
    if (!user_range_ok(tf->a4, sizeof(struct ipc_conn_info)))
        return CHIME_EFAULT;
    struct service *svc = service_find(name, (size_t)len);
    if (!svc)
        return CHIME_ENOENT;
    struct space *srv = svc->server;

    struct conn *c = kalloc(sizeof(*c));
    if (!c)
        return CHIME_ENOMEM;
    for (int side = 0; side < 2; side++) {
        kobj_init(&c->end[side].obj, CHIME_OBJ_CONN);
        c->end[side].conn = c;
        c->end[side].side = (uint8_t)side;
        c->end[side].handle = -1;
        c->send_index[side] = -1;
        list_init(&c->end[side].link);
    }
    c->refs = 2;
    c->size = size;
    c->svc = svc;
    list_push_back(&svc->conns, &c->svc_link);
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
        c->end[CONN_CLIENT].handle =
            handle_install(&cl->handles, &c->end[CONN_CLIENT].obj, CHIME_R_ALL);
        c->end[CONN_SERVER].handle =
            handle_install(&srv->handles, &c->end[CONN_SERVER].obj, CHIME_R_ALL);
        if (c->end[CONN_CLIENT].handle < 0 || c->end[CONN_SERVER].handle < 0)
            err = CHIME_ENOMEM;
    }
    struct ipc_header *hdr = c->buf ? conn_header(c) : NULL;
    if (err == 0) {
        hdr->magic = IPC_MAGIC;
        hdr->slots = IPC_RING_SLOTS;
        hdr->size = (uint32_t)size;
        hdr->data_offset = IPC_DATA_OFFSET;
        struct ipc_ctl_event ev = {
            .type = IPC_CTL_CONNECT,
            .conn = c->end[CONN_SERVER].handle,
            .buffer = c->va[CONN_SERVER],
            .size = size,
            .reply_index = c->send_index[CONN_SERVER],
            .client = (uint32_t)cl->id,
            .lend_table = c->lend_table_va,
            .lend_base = c->lend_base,
            .lend_size = LEND_WINDOW,
        };
        err = ctl_push(svc, &ev);
    }
    struct ipc_conn_info info = {
        .buffer = c->va[CONN_CLIENT],
        .size = size,
        .send_index = c->send_index[CONN_CLIENT],
    };
    if (err == 0 && copy_to_user(tf->a4, &info, sizeof(info)) < 0)
        err = CHIME_EFAULT; /* the server saw CONNECT; it sees DISCONNECT next */
    int h = c->end[CONN_CLIENT].handle;
    if (err < 0) {
        for (int side = 0; side < 2; side++) {
            struct space *s = side == CONN_CLIENT ? cl : srv;
            if (c->end[side].handle >= 0)
                handle_close(&s->handles, c->end[side].handle);
            kobj_put(&c->end[side].obj); /* the construction reference: releases the end */
        }
        return err;
    }
    /* The handles hold the ends now; drop the construction references. */
    c->end[CONN_CLIENT].obj.refs--;
    c->end[CONN_SERVER].obj.refs--;
    return h;
}

long sys_ipc_disconnect(struct trapframe *tf)
{
    struct space *s = this_cpu()->current->space;
    int err;
    if (!handle_lookup(&s->handles, (int64_t)tf->a0, CHIME_OBJ_CONN, 0, &err))
        return err;
    return handle_close(&s->handles, (int64_t)tf->a0);
}
