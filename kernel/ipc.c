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

_Static_assert(HANDLE_MAX <= IPC_CTL_HANDLES, "the control page covers every handle");

static struct list services = {&services, &services};
struct list *const ipc_services = &services; /* sys_info.c reads it */

#define LEND_WINDOW ((uint64_t)IPC_LEND_SLOTS * IPC_LEND_SLOT_SIZE)
/* A connection end's rights: everything but GRANT, which it never gains. */
#define CONN_RIGHTS (CHIME_R_ALL & ~CHIME_R_GRANT)

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
    struct space *s = svc->server;
    if (!s)
        return;
    list_remove(&svc->link);
    if (s->root) {
        pt_unmap_range(s->root, svc->ctl_va, PAGE_SIZE);
        space_tlb_flush(s);
        space_karea_free(s, svc->ctl_va, PAGE_SIZE);
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

/* Tell c's server that the connection on its handle changed (see the
 * control page in include/chime/ipc.h). Cannot fail and loses nothing. */
static void ctl_mark(struct conn *c)
{
    struct service *svc = c->svc;
    int32_t h = c->end[CONN_SERVER].handle;
    if (!svc || h < 0 || h >= IPC_CTL_HANDLES)
        return;
    struct ipc_ctl_page *p = svc->ctl;
    __atomic_fetch_or(&p->changed[h / 64], 1ull << (h % 64), __ATOMIC_RELAXED);
    __atomic_fetch_or(&p->summary, 1ull << (h / 64), __ATOMIC_RELEASE);
    __atomic_fetch_add(&p->seq.value, 1, __ATOMIC_RELEASE);
    if (svc->server && svc->vec->recv)
        uintr_post(svc->vec->recv, svc->vec->bit);
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
        space_karea_free(s, va, PAGE_SIZE);
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

/* ---- lends --------------------------------------------------------------------
 * A lend slot's pages in the server change only by rewriting their PTEs in
 * place, one store each, then one shootdown: a hart still reading through a
 * page sees the old frame or the new one, never a hole. Revoked pages point
 * at the connection's scratch frame; a page once mapped stays mapped while
 * the server's side lives. A new lend takes the free slot freed longest ago. */

static uint64_t lend_slot_va(const struct conn *c, int i)
{
    return c->lend_base + (uint64_t)i * IPC_LEND_SLOT_SIZE;
}

static struct ipc_lend_entry *lend_table(const struct conn *c)
{
    return phys_to_virt(c->lend_table_pa);
}

/* Point srv's PTE at va to pa with CHIME_PROT_* prot (sys_ipc_lend made
 * its table; were it gone, the page would stay unmapped: safe too). */
static void lend_pte_set(struct space *srv, uint64_t va, uint64_t pa, uint32_t prot)
{
    uint64_t *pte = pt_walk(srv->root, va, false);
    if (pte)
        __atomic_store_n(pte, PA_TO_PTE(pa) | pt_user_flags(prot), __ATOMIC_RELAXED);
}

/* Clear lend i's record and table entry (the pages stay as they are). */
static void lend_forget(struct conn *c, int i)
{
    struct ipc_lend_entry *e = &lend_table(c)[i];
    e->va = 0;
    e->len = 0;
    e->prot = 0;
    e->gen++;
    c->lend[i] = (struct lend){0};
    c->freed_at[i] = ++c->lend_clock;
}

/* End lend i: its entry is cleared, its pages in the server become scratch.
 * The caller flushes the server's TLB (once, for all it revoked) before
 * anything may free the lent frames. Returns whether the server needs it. */
static bool lend_revoke(struct conn *c, int i)
{
    struct space *srv = c->space[CONN_SERVER];
    uint64_t n = c->lend[i].npages;
    if (!c->lend[i].client_va)
        return false;
    lend_forget(c, i);
    if (!srv || !srv->root)
        return false;
    uint64_t base = lend_slot_va(c, i);
    for (uint64_t p = 0; p < n; p++)
        lend_pte_set(srv, base + p * PAGE_SIZE, c->scratch_pa, CHIME_PROT_READ | CHIME_PROT_WRITE);
    return true;
}

/* Revoke every lend of c, with one shootdown. */
static void lends_revoke_all(struct conn *c)
{
    bool flush = false;
    for (int i = 0; i < IPC_LEND_SLOTS; i++)
        flush |= lend_revoke(c, i);
    if (flush)
        space_tlb_flush(c->space[CONN_SERVER]);
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
        bool flush = false;
        for (int i = 0; i < IPC_LEND_SLOTS; i++) {
            uint64_t lo = c->lend[i].client_va, hi = lo + c->lend[i].npages * PAGE_SIZE;
            if (lo && lo < va + len && va < hi)
                flush |= lend_revoke(c, i);
        }
        if (flush)
            space_tlb_flush(c->space[CONN_SERVER]);
    }
}

/* The connection behind h in the caller's table, seen from `side`, while
 * the caller still is that side (CHIME_EPIPE once it was disconnected). */
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
    if (e->conn->space[side] != s) {
        *err = CHIME_EPIPE;
        return NULL;
    }
    return e->conn;
}

/* The free lend slot freed longest ago (never used: first), or -1. */
static int lend_slot_pick(const struct conn *c)
{
    int best = -1;
    for (int i = 0; i < IPC_LEND_SLOTS; i++)
        if (!c->lend[i].client_va && (best < 0 || c->freed_at[i] < c->freed_at[best]))
            best = i;
    return best;
}

long sys_ipc_lend(struct trapframe *tf)
{
    int err;
    struct conn *c = conn_from_handle((int64_t)tf->a0, CONN_CLIENT, &err);
    if (!c)
        return err;
    struct space *cl = c->space[CONN_CLIENT], *srv = c->space[CONN_SERVER];
    uint64_t va = tf->a1, len = tf->a2, prot = tf->a3;
    if (!srv || srv->state != S_ALIVE)
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
    int i = lend_slot_pick(c);
    if (i < 0)
        return CHIME_EAGAIN;
    uint64_t base = lend_slot_va(c, i);
    /* Every page table the slot needs, before anything changes. */
    for (uint64_t p = c->mapped[i]; p < npages; p++)
        if (!pt_walk(srv->root, base + p * PAGE_SIZE, true))
            return CHIME_ENOMEM;
    for (uint64_t p = 0; p < npages; p++)
        lend_pte_set(srv, base + p * PAGE_SIZE, pt_translate(cl->root, first + p * PAGE_SIZE, need),
                     (uint32_t)prot);
    space_tlb_flush(srv);
    c->mapped[i] = (uint32_t)MAX(c->mapped[i], npages);
    c->lend[i] = (struct lend){.client_va = first, .npages = npages, .owner = cl};
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
            if (lend_revoke(c, i))
                space_tlb_flush(c->space[CONN_SERVER]);
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
            space_karea_free(s, c->lend_base, LEND_WINDOW);
            space_karea_free(s, c->lend_table_va, PAGE_SIZE);
        }
    }
    c->va[side] = 0;
    if (side == CONN_SERVER) {
        c->lend_base = 0;
        c->lend_table_va = 0;
        memset(c->mapped, 0, sizeof(c->mapped));
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
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &services)
    {
        struct service *svc = container_of(pos, struct service, link);
        if (svc->server == s)
            service_unpublish(svc);
    }
    /* Whatever references to its ends remain, they no longer reach s. */
    while (!list_empty(&s->conns)) {
        struct conn_end *e = container_of(s->conns.next, struct conn_end, link);
        conn_close_side(e->conn, e->side);
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
    struct thread *cur = this_cpu()->current;
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
    struct space *s = this_cpu()->current->space;
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
