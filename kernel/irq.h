/* Device interrupts routed to user-mode drivers (DESIGN §4 rule 4): the
 * kernel claims a PLIC line, masks it, and posts the bound uintr vector;
 * the driver's SYS_IRQ_ACK unmasks it. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include "cpu.h"
#include "object.h"

struct irq_line {
    struct kobj obj;
    uint32_t irq;        /* PLIC source number */
    struct vector *vec;  /* bound vector (holds a reference), or NULL */
    struct space *owner; /* space that bound it */
    bool masked;         /* fired and not yet acknowledged */
};

struct irq_line *irq_line_create(uint32_t irq);
void irq_line_destroy(struct irq_line *l);
void irq_handle(struct cpu *c);       /* claim and route pending lines */
void irq_space_exit(struct space *s); /* unbind what s bound */

long sys_irq_bind(struct trapframe *tf);
long sys_irq_ack(struct trapframe *tf);

#endif
