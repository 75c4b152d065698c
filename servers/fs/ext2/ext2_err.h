/* Error codes of the ext2 library.
 *
 * Every function returns a value >= 0 on success or a negative code. The
 * Chime codes (include/chime/errno.h) are used where they fit; the file-system
 * conditions the kernel ABI has no name for are numbered below them, from -64
 * down, so the two sets never collide. */
#ifndef EXT2_ERR_H
#define EXT2_ERR_H

#include <chime/errno.h>

#define EXT2_OK           CHIME_OK
#define EXT2_EINVAL       CHIME_EINVAL  /* bad argument, or rename of a dir into itself */
#define EXT2_ENOMEM       CHIME_ENOMEM  /* allocation failed, or every cache buffer pinned */
#define EXT2_EPERM        CHIME_EPERM   /* hard link to a directory */
#define EXT2_ENOENT       CHIME_ENOENT  /* no such file or directory */
#define EXT2_EEXIST       CHIME_EEXIST  /* name already exists */
#define EXT2_EBUSY        CHIME_EBUSY   /* removing "/" */
#define EXT2_ERANGE       CHIME_ERANGE  /* buffer too small */
#define EXT2_ENOTSUP      CHIME_ENOTSUP /* the image uses a feature this library lacks */
#define EXT2_EIO          (-64)         /* the block device failed */
#define EXT2_ECORRUPT     (-65)         /* on-disk structure inconsistent (see fs error message) */
#define EXT2_ENOTDIR      (-66)         /* a path component is not a directory */
#define EXT2_EISDIR       (-67)         /* operation on a directory that needs a non-directory */
#define EXT2_ENOTEMPTY    (-68)         /* directory not empty */
#define EXT2_ENOSPC       (-69)         /* no free block or inode */
#define EXT2_ENAMETOOLONG (-70)         /* name over 255 bytes or path over EXT2_PATH_MAX */
#define EXT2_EROFS        (-71)         /* file system mounted read-only */
#define EXT2_EFBIG        (-72)         /* file would exceed the largest size the format allows */
#define EXT2_EMLINK       (-73)         /* too many links */
#define EXT2_ELOOP        (-74)         /* too many symbolic links in a path */

/* A short English name for an error code ("no space left on device"). */
const char *ext2_strerror(int err);

#endif
