/* libos <poll.h>: POSIX poll (implemented over the fd layer). */
#ifndef LIBOS_POLL_H
#define LIBOS_POLL_H

#ifdef __cplusplus
extern "C" {
#endif

struct pollfd {
    int fd;        /* descriptor to watch; negative: ignored */
    short events;  /* POLL* bits asked for */
    short revents; /* POLL* bits that hold */
};

typedef unsigned long nfds_t;

#define POLLIN     0x0001 /* data other than high priority may be read */
#define POLLPRI    0x0002 /* high-priority data may be read */
#define POLLOUT    0x0004 /* normal data may be written */
#define POLLERR    0x0008 /* an error occurred (revents only) */
#define POLLHUP    0x0010 /* hung up (revents only) */
#define POLLNVAL   0x0020 /* fd is not open (revents only) */
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM POLLOUT
#define POLLWRBAND 0x0100

int poll(struct pollfd fds[], nfds_t nfds, int timeout);

#ifdef __cplusplus
}
#endif

#endif
