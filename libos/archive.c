/* The boot archive (cpio newc) this process may spawn programs from, and
 * small facts about the machine. */
#include "libos.h"
#include "private.h"
#include "lock.h"
#include "syscall.h"

#include <stdint.h>

static int archive_h = -1;
static const void *archive_base;
static size_t archive_len;
static struct libos_lock archive_lock;

void libos_set_archive_handle(int h)
{
    archive_h = h;
}

int libos_archive_handle(void)
{
    return archive_h;
}

/* Map the whole frames object read-only; its size comes from HANDLE_INFO. */
static int archive_map(void)
{
    struct sysret2 info;
    uint64_t size;
    long r;

    if (archive_h < 0)
        return CHIME_ENOENT;
    info = syscall3_2(SYS_HANDLE_INFO, archive_h, 0, 0);
    if (info.a0 < 0)
        return (int)info.a0;
    if (info.a0 != CHIME_OBJ_FRAMES)
        return CHIME_EBADH;
    size = (uint64_t)info.a1;
    if (size == 0 || size > LIBOS_ARCHIVE_MAX)
        return CHIME_EINVAL;
    r = syscall6(SYS_SPACE_MAP_FRAMES, CHIME_SELF, archive_h, 0, (long)LIBOS_ARCHIVE_VA,
                 (long)((size + CHIME_PAGE_SIZE - 1) & ~(CHIME_PAGE_SIZE - 1)), CHIME_PROT_READ);
    if (r < 0)
        return (int)r;
    archive_len = size;
    __atomic_store_n(&archive_base, (const void *)LIBOS_ARCHIVE_VA, __ATOMIC_RELEASE);
    return 0;
}

int libos_archive(const void **base, size_t *len)
{
    int r = 0;

    if (__atomic_load_n(&archive_base, __ATOMIC_ACQUIRE) == NULL) {
        libos_lock(&archive_lock);
        if (archive_base == NULL)
            r = archive_map();
        libos_unlock(&archive_lock);
    }
    if (r < 0)
        return r;
    *base = archive_base;
    *len = archive_len;
    return 0;
}

int libos_hart_self(void)
{
    return (int)syscall0(SYS_HART_SELF);
}

int libos_nharts(void)
{
    const struct chime_info *info = libos_info();

    if (info->magic != CHIME_INFO_MAGIC || info->nharts == 0)
        return 1;
    return (int)info->nharts;
}
