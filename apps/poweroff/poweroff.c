/* poweroff [STATUS]: write back the file system and stop the machine (QEMU
 * exits with STATUS, default 0), through init (include/chime/proto/init.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <chime/proto/init.h>

#include <libos/ipc.h>
#include <libos/libos.h>

int main(int argc, char **argv)
{
    struct ipc_conn *c;
    struct ipc_slot req = {.opcode = INIT_OP_POWEROFF}, reply;
    char *end;
    long r, status = 0;

    if (argc > 2) {
        fprintf(stderr, "usage: poweroff [STATUS]\n");
        return 2;
    }
    if (argc == 2) {
        status = strtol(argv[1], &end, 10);
        if (*argv[1] == '\0' || *end != '\0' || status < 0 || status > 255) {
            fprintf(stderr, "poweroff: %s: not a status from 0 to 255\n", argv[1]);
            return 2;
        }
    }
    sync();
    r = ipc_connect(&c, INIT_SERVICE, 0, 0);
    if (r < 0) {
        fprintf(stderr, "poweroff: cannot reach init: %s\n", strerror(libos_errno(r)));
        return 1;
    }
    req.arg = (uint64_t)status;
    r = ipc_call(c, &req, &reply);
    fprintf(stderr, "poweroff: init refused: %s\n", strerror(libos_errno(r)));
    return 1;
}
