/* IPC services (see ipc.h): a published name bound to a server's vector,
 * and the control page through which the kernel tells the server which of
 * its connection handles changed. */
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

_Static_assert(HANDLE_MAX <= IPC_CTL_HANDLES, "the control page covers every handle");

static struct list services = {&services, &services};
struct list *const ipc_services = &services; /* sys_info.c reads it */

struct service *service_find(const char *name, size_t len)
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
void ctl_mark(struct conn *c)
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
long name_from_user(char *name, uint64_t uname, uint64_t len)
{
    if (len == 0 || len >= CHIME_IPC_NAME_MAX)
        return CHIME_EINVAL;
    if (copy_from_user(name, uname, len) < 0)
        return CHIME_EFAULT;
    return (long)len;
}

/* Unpublish every service s serves (its exit). */
void services_unpublish(struct space *s)
{
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &services)
    {
        struct service *svc = container_of(pos, struct service, link);
        if (svc->server == s)
            service_unpublish(svc);
    }
}

long sys_ipc_serve(struct trapframe *tf)
{
    struct thread *cur = current_thread();
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
