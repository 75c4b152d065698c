/* Descriptors across posix_spawn (docs/pipes.md): the file actions and the
 * "inherited descriptors" records of the startup block (libos.h).
 *
 * The parent works out the child's table: its own descriptors without
 * FD_CLOEXEC, then the file actions in the order they were added (open,
 * dup2, close, as POSIX says). Each file left is offered to its kind's
 * inherit op, which names it by kind and grants what the child needs (a
 * pipe end's handle); a kind without one (none today but the ones below)
 * is closed in the child. Descriptors that share an open file in the
 * parent share one in the child. The child rebuilds the table from the
 * records before its constructors run. Open files are copied, not shared
 * across processes: status flags changed later (O_NONBLOCK) stay on one
 * side. */
#include "fdinherit.h"
#include "fd.h"
#include "libos.h"
#include "pipe.h"
#include "syscall.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>

enum fa_op { FA_OPEN, FA_DUP2, FA_CLOSE };

struct file_action {
    enum fa_op op;
    int fd, newfd, flags;
    mode_t mode;
    char *path;
};

struct __posix_spawn_file_actions {
    int n, cap;
    struct file_action *a;
};

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
    *fa = calloc(1, sizeof(**fa));
    return *fa == NULL ? ENOMEM : 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
    if (*fa == NULL)
        return 0;
    for (int i = 0; i < (*fa)->n; i++)
        free((*fa)->a[i].path);
    free((*fa)->a);
    free(*fa);
    *fa = NULL;
    return 0;
}

static int fa_add(posix_spawn_file_actions_t *fa, struct file_action act)
{
    struct __posix_spawn_file_actions *f = *fa;

    if (f == NULL)
        return EINVAL;
    if (act.fd < 0 || act.fd >= LIBOS_FD_MAX || act.newfd < 0 || act.newfd >= LIBOS_FD_MAX)
        return EBADF;
    if (f->n == f->cap) {
        int cap = f->cap ? f->cap * 2 : 8;
        struct file_action *a = realloc(f->a, (size_t)cap * sizeof(*a));

        if (a == NULL)
            return ENOMEM;
        f->a = a;
        f->cap = cap;
    }
    f->a[f->n++] = act;
    return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *__restrict fa, int fd,
                                     const char *__restrict path, int flags, mode_t mode)
{
    char *copy = path ? strdup(path) : NULL;
    int r;

    if (copy == NULL)
        return path ? ENOMEM : EINVAL;
    r = fa_add(fa, (struct file_action){FA_OPEN, fd, fd, flags, mode, copy});
    if (r != 0)
        free(copy);
    return r;
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd)
{
    return fa_add(fa, (struct file_action){FA_DUP2, fd, newfd, 0, 0, NULL});
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
    return fa_add(fa, (struct file_action){FA_CLOSE, fd, fd, 0, 0, NULL});
}

static void files_put(struct libos_file *files[LIBOS_FD_MAX])
{
    for (int fd = 0; fd < LIBOS_FD_MAX; fd++)
        if (files[fd])
            fd_put(files[fd]);
}

/* Apply the file actions to files (the child's table to be). 0 or errno. */
static int actions_apply(const struct __posix_spawn_file_actions *fa,
                         struct libos_file *files[LIBOS_FD_MAX], char cloexec[LIBOS_FD_MAX])
{
    for (int i = 0; fa != NULL && i < fa->n; i++) {
        const struct file_action *a = &fa->a[i];
        struct libos_file *f = NULL;
        int err;

        switch (a->op) {
        case FA_OPEN:
            f = fd_open_file(a->path, a->flags, a->mode, &err);
            if (f == NULL)
                return -err;
            break;
        case FA_DUP2:
            f = files[a->fd];
            if (f == NULL)
                return EBADF;
            if (a->fd == a->newfd) {
                cloexec[a->fd] = 0; /* POSIX: dup2 onto itself clears FD_CLOEXEC */
                continue;
            }
            fd_get_ref(f);
            break;
        case FA_CLOSE:
            break;
        }
        if (files[a->newfd])
            fd_put(files[a->newfd]);
        files[a->newfd] = f;
        cloexec[a->newfd] = a->op == FA_OPEN && (a->flags & O_CLOEXEC);
    }
    return 0;
}

