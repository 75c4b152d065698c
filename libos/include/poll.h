/* poll() (POSIX), implemented by libos/poll.c over the descriptor kinds. */
#ifndef _POLL_H
#define _POLL_H

#ifdef __cplusplus
extern "C" {
#endif

#define POLLIN     0x0001 /* data to read */
#define POLLPRI    0x0002 /* urgent data to read */
#define POLLOUT    0x0004 /* writing will not block */
#define POLLERR    0x0008 /* error (revents only): a pipe with no reader */
#define POLLHUP    0x0010 /* hang up (revents only): a pipe with no writer */
#define POLLNVAL   0x0020 /* fd not open (revents only) */
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200

typedef unsigned int nfds_t;

struct pollfd {
    int fd;        /* descriptor; negative: ignored, revents = 0 */
    short events;  /* what to wait for */
    short revents; /* what happened */
};

/* Wait up to timeout ms (negative: no limit, 0: do not wait) until one of
 * the fds is ready; returns how many have revents != 0, 0 on timeout, or
 * -1 with errno (EINVAL for nfds too large, EFAULT). */
int poll(struct pollfd *fds, nfds_t nfds, int timeout);

#ifdef __cplusplus
}
#endif

#endif
