/* Pipes (see pipe.h and include/chime/pipe.h). Every pipe is on one
 * global list so that a process's exit can find the pipes it mapped; all
 * of it runs under the big kernel lock. A pipe's frames go back only when
 * both ends are closed and no process maps it any more. */
#include "pipe.h"
#include "cpu.h"
#include "frame.h"
#include "handle.h"
#include "kalloc.h"
#include "lib.h"
#include "space.h"
#include "uintr.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/pipe.h>
#include <chime/types.h>

#define PIPE_PAGES (CHIME_PIPE_AREA / PAGE_SIZE)

struct pipe_watch {
    struct vector *v; /* holds a reference; NULL: free slot */
    struct space *s;  /* who registered it */
};

struct pipe_map {
    struct space *s; /* NULL: free slot */
    uint64_t va;
    uint32_t count;
};

struct pipe {
    struct list link; /* all_pipes */
    struct pipe_end end[2];
    int ends_open; /* ends with a handle left */
    uint64_t pa;   /* PIPE_PAGES contiguous frames */
    struct chime_pipe_header *hdr;
    struct pipe_watch watch[2][CHIME_PIPE_WATCHES];
    int nwatch[2]; /* live slots of each side (pipe_wake stops there) */
    struct pipe_map map[CHIME_PIPE_MAPS];
};
_Static_assert(sizeof(struct pipe) <= KALLOC_MAX, "a pipe fits a kalloc block");

static struct list all_pipes = {&all_pipes, &all_pipes};

static void watch_drop(struct pipe *p, int side, struct pipe_watch *w)
{
    kobj_put(&w->v->obj);
    w->v = NULL;
    w->s = NULL;
    p->nwatch[side]--;
}

static void pipe_maybe_free(struct pipe *p)
{
    if (p->ends_open)
        return;
    for (int m = 0; m < CHIME_PIPE_MAPS; m++)
        if (p->map[m].s)
            return;
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < CHIME_PIPE_WATCHES; i++)
            if (p->watch[side][i].v)
                watch_drop(p, side, &p->watch[side][i]);
    list_remove(&p->link);
    frame_free_n(p->pa, PIPE_PAGES);
    kfree(p);
}

/* Raise every live vector watching side. */
static void pipe_wake(struct pipe *p, int side)
{
    for (int i = 0, seen = 0; seen < p->nwatch[side]; i++) {
        struct vector *v = p->watch[side][i].v;
        if (!v)
            continue;
        seen++;
        if (v->recv)
            uintr_post(v->recv, v->bit);
    }
}

void pipe_end_release(struct pipe_end *e)
{
    struct pipe *p = e->pipe;
    if (e->side == 0)
        p->hdr->read_closed = 1;
    else
        p->hdr->write_closed = 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    pipe_wake(p, !e->side);
    p->ends_open--;
    pipe_maybe_free(p);
}

/* Unmap mapping m of p from its space and free the slot. */
static void map_drop(struct pipe *p, struct pipe_map *m)
{
    struct space *s = m->s;
    if (s->root) {
        pt_unmap_range(s->root, m->va, CHIME_PIPE_AREA);
        space_tlb_flush(s);
    }
    m->s = NULL;
    m->count = 0;
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < CHIME_PIPE_WATCHES; i++)
            if (p->watch[side][i].v && p->watch[side][i].s == s)
                watch_drop(p, side, &p->watch[side][i]);
}

void pipe_space_exit(struct space *s)
{
    struct list *pos, *tmp;
    list_for_each_safe(pos, tmp, &all_pipes)
    {
        struct pipe *p = container_of(pos, struct pipe, link);
        for (int m = 0; m < CHIME_PIPE_MAPS; m++)
            if (p->map[m].s == s)
                map_drop(p, &p->map[m]);
        for (int side = 0; side < 2; side++)
            for (int i = 0; i < CHIME_PIPE_WATCHES; i++)
                if (p->watch[side][i].v && p->watch[side][i].s == s)
                    watch_drop(p, side, &p->watch[side][i]);
        pipe_maybe_free(p);
    }
}

/* The end named by handle h of the caller, which must carry the right of
 * its side (READ for a read end, WRITE for a write end). */
static struct pipe_end *end_lookup(int64_t h, int *err)
{
    struct handle_table *t = &current_thread()->space->handles;
    struct kobj *o = handle_lookup(t, h, CHIME_OBJ_PIPE, 0, err);
    if (!o)
        return NULL;
    struct pipe_end *e = container_of(o, struct pipe_end, obj);
    uint32_t need = e->side == 0 ? CHIME_R_READ : CHIME_R_WRITE;
    if ((handle_rights(t, h) & need) != need) {
        *err = CHIME_EPERM;
        return NULL;
    }
    return e;
}

