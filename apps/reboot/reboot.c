/* reboot: write back the file system and restart the machine, through init
 * (INIT_OP_REBOOT, include/chime/proto/init.h). Under QEMU the guest boots
 * again (with -no-reboot QEMU exits instead). No options or operands. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <chime/proto/init.h>

#include <libos/ipc.h>
#include <libos/libos.h>

int main(int argc, char **argv)
{
    struct ipc_conn *c;
    struct ipc_slot req = {.opcode = INIT_OP_REBOOT}, reply;
    long r;

    if (argc > 1) {
        fprintf(stderr, "usage: reboot\n");
        return 2;
    }
    sync();
    r = ipc_connect(&c, INIT_SERVICE, 0, 0);
    if (r < 0) {
        fprintf(stderr, "reboot: cannot reach init: %s\n", strerror(libos_errno(r)));
        return 1;
    }
    r = ipc_call(c, &req, &reply);
    fprintf(stderr, "reboot: init refused: %s\n", strerror(libos_errno(r)));
    return 1;
}
