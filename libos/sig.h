/* libos signals, the internal side (the POSIX calls are in signal.c).
 *
 * Chime has no kernel signals: a signal is a bit libos posts for its own
 * process (the console's interrupt event, which arrives as a flag on a
 * console completion, becomes SIGINT; raise() posts too) and delivers at
 * the next libos entry that checks: the end of every console call (read,
 * write, ioctl on a terminal) and raise() itself. A program blocked in a
 * console read is woken by the interrupt (the read ends with EINTR), so ^C
 * reaches a program waiting for input at once, and one that prints at its
 * next write. A program that never enters libos is not interrupted. */
#ifndef LIBOS_SIG_H
#define LIBOS_SIG_H

#include <stddef.h>

extern volatile unsigned long libos_sig_pending;

/* Mark sig pending (1 .. NSIG-1). Safe anywhere, a uintr handler too. */
void libos_signal_post(int sig);

/* Run the actions of the pending, unblocked signals: a handler, nothing
 * (SIG_IGN), or the default (ending the process with status 128 + sig
 * for the signals whose default is to terminate). Returns 1 when a
 * handler ran (an interrupted call then fails with EINTR). */
int libos_signal_deliver(void);

static inline int libos_signals(void)
{
    return libos_sig_pending ? libos_signal_deliver() : 0;
}

/* Write to the kernel's debug console (the fallback before a console
 * server exists). Returns n or a negative errno value. */
long libos_debug_write(const void *buf, size_t n);

#endif
