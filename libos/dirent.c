/* Directory streams over the fs server's READDIR (proto/fs.h): a DIR is an
 * open directory descriptor, a buffer of records and the cookie that
 * resumes after the last one. Records come from the server and are checked
 * like any other untrusted input before they are used. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "fs_client.h"
#include "ipc.h"

#define DIR_BUF 4096u

struct __libos_dir {
    int fd;
    uint64_t cookie;      /* resumes after the last record taken */
    uint64_t next_cookie; /* the server's continuation after the buffer */
    uint32_t pos, len;    /* records in buf[pos, len) */
    int end;              /* the server said there are no more */
    struct dirent ent;
    unsigned char buf[DIR_BUF] __attribute__((aligned(8)));
};

int fs_file_handle(struct libos_file *f);

DIR *fdopendir(int fd)
{
    struct libos_file *f = fd_get(fd);
    struct stat st;
    DIR *d;

    if (f == NULL) {
        errno = EBADF;
        return NULL;
    }
    int handle = fs_file_handle(f);
    fd_put(f);
    if (handle < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return NULL;
    d->fd = fd;
    return d;
}

DIR *opendir(const char *path)
{
#ifdef O_DIRECTORY
    int fd = open(path, O_RDONLY | O_DIRECTORY);
#else
    int fd = open(path, O_RDONLY);
#endif
    DIR *d;

    if (fd < 0)
        return NULL;
    d = fdopendir(fd);
    if (d == NULL) {
        int e = errno;

        close(fd);
        errno = e;
    }
    return d;
}

/* Refill buf from the cookie; 1 if records came, 0 at the end, -1 on error. */
static int refill(DIR *d)
{
    struct libos_file *f = fd_get(d->fd);
    struct ipc_conn *c;
    uint64_t room;
    char *data;
    long r;

    if (f == NULL) {
        errno = EBADF;
        return -1;
    }
    int handle = fs_file_handle(f);
    fd_put(f);
    c = fs_conn_self();
    if (c == NULL || handle < 0) {
        errno = EBADF;
        return -1;
    }
    data = ipc_data(c);
    room = ipc_data_size(c);
    struct ipc_slot rq = {.opcode = FS_OP_READDIR,
                          .handle = handle,
                          .offset = d->cookie,
                          .data = 0,
                          .length = room < DIR_BUF ? room : DIR_BUF};
    struct ipc_slot cpl;
    r = fs_call(c, &rq, &cpl);
    if (r > 0 && (uint64_t)r <= rq.length)
        memcpy(d->buf, data, (size_t)r);
    if (r < 0) {
        errno = fs_errno(r);
        return -1;
    }
    if (r == 0 || (uint64_t)r > rq.length) {
        d->end = 1;
        return 0;
    }
    d->pos = 0;
    d->len = (uint32_t)r;
    d->next_cookie = cpl.offset;
    return 1;
}

struct dirent *readdir(DIR *d)
{
    for (;;) {
        if (d->pos + sizeof(struct fs_dirent) <= d->len) {
            const struct fs_dirent *e = (const struct fs_dirent *)(d->buf + d->pos);
            uint32_t need = (uint32_t)FS_DIRENT_SIZE(e->name_len);

            if (e->reclen < need || d->pos + e->reclen > d->len || (e->reclen & 7) != 0 ||
                e->name[e->name_len] != '\0') {
                /* A malformed record: stop here rather than guess. */
                d->end = 1;
                errno = EIO;
                return NULL;
            }
            d->pos += e->reclen;
            d->cookie = e->cookie;
            d->ent.d_ino = (ino_t)e->ino;
            d->ent.d_type = e->type;
            memcpy(d->ent.d_name, e->name, (size_t)e->name_len + 1);
            return &d->ent;
        }
        if (d->end)
            return NULL;
        int saved = errno;
        int r = refill(d);

        if (r <= 0) {
            if (r == 0)
                errno = saved; /* the end is not an error */
            return NULL;
        }
    }
}

int readdir_r(DIR *d, struct dirent *entry, struct dirent **result)
{
    int saved = errno;
    struct dirent *e;

    errno = 0;
    e = readdir(d);
    if (e == NULL && errno != 0) {
        int err = errno;

        errno = saved;
        *result = NULL;
        return err;
    }
    errno = saved;
    if (e != NULL)
        *entry = *e;
    *result = e != NULL ? entry : NULL;
    return 0;
}

void seekdir(DIR *d, long loc)
{
    d->cookie = (uint64_t)loc;
    d->pos = d->len = 0;
    d->end = 0;
}

void rewinddir(DIR *d)
{
    seekdir(d, 0);
}

long telldir(DIR *d)
{
    return (long)d->cookie;
}

int dirfd(DIR *d)
{
    return d->fd;
}

int closedir(DIR *d)
{
    int r = close(d->fd);

    free(d);
    return r;
}

int alphasort(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int scandir(const char *path, struct dirent ***list, int (*select)(const struct dirent *),
            int (*compar)(const struct dirent **, const struct dirent **))
{
    DIR *d = opendir(path);
    struct dirent **v = NULL, *e;
    size_t n = 0, cap = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (select != NULL && !select(e))
            continue;
        if (n == cap) {
            struct dirent **nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

            if (nv == NULL)
                goto fail;
            v = nv;
        }
        if ((v[n] = malloc(sizeof(*e))) == NULL)
            goto fail;
        *v[n++] = *e;
    }
    closedir(d);
    if (compar != NULL && n > 1)
        qsort(v, n, sizeof(*v), (int (*)(const void *, const void *))compar);
    *list = v;
    return (int)n;
fail:
    while (n > 0)
        free(v[--n]);
    free(v);
    closedir(d);
    errno = ENOMEM;
    return -1;
}
