/* pthread attributes: detach state, stack size and the Chime hart mask
 * (pthread_attr_sethartmask_np), read by pthread_create (thread.c). */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>

#include "libos.h"
#include "thread.h"

int pthread_attr_init(pthread_attr_t *attr)
{
    *attr = (pthread_attr_t){.__detachstate = PTHREAD_CREATE_JOINABLE,
                             .__stacksize = LIBOS_THREAD_STACK - LIBOS_THREAD_PAGE};
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
    *state = attr->__detachstate;
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
        return EINVAL;
    attr->__detachstate = state;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
    *size = attr->__stacksize;
    return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
    if (size < PTHREAD_STACK_MIN || size > LIBOS_THREAD_STACK_MAX - 2 * LIBOS_THREAD_PAGE)
        return EINVAL;
    attr->__stacksize = size;
    return 0;
}

int pthread_attr_sethartmask_np(pthread_attr_t *attr, unsigned long long hart_mask)
{
    attr->__hart_mask = hart_mask;
    return 0;
}
