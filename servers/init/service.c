/* init's service (include/chime/proto/init.h), served by a thread of its
 * own so that init's main thread can go on waiting for its program. */
#include <pthread.h>
#include <stdio.h>

#include <chime/errno.h>
#include <chime/proto/init.h>

#include <libos/ipc.h>

#include "service.h"

static void (*stop_machine)(int status);
static void (*restart_machine)(void);

static long on_request(struct ipc_sconn *c, const struct ipc_slot *req, struct ipc_slot *cpl,
                       void *ctx)
{
    if (req->opcode == INIT_OP_REBOOT) {
        printf("init: reboot requested by process %u\n", c->client);
        restart_machine();
        return CHIME_EPERM; /* SYS_REBOOT refused: not reached for init */
    }
    if (req->opcode != INIT_OP_POWEROFF)
        return CHIME_ENOSYS;
    if (req->arg > 255)
        return CHIME_EINVAL;
    printf("init: power off requested by process %u\n", c->client);
    stop_machine((int)req->arg);
    return 0; /* not reached */
}

static void *serve(void *arg)
{
    struct ipc_handlers h = {.name = INIT_SERVICE, .request = on_request};
    long r = ipc_server_run(&h);

    printf("init: the init service stopped (%ld)\n", r);
    return NULL;
}

int init_service_start(void (*stop)(int status), void (*restart)(void))
{
    pthread_t t;

    stop_machine = stop;
    restart_machine = restart;
    return pthread_create(&t, NULL, serve, NULL);
}
