/* Error codes of the ext2 library.
 *
 * Every function returns a value >= 0 on success or a negative code: a
 * Chime code (include/chime/errno.h), so the fs server passes them on as
 * they are, except EXT2_ECORRUPT, which has no POSIX name and is numbered
 * far below the Chime codes (the server reports it as CHIME_EIO). */
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
#define EXT2_EIO          CHIME_EIO     /* the block device failed */
#define EXT2_ECORRUPT     (-65)         /* on-disk structure inconsistent (see fs error message) */
#define EXT2_ENOTDIR      CHIME_ENOTDIR /* a path component is not a directory */
#define EXT2_EISDIR       CHIME_EISDIR  /* operation on a directory that needs a non-directory */
#define EXT2_ENOTEMPTY    CHIME_ENOTEMPTY    /* directory not empty */
#define EXT2_ENOSPC       CHIME_ENOSPC       /* no free block or inode */
#define EXT2_ENAMETOOLONG CHIME_ENAMETOOLONG /* name over 255 bytes or path over EXT2_PATH_MAX */
#define EXT2_EROFS        CHIME_EROFS        /* file system mounted read-only */
#define EXT2_EFBIG        CHIME_EFBIG  /* file would exceed the largest size the format allows */
#define EXT2_EMLINK       CHIME_EMLINK /* too many links */
#define EXT2_ELOOP        CHIME_ELOOP  /* too many symbolic links in a path */

/* A short English name for an error code ("no space left on device"). */
const char *ext2_strerror(int err);

#endif
