/* The init protocol: what a program asks of the root task. Served by
 * servers/init (its service thread), used by apps/poweroff and
 * apps/reboot. Shaped like
 * proto/echo.h.
 *
 * Any process may connect (there are no users yet): stopping the machine
 * is what a shell's poweroff does on a single-user system. */
#ifndef CHIME_PROTO_INIT_H
#define CHIME_PROTO_INIT_H

#define INIT_SERVICE "init"

enum init_op {
    /* Stop the machine: init writes back the file system (fs SYNC, which
     * flushes the disk), drains the console and powers off, so QEMU exits
     * with the status. The request is not answered when it succeeds.
     *   request:    arg           exit status for QEMU (0..255)
     *   completion: result        CHIME_EINVAL (arg over 255) */
    INIT_OP_POWEROFF = 1,
    /* Restart the machine: as INIT_OP_POWEROFF, then an SBI cold reboot
     * (SYS_REBOOT); QEMU boots the guest again, or exits with 0 under
     * -no-reboot. The request is not answered when it succeeds.
     *   request:    nothing
     *   completion: result        (only on failure) */
    INIT_OP_REBOOT = 2,
};

#endif
