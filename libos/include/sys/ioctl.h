/* <sys/ioctl.h> for libos: the terminal requests the console answers
 * (libos/console.c), numbered as on Linux. */
#ifndef LIBOS_SYS_IOCTL_H
#define LIBOS_SYS_IOCTL_H

#define TCGETS        0x5401 /* struct termios * */
#define TCSETS        0x5402 /* const struct termios *: now */
#define TCSETSW       0x5403 /* ... after output drains */
#define TCSETSF       0x5404 /* ... after output drains, input flushed */
#define TCFLSH        0x540B /* int queue (TCIFLUSH ...) */
#define TIOCGPGRP     0x540F /* pid_t *: the foreground process */
#define TIOCSPGRP     0x5410 /* const pid_t * */
#define TIOCGWINSZ    0x5413 /* struct winsize * */
#define TIOCSWINSZ    0x5414 /* const struct winsize * */
#define TCDRAIN_LIBOS 0x54ff /* (none): wait until output has left (tcdrain) */

struct winsize {
    unsigned short ws_row;
    unsigned short ws_col;
    unsigned short ws_xpixel;
    unsigned short ws_ypixel;
};

int ioctl(int fd, unsigned long request, ...);

#endif