/* Records of one build: LIBOS_FD_MAX descriptors, and the path records
 * that follow each file of the fs server (fs_file_inherit_path). */
#define FD_RECORDS_MAX (LIBOS_FD_MAX * 8)

int fd_inherit_build(long space, const posix_spawn_file_actions_t *fa,
                     struct libos_fd_record **recs, uint32_t *nrecs)
{
    struct libos_file *files[LIBOS_FD_MAX];
    struct libos_file *seen[FD_RECORDS_MAX];
    char cloexec[LIBOS_FD_MAX];
    struct libos_fd_record *r = calloc(FD_RECORDS_MAX, sizeof(*r));
    uint32_t n = 0;
    int err;

    if (r == NULL)
        return ENOMEM;
    fd_snapshot(files, cloexec);
    err = actions_apply(fa != NULL ? *fa : NULL, files, cloexec);
    for (int fd = 0; err == 0 && fd < LIBOS_FD_MAX; fd++) {
        struct libos_file *f = files[fd];
        struct libos_fd_record rec = {
            .fd = fd, .same = -1, .flags = f ? f->flags : 0, .handle = -1};
        int extra = 0;

        if (f == NULL || cloexec[fd] || f->ops->inherit == NULL)
            continue;
        for (uint32_t j = 0; j < n; j++)
            if (seen[j] == f)
                rec.same = (int16_t)j;
        if (rec.same < 0) {
            int e = f->ops->inherit(f, space, &rec);

            if (e < 0)
                err = -e;
            else if (rec.kind == LIBOS_FD_FILE) {
                /* rec.handle: how many path records follow. */
                extra = fs_file_inherit_path(f, &r[n + 1], FD_RECORDS_MAX - n - 1);
                if (extra < 0)
                    err = -extra;
                rec.handle = extra;
            }
        }
        if (err != 0)
            break;
        seen[n] = f;
        r[n++] = rec;
        for (int k = 0; k < extra; k++)
            seen[n++] = NULL;
    }
    files_put(files);
    if (err != 0) {
        free(r);
        return err;
    }
    *recs = r;
    *nrecs = n;
    return 0;
}

/* The child's side: rebuild the table from the records. A record the child
 * cannot rebuild leaves its descriptor closed. */
void fd_inherit_start(const struct libos_fd_record *rec, uint32_t n)
{
    extern struct libos_file console_std_file;
    static struct libos_file *made[FD_RECORDS_MAX];

    fd_table_clear();
    for (uint32_t i = 0; i < n && i < FD_RECORDS_MAX; i++) {
        struct libos_file *f = NULL;
        int err = 0, fd = rec[i].fd;

        if (fd < 0 || fd >= LIBOS_FD_MAX)
            continue;
        if (rec[i].same >= 0 && (uint32_t)rec[i].same < i) {
            f = made[rec[i].same];
            if (f)
                fd_get_ref(f);
        } else {
            switch (rec[i].kind) {
            case LIBOS_FD_CONSOLE:
                f = (rec[i].flags & O_ACCMODE) == O_RDWR && !(rec[i].flags & ~O_ACCMODE)
                        ? &console_std_file
                        : fd_open_file("/dev/console", rec[i].flags, 0, &err);
                break;
            case LIBOS_FD_NULL:
                f = fd_open_file("/dev/null", rec[i].flags, 0, &err);
                break;
            case LIBOS_FD_ZERO:
                f = fd_open_file("/dev/zero", rec[i].flags, 0, &err);
                break;
            case LIBOS_FD_PIPE:
                f = pipe_file_adopt(rec[i].handle, rec[i].flags, &err);
                break;
            case LIBOS_FD_FILE:
                if (rec[i].handle < 0 || (uint32_t)rec[i].handle >= n - i)
                    break;
                f = fs_file_adopt(&rec[i + 1], (uint32_t)rec[i].handle, rec[i].flags, &err);
                made[i] = f;
                if (f)
                    fd_place(fd, f);
                i += (uint32_t)rec[i].handle;
                continue;
            }
        }
        made[i] = f;
        if (f)
            fd_place(fd, f);
    }
}
