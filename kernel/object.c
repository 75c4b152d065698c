/* The destructor of each kernel object type, run by the last kobj_put(). */
#include "object.h"
#include "frames.h"
#include "ipc.h"
#include "irq.h"
#include "lib.h"
#include "pipe.h"
#include "space.h"
#include "thread.h"
#include "uintr.h"

void kobj_release(struct kobj *o)
{
    switch (o->type) {
    case CHIME_OBJ_SPACE:
        space_destroy(container_of(o, struct space, obj));
        break;
    case CHIME_OBJ_THREAD:
        thread_destroy(container_of(o, struct thread, obj));
        break;
    case CHIME_OBJ_FRAMES:
        frames_destroy(container_of(o, struct frames, obj));
        break;
    case CHIME_OBJ_VECTOR:
        vector_destroy(container_of(o, struct vector, obj));
        break;
    case CHIME_OBJ_IRQ:
        irq_line_destroy(container_of(o, struct irq_line, obj));
        break;
    case CHIME_OBJ_SERVICE:
        service_destroy(container_of(o, struct service, obj));
        break;
    case CHIME_OBJ_CONN:
        conn_end_release(container_of(o, struct conn_end, obj));
        break;
    case CHIME_OBJ_PIPE:
        pipe_end_release(container_of(o, struct pipe_end, obj));
        break;
    default:
        panic("kobj_release: bad type %u", o->type);
    }
}
