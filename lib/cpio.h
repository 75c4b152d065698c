/* cpio "newc" archive reader (the boot archive format, `cpio -o -H newc`).
 *
 * Pure C over <stddef.h>/<stdint.h>/<string.h>: the kernel uses it to find
 * init in the boot archive, libos to find the programs it spawns. The archive
 * is untrusted: every field is checked against len, and a malformed archive
 * gives a negative CPIO_ERR_*, never a read outside [archive, archive + len).
 *
 * Entry layout: a 110-byte header ("070701" and 13 fields of 8 hex digits),
 * the name (namesize bytes, NUL included), padding to a multiple of 4 from
 * the archive start, the data (filesize bytes), padding to 4. The entry named
 * "TRAILER!!!" ends the archive. */
#ifndef KERNEL_CPIO_H
#define KERNEL_CPIO_H

#include <stddef.h>
#include <stdint.h>

/* File type bits of cpio_entry.mode (the POSIX S_IF* values). */
#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_REG  0100000u
#define CPIO_MODE_DIR  0040000u
#define CPIO_MODE_LNK  0120000u

struct cpio_entry {
    const char *name; /* NUL-terminated, in the archive, leading "./" removed */
    size_t namelen;   /* strlen(name) */
    const void *data; /* in the archive */
    size_t size;      /* bytes at data */
    uint32_t mode;    /* type and permission bits */
};

/* Return values (negative ones are errors). */
#define CPIO_OK        0
#define CPIO_END       1    /* cpio_next reached the TRAILER!!! entry */
#define CPIO_ERR_MAGIC (-1) /* header does not start with "070701" */
#define CPIO_ERR_HEX   (-2) /* a header field is not 8 hex digits */
#define CPIO_ERR_TRUNC (-3) /* header, name or data past the end, or no trailer */
#define CPIO_ERR_NAME  (-4) /* namesize 0, or a NUL missing or misplaced */
#define CPIO_ERR_ALIGN (-5) /* *offset is not a multiple of 4 */
#define CPIO_ERR_NOENT (-6) /* cpio_find: no entry has that name */

/* Read the entry at *offset of archive (len bytes). On CPIO_OK fills *out and
 * advances *offset to the next entry; on CPIO_END advances *offset past the
 * trailer; on an error leaves *offset unchanged. Start with *offset = 0. */
int cpio_next(const void *archive, size_t len, size_t *offset, struct cpio_entry *out);

/* Find the entry called name (a leading "./" or "/" in name is ignored).
 * Returns CPIO_OK and fills *out, CPIO_ERR_NOENT, or the error that stopped
 * the walk. */
int cpio_find(const void *archive, size_t len, const char *name, struct cpio_entry *out);

#endif
