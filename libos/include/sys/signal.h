/* libos: picolibc's <sys/signal.h> with POSIX's struct sigevent, which
 * picolibc trims to three fields: SIGEV_THREAD needs the notify function
 * and attributes too (AIO completions, DESIGN §6). No picolibc function
 * that libos links takes a struct sigevent, so renaming its copy is safe. */
#ifndef LIBOS_SYS_SIGNAL_H
#define LIBOS_SYS_SIGNAL_H

#define sigevent __picolibc_sigevent
#include_next <sys/signal.h>
#undef sigevent

#if __POSIX_VISIBLE >= 199309
#include <sys/_pthreadtypes.h>

struct sigevent {
    int sigev_notify;                            /* SIGEV_NONE, _SIGNAL or _THREAD */
    int sigev_signo;                             /* signal number */
    union sigval sigev_value;                    /* value passed along */
    void (*sigev_notify_function)(union sigval); /* SIGEV_THREAD: called with it */
    pthread_attr_t *sigev_notify_attributes;     /* SIGEV_THREAD: attributes, or NULL */
};
#endif

#endif