static struct pipe_map *map_find(struct pipe *p, struct space *s)
{
    for (int m = 0; m < CHIME_PIPE_MAPS; m++)
        if (p->map[m].s == s)
            return &p->map[m];
    return NULL;
}

long sys_pipe_create(struct trapframe *tf)
{
    struct space *me = current_thread()->space;
    if (tf->a0 != 0)
        return CHIME_EINVAL;
    struct pipe *p = kalloc(sizeof(*p));
    if (!p)
        return CHIME_ENOMEM;
    p->pa = frame_alloc_contig(PIPE_PAGES);
    if (!p->pa) {
        kfree(p);
        return CHIME_ENOMEM;
    }
    p->hdr = phys_to_virt(p->pa);
    p->hdr->size = CHIME_PIPE_DATA;
    p->ends_open = 2;
    for (int side = 0; side < 2; side++) {
        kobj_init(&p->end[side].obj, CHIME_OBJ_PIPE);
        p->end[side].pipe = p;
        p->end[side].side = side;
    }
    list_push_back(&all_pipes, &p->link);
    int r = handle_install(&me->handles, &p->end[0].obj, CHIME_R_READ | CHIME_R_GRANT);
    int w = r < 0 ? r : handle_install(&me->handles, &p->end[1].obj, CHIME_R_WRITE | CHIME_R_GRANT);
    /* Drop the creation references: the handles hold the ends now (or,
     * on failure, the last put releases what was made). */
    kobj_put(&p->end[1].obj);
    if (w < 0) {
        if (r >= 0)
            handle_close(&me->handles, r); /* releases the read end and the pipe */
        else
            kobj_put(&p->end[0].obj);
        return CHIME_ENOMEM;
    }
    kobj_put(&p->end[0].obj);
    tf->a1 = (uint64_t)w;
    return r;
}

long sys_pipe_map(struct trapframe *tf)
{
    struct space *me = current_thread()->space;
    int err;
    struct pipe_end *e = end_lookup((int64_t)tf->a0, &err);
    if (!e)
        return err;
    struct pipe *p = e->pipe;
    struct pipe_map *m = map_find(p, me);
    if (m) {
        m->count++;
        return (long)m->va;
    }
    m = map_find(p, NULL);
    if (!m)
        return CHIME_ENOMEM;
    uint64_t va = space_karea_alloc(me, CHIME_PIPE_AREA);
    if (!va)
        return CHIME_ENOMEM;
    long r = pt_map_range(me->root, va, CHIME_PIPE_AREA, p->pa, CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (r < 0)
        return r;
    m->s = me;
    m->va = va;
    m->count = 1;
    return (long)va;
}

long sys_pipe_unmap(struct trapframe *tf)
{
    struct space *me = current_thread()->space;
    int err;
    struct pipe_end *e = end_lookup((int64_t)tf->a0, &err);
    if (!e)
        return err;
    struct pipe_map *m = map_find(e->pipe, me);
    if (!m)
        return CHIME_ENOENT;
    if (--m->count == 0)
        map_drop(e->pipe, m);
    return 0;
}

long sys_pipe_watch(struct trapframe *tf)
{
    struct space *me = current_thread()->space;
    int err;
    struct pipe_end *e = end_lookup((int64_t)tf->a0, &err);
    if (!e)
        return err;
    struct kobj *o =
        handle_lookup(&me->handles, (int64_t)tf->a1, CHIME_OBJ_VECTOR, CHIME_R_WRITE, &err);
    if (!o)
        return err;
    struct vector *v = container_of(o, struct vector, obj);
    if (!v->recv)
        return CHIME_EPIPE;
    struct pipe *p = e->pipe;
    if (!map_find(p, me))
        return CHIME_ENOENT; /* watches live with a mapping */
    struct pipe_watch *ws = p->watch[e->side], *free = NULL;
    for (int i = 0; i < CHIME_PIPE_WATCHES; i++) {
        if (ws[i].v == v)
            return 0;
        if (ws[i].v && !ws[i].v->recv)
            watch_drop(p, e->side, &ws[i]); /* its thread has ended */
        if (!ws[i].v && !free)
            free = &ws[i];
    }
    if (!free)
        return CHIME_ENOMEM;
    kobj_get(&v->obj);
    free->v = v;
    free->s = me;
    p->nwatch[e->side]++;
    return 0;
}

long sys_pipe_notify(struct trapframe *tf)
{
    int err;
    struct pipe_end *e = end_lookup((int64_t)tf->a0, &err);
    if (!e)
        return err;
    pipe_wake(e->pipe, !e->side);
    return 0;
}
