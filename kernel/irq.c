/* Device interrupt routing (see irq.h). */
#include "irq.h"
#include "kalloc.h"
#include <platform/platform.h>
#include "sched.h"
#include "space.h"
#include "uintr.h"
#include <chime/errno.h>

#define IRQ_MAX 128

static struct irq_line *lines[IRQ_MAX]; /* bound lines by source number */

struct irq_line *irq_line_create(uint32_t irq)
{
    if (irq == 0 || irq >= IRQ_MAX)
        return NULL;
    struct irq_line *l = kalloc(sizeof(*l));
    if (!l)
        return NULL;
    kobj_init(&l->obj, CHIME_OBJ_IRQ);
    l->irq = irq;
    return l;
}

/* Enable or disable the line on every online hart: whichever takes it routes it. */
static void irq_enable(uint32_t irq, int on)
{
    uint32_t online = sched_online_mask();
    for (uint32_t h = 0; h < MAX_HARTS; h++)
        if (online >> h & 1)
            platform_plic_enable(irq, h, on);
}

static void irq_unbind(struct irq_line *l)
{
    if (!l->vec)
        return;
    irq_enable(l->irq, 0);
    lines[l->irq] = NULL;
    kobj_put(&l->vec->obj);
    l->vec = NULL;
    l->owner = NULL;
}

void irq_line_destroy(struct irq_line *l)
{
    irq_unbind(l);
    kfree(l);
}

void irq_space_exit(struct space *s)
{
    for (int i = 0; i < IRQ_MAX; i++)
        if (lines[i] && lines[i]->owner == s)
            irq_unbind(lines[i]);
}

void irq_handle(struct cpu *c)
{
    uint32_t irq;
    while ((irq = platform_plic_claim(c->hartid)) != 0) {
        struct irq_line *l = irq < IRQ_MAX ? lines[irq] : NULL;
        if (l && l->vec && l->vec->recv) {
            irq_enable(irq, 0);
            l->masked = true;
            uintr_post(l->vec->recv, l->vec->bit);
        } else {
            platform_plic_enable(irq, c->hartid, 0); /* nobody wants it */
        }
        platform_plic_complete(c->hartid, irq);
    }
}

static struct irq_line *line_from_handle(int64_t h, int *err)
{
    struct space *s = current_thread()->space;
    struct kobj *o = handle_lookup(&s->handles, h, CHIME_OBJ_IRQ, CHIME_R_MANAGE, err);
    return o ? container_of(o, struct irq_line, obj) : NULL;
}

long sys_irq_bind(struct trapframe *tf)
{
    int err;
    struct irq_line *l = line_from_handle((int64_t)tf->a0, &err);
    if (!l)
        return err;
    if (tf->a1 >= CHIME_UINTR_VECTORS)
        return CHIME_EINVAL;
    if (l->vec || lines[l->irq])
        return CHIME_EBUSY;
    struct thread *cur = current_thread();
    struct vector *v = uintr_vector_get(cur, (unsigned)tf->a1);
    if (!v)
        return CHIME_ENOMEM;
    kobj_get(&v->obj);
    l->vec = v;
    l->owner = cur->space;
    l->masked = false;
    lines[l->irq] = l;
    irq_enable(l->irq, 1);
    return 0;
}

long sys_irq_ack(struct trapframe *tf)
{
    int err;
    struct irq_line *l = line_from_handle((int64_t)tf->a0, &err);
    if (!l)
        return err;
    if (!l->vec)
        return CHIME_EINVAL;
    if (l->masked) {
        l->masked = false;
        irq_enable(l->irq, 1);
    }
    return 0;
}
