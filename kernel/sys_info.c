/* SYS_SYSINFO (the records and the call: include/chime/sysinfo.h) and
 * SYS_REBOOT.
 *
 * The kernel keeps every space on one list from creation to destruction (a
 * process that exited stays there, DEAD, until its parent drops its
 * handle), and each sender table counts the notifications its entries sent
 * through the general path (kernel/uintr.c). A call builds its records one
 * at a time in a kernel buffer and copies each out with copy_to_user; the
 * big lock is held throughout, so the list it walks cannot change. */
#include "sys_info.h"
#include "cpu.h"
#include "frames.h"
#include "ipc.h"
#include <platform/mmu.h>
#include <platform/platform.h>
#include "space.h"
#include "thread.h"
#include "uintr.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/layout.h>
#include <chime/sysinfo.h>

static struct list all_spaces = {&all_spaces, &all_spaces};

void sysinfo_space_add(struct space *s)
{
    struct thread *cur = this_cpu()->current;

    s->parent = cur && cur->space ? cur->space->id : 0;
    list_push_back(&all_spaces, &s->all_link);
}

void sysinfo_space_remove(struct space *s)
{
    list_remove(&s->all_link);
}

/* ---- processes ------------------------------------------------------------- */

static void proc_record(const struct space *s, struct sysinfo_proc *r)
{
    const struct list *pos;
    int ready = 0, running = 0;

    r->id = s->id;
    r->parent = s->parent;
    memcpy(r->name, s->name, sizeof(r->name));
    r->name[sizeof(r->name) - 1] = 0;
    r->threads = s->nthreads;
    r->hart = -1;
    for (pos = s->threads.next; pos != &s->threads; pos = pos->next) {
        const struct thread *t = container_of(pos, struct thread, space_link);
        if (t->state == T_DEAD)
            continue;
        if (t->state == T_RUNNING && !running) {
            running = 1;
            r->hart = t->hart;
        }
        ready |= t->state == T_READY;
        if (r->hart < 0)
            r->hart = t->hart;
    }
    if (s->state == S_DEAD)
        r->state = SYSINFO_DEAD;
    else if (s->state == S_EXITING)
        r->state = SYSINFO_EXITING;
    else
        r->state = running ? SYSINFO_RUNNING : ready ? SYSINFO_READY : SYSINFO_BLOCKED;
    r->status = s->state == S_ALIVE ? 0 : s->exit_status;
    r->pages = s->root ? pt_user_pages(s->root) : 0;
}

/* ---- services and connections ----------------------------------------------- */

static void name_copy(char dst[32], const struct service *svc)
{
    size_t n = MIN(svc->len, (size_t)31);
    memcpy(dst, svc->name, n);
    dst[n] = 0;
}

static void service_record(const struct service *svc, struct sysinfo_service *r)
{
    const struct list *pos;

    name_copy(r->name, svc);
    r->server = svc->server ? svc->server->id : 0;
    for (pos = svc->conns.next; pos != &svc->conns; pos = pos->next) {
        const struct conn *c = container_of(pos, struct conn, svc_link);
        r->conns++;
        r->clients += c->space[CONN_CLIENT] && c->space[CONN_SERVER];
    }
}

/* General-path notifications side's process sent on its sender entry of c. */
static uint32_t sent_by(const struct conn *c, int side)
{
    const struct space *s = c->space[side];
    int i = c->send_index[side];

    if (!s || !s->senders || i < 0 || i >= CHIME_UINTR_MAX_SENDERS)
        return 0;
    return s->senders->sent[i];
}

static void conn_record(const struct service *svc, const struct conn *c, struct sysinfo_conn *r)
{
    /* The header as the kernel sees it; the buffer frames live as long as
     * the connection holds c->buf. Only counters are read from it. */
    const volatile struct ipc_header *h = phys_to_virt(c->buf->base);

    name_copy(r->service, svc);
    r->client = c->space[CONN_CLIENT] ? c->space[CONN_CLIENT]->id : 0;
    r->server = c->space[CONN_SERVER] ? c->space[CONN_SERVER]->id : 0;
    r->requests = h->req_tail.value;
    r->replies = h->cpl_tail.value;
    r->rejected = h->rejected;
    r->notify_in = sent_by(c, CONN_CLIENT);
    r->notify_out = sent_by(c, CONN_SERVER);
    r->size = (uint32_t)c->size;
}

/* ---- the call ------------------------------------------------------------------- */

/* Where a call's records go: the next index and the caller's buffer. */
struct out {
    uint64_t n;     /* records counted so far */
    uint64_t first; /* the first the caller wants */
    uint64_t max;   /* how many it wants */
    uint64_t buf;   /* user address of the next record */
    long err;       /* CHIME_EFAULT once a copy failed */
};

/* Count one record; if the caller wants it, copy it out. */
static bool want(const struct out *o)
{
    return !o->err && o->n >= o->first && o->n - o->first < o->max;
}

static void put(struct out *o, const void *rec, size_t size)
{
    if (copy_to_user(o->buf, rec, size) < 0)
        o->err = CHIME_EFAULT;
    o->buf += size;
}

static void proc_list(struct out *o)
{
    const struct list *pos;

    for (pos = all_spaces.next; pos != &all_spaces; pos = pos->next, o->n++) {
        if (want(o)) {
            struct sysinfo_proc r = {0};
            proc_record(container_of(pos, struct space, all_link), &r);
            put(o, &r, sizeof(r));
        }
    }
}

static void service_list(struct out *o)
{
    const struct list *pos;

    for (pos = ipc_services->next; pos != ipc_services; pos = pos->next, o->n++) {
        if (want(o)) {
            struct sysinfo_service r = {0};
            service_record(container_of(pos, struct service, link), &r);
            put(o, &r, sizeof(r));
        }
    }
}

static void conn_list(struct out *o)
{
    const struct list *sp, *cp;

    for (sp = ipc_services->next; sp != ipc_services; sp = sp->next) {
        const struct service *svc = container_of(sp, struct service, link);
        for (cp = svc->conns.next; cp != &svc->conns; cp = cp->next, o->n++) {
            if (want(o)) {
                struct sysinfo_conn r = {0};
                conn_record(svc, container_of(cp, struct conn, svc_link), &r);
                put(o, &r, sizeof(r));
            }
        }
    }
}

long sys_sysinfo(struct trapframe *tf)
{
    static const size_t sizes[] = {
        [SYSINFO_PROCS] = sizeof(struct sysinfo_proc),
        [SYSINFO_SERVICES] = sizeof(struct sysinfo_service),
        [SYSINFO_CONNS] = sizeof(struct sysinfo_conn),
    };
    struct out o = {.first = tf->a1, .buf = tf->a2, .max = tf->a3};
    uint64_t kind = tf->a0;

    if (kind >= ARRAY_SIZE(sizes) || o.max > SYSINFO_MAX)
        return CHIME_EINVAL;
    if (o.max && !user_range_ok(o.buf, o.max * sizes[kind]))
        return CHIME_EFAULT;
    if (kind == SYSINFO_PROCS)
        proc_list(&o);
    else if (kind == SYSINFO_SERVICES)
        service_list(&o);
    else
        conn_list(&o);
    return o.err ? o.err : (long)o.n;
}

/* ---- reboot ----------------------------------------------------------------------- */

long sys_reboot(struct trapframe *tf)
{
    if (!this_cpu()->current->space->root_task)
        return CHIME_EPERM;
    kprintf("chime: reboot\n");
    platform_reboot();
}
