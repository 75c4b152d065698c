/* The process's cwd and umask, which live in libos: a relative path is
 * made absolute here (fs_abspath) and resolved, "." and ".." and symlinks
 * included, by the server.
 *
 * The cwd is a string, set by chdir after the server confirmed a
 * directory. A program starts in $PWD when that is an absolute path (a
 * spawning parent passes its environment, and chdir keeps PWD current),
 * else in "/". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_client.h"
#include "fs_stat.h"

static char cwd[FS_PATH_MAX];
static size_t cwd_len;
static mode_t cmask = 022;

static const char *cwd_now(void)
{
    if (cwd[0] == '\0') {
        const char *pwd = getenv("PWD");

        if (pwd != NULL && pwd[0] == '/' && strlen(pwd) < sizeof(cwd))
            strcpy(cwd, pwd);
        else
            strcpy(cwd, "/");
        cwd_len = strlen(cwd);
    }
    return cwd;
}

/* Copy the string in to out, at most room bytes with its NUL: its length,
 * or -1 when it does not fit. One pass, where strnlen and memcpy are two
 * (paths are short). */
static int copy_string(char *out, const char *in, size_t room)
{
    size_t i = 0;

    for (; i + 4 <= room; i += 4) { /* four a turn: one loop test each */
        if ((out[i] = in[i]) == '\0')
            return (int)i;
        if ((out[i + 1] = in[i + 1]) == '\0')
            return (int)i + 1;
        if ((out[i + 2] = in[i + 2]) == '\0')
            return (int)i + 2;
        if ((out[i + 3] = in[i + 3]) == '\0')
            return (int)i + 3;
    }
    for (; i < room; i++)
        if ((out[i] = in[i]) == '\0')
            return (int)i;
    return -1;
}

int fs_abspath(const char *path, char *out)
{
    size_t b;
    int n;

    if (path[0] == '\0')
        return -ENOENT;
    if (path[0] == '/') {
        n = copy_string(out, path, FS_PATH_MAX);
        return n < 0 ? -ENAMETOOLONG : n;
    }
    const char *base = cwd_now();
    b = cwd_len;
    memcpy(out, base, b);
    if (base[b - 1] != '/')
        out[b++] = '/';
    n = copy_string(out + b, path, FS_PATH_MAX - b);
    return n < 0 ? -ENAMETOOLONG : (int)b + n;
}

mode_t umask(mode_t mask)
{
    mode_t old = cmask;

    cmask = mask & 0777;
    return old;
}

mode_t fs_umask(void)
{
    return cmask;
}

int chdir(const char *path)
{
    char abs[FS_PATH_MAX];
    struct stat st;
    int err;

    if (path == NULL) {
        errno = EFAULT;
        return -1;
    }
    if ((err = fs_abspath(path, abs)) < 0) {
        errno = -err;
        return -1;
    }
    if (stat(abs, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    fs_normalize(abs);
    strcpy(cwd, abs);
    cwd_len = strlen(cwd);
    setenv("PWD", cwd, 1);
    return 0;
}

char *getcwd(char *buf, size_t size)
{
    const char *c = cwd_now();
    size_t n = strlen(c) + 1;

    if (buf == NULL) {
        /* POSIX leaves it unspecified; allocate as glibc and musl do. */
        buf = malloc(size > n ? size : n);
        if (buf == NULL)
            return NULL;
        size = size > n ? size : n;
    }
    if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (n > size) {
        errno = ERANGE;
        return NULL;
    }
    memcpy(buf, c, n);
    return buf;
}

void fs_normalize(char *path)
{
    char *out = path, *in = path;

    while (*in != '\0') {
        while (*in == '/')
            in++;
        const char *name = in;
        size_t n = 0;

        while (in[n] != '\0' && in[n] != '/')
            n++;
        in += n;
        if (n == 0 || (n == 1 && name[0] == '.'))
            continue;
        if (n == 2 && name[0] == '.' && name[1] == '.') {
            while (out > path && *--out != '/')
                ;
            continue;
        }
        *out++ = '/';
        memmove(out, name, n);
        out += n;
    }
    if (out == path)
        *out++ = '/';
    *out = '\0';
}
