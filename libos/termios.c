/* <termios.h> and the terminal calls of <unistd.h>, over the ioctl
 * requests of <sys/ioctl.h> (answered by a descriptor kind's ioctl op). */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int tcgetattr(int fd, struct termios *t)
{
    return ioctl(fd, TCGETS, t);
}

int tcsetattr(int fd, int action, const struct termios *t)
{
    static const unsigned long req[] = {TCSETS, TCSETSW, TCSETSF};

    if (action < TCSANOW || action > TCSAFLUSH) {
        errno = EINVAL;
        return -1;
    }
    return ioctl(fd, req[action], t);
}

int tcdrain(int fd)
{
    return ioctl(fd, TCDRAIN_LIBOS, NULL);
}

int tcflush(int fd, int queue)
{
    return ioctl(fd, TCFLSH, (void *)(long)queue);
}

/* The UART has no flow control or break to give. */
int tcflow(int fd, int action)
{
    struct termios t;

    if (tcgetattr(fd, &t) < 0)
        return -1;
    if (action < TCOOFF || action > TCION) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int tcsendbreak(int fd, int duration)
{
    struct termios t;

    return tcgetattr(fd, &t);
}

void cfmakeraw(struct termios *t)
{
    t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t->c_oflag &= ~(tcflag_t)OPOST;
    t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t->c_cflag |= CS8;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

speed_t cfgetispeed(const struct termios *t)
{
    return t->c_ispeed;
}

speed_t cfgetospeed(const struct termios *t)
{
    return t->c_ospeed;
}

int cfsetispeed(struct termios *t, speed_t speed)
{
    t->c_ispeed = speed;
    return 0;
}

int cfsetospeed(struct termios *t, speed_t speed)
{
    t->c_ospeed = speed;
    return 0;
}

pid_t tcgetpgrp(int fd)
{
    pid_t pg;

    return ioctl(fd, TIOCGPGRP, &pg) < 0 ? -1 : pg;
}

/* pgrp is a kernel process id, as getpid() returns. */
int tcsetpgrp(int fd, pid_t pgrp)
{
    return ioctl(fd, TIOCSPGRP, &pgrp);
}
