/* cpio newc reader: see cpio.h for the format and the contract. */
#include "lib/cpio.h"

#include <string.h>

#define CPIO_HDR_SIZE  110u
#define CPIO_MAGIC     "070701"
#define CPIO_MAGIC_LEN 6u
#define CPIO_TRAILER   "TRAILER!!!"

/* Field indices in the header, each 8 hex digits after the magic. */
enum cpio_field {
    F_INO,
    F_MODE,
    F_UID,
    F_GID,
    F_NLINK,
    F_MTIME,
    F_FILESIZE,
    F_DEVMAJOR,
    F_DEVMINOR,
    F_RDEVMAJOR,
    F_RDEVMINOR,
    F_NAMESIZE,
    F_CHECK,
};

static size_t align4(size_t x)
{
    return (x + 3) & ~(size_t)3;
}

/* Field f of the header at h into *v; -1 if it is not 8 hex digits. */
static int hex_field(const char *h, enum cpio_field f, uint32_t *v)
{
    const char *p = h + CPIO_MAGIC_LEN + 8 * (size_t)f;
    uint32_t x = 0;

    for (int i = 0; i < 8; i++) {
        char c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return -1;
        x = x << 4 | d;
    }
    *v = x;
    return 0;
}

int cpio_next(const void *archive, size_t len, size_t *offset, struct cpio_entry *out)
{
    const char *a = archive;
    size_t off = *offset;
    uint32_t fld[F_CHECK + 1];

    if (off % 4 != 0)
        return CPIO_ERR_ALIGN;
    if (off > len || len - off < CPIO_HDR_SIZE)
        return CPIO_ERR_TRUNC;
    const char *h = a + off;
    if (memcmp(h, CPIO_MAGIC, CPIO_MAGIC_LEN) != 0)
        return CPIO_ERR_MAGIC;
    for (int f = F_INO; f <= F_CHECK; f++) {
        if (hex_field(h, (enum cpio_field)f, &fld[f]) != 0)
            return CPIO_ERR_HEX;
    }
    uint32_t filesize = fld[F_FILESIZE], namesize = fld[F_NAMESIZE];

    /* Sizes are at most 2^32 - 1, so these sums cannot wrap a 64-bit size_t;
     * compare against what is left rather than adding to off anyway. */
    size_t left = len - off - CPIO_HDR_SIZE;
    const char *name = h + CPIO_HDR_SIZE;
    if (namesize == 0)
        return CPIO_ERR_NAME;
    if (namesize > left)
        return CPIO_ERR_TRUNC;
    if (name[namesize - 1] != '\0' || memchr(name, '\0', namesize - 1) != NULL)
        return CPIO_ERR_NAME;
    size_t data_off = align4(off + CPIO_HDR_SIZE + namesize);
    if (data_off > len || filesize > len - data_off)
        return CPIO_ERR_TRUNC;

    if (namesize == sizeof(CPIO_TRAILER) && memcmp(name, CPIO_TRAILER, namesize) == 0) {
        *offset = data_off + filesize;
        return CPIO_END;
    }
    if (name[0] == '.' && name[1] == '/') {
        name += 2;
        namesize -= 2;
    }
    out->name = name;
    out->namelen = namesize - 1;
    out->data = a + data_off;
    out->size = filesize;
    out->mode = fld[F_MODE];
    /* The next header may sit past len (then the next call reports it). */
    *offset = align4(data_off + filesize);
    return CPIO_OK;
}

int cpio_find(const void *archive, size_t len, const char *name, struct cpio_entry *out)
{
    struct cpio_entry e;
    size_t off = 0, n;
    int r;

    while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
        name += name[0] == '/' ? 1 : 2;
    n = strlen(name);
    while ((r = cpio_next(archive, len, &off, &e)) == CPIO_OK) {
        if (e.namelen == n && memcmp(e.name, name, n) == 0) {
            *out = e;
            return CPIO_OK;
        }
    }
    return r == CPIO_END ? CPIO_ERR_NOENT : r;
}
