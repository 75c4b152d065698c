/* posix_spawn and fs files (fdinherit.c calls these).
 *
 * A handle belongs to one process, so a child cannot use its parent's: it
 * opens the same path again (without O_CREAT, O_EXCL or O_TRUNC) and
 * starts at the parent's offset. The offset is then the child's own: not
 * shared after the spawn (docs/posix.md). A file renamed or unlinked in
 * between is not found again, and the descriptor stays closed. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "fd.h"
#include "libos.h"
#include "fs_file.h"

int fs_file_inherit(struct libos_file *f, long space, struct libos_fd_record *rec)
{
    (void)f;
    (void)space;
    rec->kind = LIBOS_FD_FILE;
    return 0;
}

int fs_file_inherit_path(struct libos_file *f, struct libos_fd_record *rec, uint32_t room)
{
    const char *path = ((struct fs_file *)f->priv)->path;
    size_t bytes = 8 + strlen(path) + 1;
    uint32_t need = (uint32_t)((bytes + sizeof(*rec) - 1) / sizeof(*rec));

    if (need > room)
        return -ENAMETOOLONG;
    memset(rec, 0, need * sizeof(*rec));
    memcpy(rec, &f->offset, 8);
    memcpy((char *)rec + 8, path, bytes - 8);
    return (int)need;
}

struct libos_file *fs_file_adopt(const struct libos_fd_record *rec, uint32_t n, int flags, int *err)
{
    const char *path = (const char *)rec + 8;
    size_t room = n * sizeof(*rec);
    uint64_t offset;
    struct libos_file *f;

    if (room <= 8 || memchr(path, '\0', room - 8) == NULL) {
        *err = -EINVAL;
        return NULL;
    }
    memcpy(&offset, rec, 8);
    f = fs_file_open(path, flags & ~(O_CREAT | O_EXCL | O_TRUNC), 0, err);
    if (f != NULL)
        f->offset = offset;
    return f;
}
