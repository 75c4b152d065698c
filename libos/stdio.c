/* stdin, stdout, stderr for picolibc's tinystdio.
 *
 * stdout and stderr are line buffered over write(), which sends fds 1 and 2
 * to SYS_DEBUG_WRITE: a whole line leaves in one syscall, so lines from
 * different processes and harts never mix on the console. stdin reads fd 0
 * (end of file until a console server exists). */
#include <stdio-bufio.h>
#include <stdio.h>
#include <unistd.h>

static char stdin_buf[64];
static char stdout_buf[256];
static char stderr_buf[256];

static struct __file_bufio stdin_file = FDEV_SETUP_BUFIO(0, stdin_buf, sizeof(stdin_buf), read,
                                                         write, lseek, close, _FDEV_SETUP_READ, 0);
static struct __file_bufio stdout_file = FDEV_SETUP_BUFIO(
    1, stdout_buf, sizeof(stdout_buf), read, write, lseek, close, _FDEV_SETUP_WRITE, __BLBF);
static struct __file_bufio stderr_file = FDEV_SETUP_BUFIO(
    2, stderr_buf, sizeof(stderr_buf), read, write, lseek, close, _FDEV_SETUP_WRITE, __BLBF);

FILE *const stdin = &stdin_file.xfile.cfile.file;
FILE *const stdout = &stdout_file.xfile.cfile.file;
FILE *const stderr = &stderr_file.xfile.cfile.file;
