/* stdin, stdout, stderr for picolibc's tinystdio, over fds 0, 1 and 2
 * (the console, fd.c and console.c), as a C programmer expects them:
 *
 *   stdout  line buffered (it is a terminal): a line leaves in one write,
 *           and the console server keeps every client's lines whole
 *   stderr  unbuffered: every character is written at once (the server
 *           still assembles them into whole lines)
 *   stdin   buffered; a read from it first flushes stdout, so a prompt
 *           printed without a newline shows before the program waits */
#include <stdio-bufio.h>
#include <stdio.h>
#include <unistd.h>

static char stdin_buf[256];
static char stdout_buf[256];

static ssize_t stdin_read(int fd, void *buf, size_t n)
{
    fflush(stdout);
    return read(fd, buf, n);
}

static int stderr_put(char c, FILE *f)
{
    return write(2, &c, 1) == 1 ? (unsigned char)c : EOF;
}

static struct __file_bufio stdin_file = FDEV_SETUP_BUFIO(
    0, stdin_buf, sizeof(stdin_buf), stdin_read, write, lseek, close, _FDEV_SETUP_READ, 0);
static struct __file_bufio stdout_file = FDEV_SETUP_BUFIO(
    1, stdout_buf, sizeof(stdout_buf), read, write, lseek, close, _FDEV_SETUP_WRITE, __BLBF);
static FILE stderr_file = FDEV_SETUP_STREAM(stderr_put, NULL, NULL, _FDEV_SETUP_WRITE);

FILE *const stdin = &stdin_file.xfile.cfile.file;
FILE *const stdout = &stdout_file.xfile.cfile.file;
FILE *const stderr = &stderr_file;
