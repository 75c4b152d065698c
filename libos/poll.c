/* poll() and select() over the descriptor kinds' poll ops (fd.h).
 *
 * One pass asks every descriptor what is ready. If nothing is and the
 * caller may wait, each descriptor is armed (a pipe end watches this
 * thread's pipe vector, pipe.h), the readiness is asked again (an event
 * between the two passes is then not lost), and the thread sleeps on the
 * pipe vector until an event or the timeout; then it disarms and asks
 * again. A kind with no event to announce readiness (the console's input)
 * makes the sleep a slice of LIBOS_POLL_SLICE_NS at most. Kinds without a
 * poll op are always ready for reading and writing, like a regular file. */
#include "fd.h"
#include "pipe.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/select.h>
#include <time.h>

#include "libos.h"
#include "syscall.h"

/* The readiness of one entry now. */
static short entry_ready(struct pollfd *p)
{
    struct libos_file *f;
    int r;

    if (p->fd < 0)
        return 0;
    f = fd_get(p->fd);
    if (!f)
        return POLLNVAL;
    if (f->ops->poll) {
        r = f->ops->poll(f, p->events, 0);
    } else {
        r = p->events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
    }
    fd_put(f);
    return (short)(r < 0 ? POLLERR : r);
}

static int scan(struct pollfd *fds, nfds_t n)
{
    int count = 0;

    for (nfds_t i = 0; i < n; i++) {
        fds[i].revents = entry_ready(&fds[i]);
        if (fds[i].revents)
            count++;
    }
    return count;
}

/* Arm (1) or disarm (-1) every entry that has a poll op. Returns 1 when
 * some entry has no wake-up event (sleep in slices). */
static int arm_all(struct pollfd *fds, nfds_t n, int arm)
{
    int sliced = 0;

    for (nfds_t i = 0; i < n; i++) {
        struct libos_file *f = fds[i].fd >= 0 ? fd_get(fds[i].fd) : NULL;

        if (!f)
            continue;
        if (f->ops->poll && f->ops->poll(f, fds[i].events, arm) == 1)
            sliced = 1;
        fd_put(f);
    }
    return sliced;
}

static uint64_t now_ns(void)
{
    return (uint64_t)syscall0(SYS_CLOCK_GET);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    uint64_t deadline = timeout < 0 ? CHIME_FOREVER : now_ns() + (uint64_t)timeout * 1000000u;
    int n;

    if (nfds > LIBOS_FD_MAX * 4) {
        errno = EINVAL;
        return -1;
    }
    if (nfds > 0 && fds == NULL) {
        errno = EFAULT;
        return -1;
    }
    for (;;) {
        n = scan(fds, nfds);
        if (n > 0 || timeout == 0)
            return n;
        uint64_t t = now_ns();

        if (deadline != CHIME_FOREVER && t >= deadline)
            return 0;
        int sliced = arm_all(fds, nfds, 1);
        uint64_t wait = deadline == CHIME_FOREVER ? CHIME_FOREVER : deadline - t;

        if (sliced && wait > LIBOS_POLL_SLICE_NS)
            wait = LIBOS_POLL_SLICE_NS;
        n = scan(fds, nfds);
        if (n == 0)
            libos_pipe_sleep(wait);
        arm_all(fds, nfds, -1);
        if (n > 0)
            return n;
    }
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
    struct pollfd p[LIBOS_FD_MAX];
    int n = 0, ready, count = 0;

    if (nfds < 0 || nfds > LIBOS_FD_MAX) {
        errno = EINVAL;
        return -1;
    }
    for (int fd = 0; fd < nfds; fd++) {
        short ev = (rd && FD_ISSET(fd, rd) ? POLLIN : 0) | (wr && FD_ISSET(fd, wr) ? POLLOUT : 0);

        if (ev || (ex && FD_ISSET(fd, ex)))
            p[n++] = (struct pollfd){fd, ev, 0};
    }
    ready = poll(p, (nfds_t)n, tv ? (int)(tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000) : -1);
    if (ready < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (p[i].revents & POLLNVAL) {
            errno = EBADF;
            return -1;
        }
    }
    if (rd)
        FD_ZERO(rd);
    if (wr)
        FD_ZERO(wr);
    if (ex)
        FD_ZERO(ex);
    for (int i = 0; i < n; i++) {
        short r = p[i].revents;

        if (rd && (r & (POLLIN | POLLHUP | POLLERR)) && (p[i].events & POLLIN)) {
            FD_SET(p[i].fd, rd);
            count++;
        }
        if (wr && (r & (POLLOUT | POLLERR)) && (p[i].events & POLLOUT)) {
            FD_SET(p[i].fd, wr);
            count++;
        }
    }
    return count;
}
