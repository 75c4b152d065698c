/* Chime error codes: every syscall returns a value >= 0 on success or a
 * negative CHIME_E* code. libos maps them to errno (see libos/errno.c). */
#ifndef CHIME_ERRNO_H
#define CHIME_ERRNO_H

#define CHIME_OK        0
#define CHIME_EINVAL    -1  /* malformed argument (bad flag, size, alignment) */
#define CHIME_EFAULT    -2  /* a pointer argument is not valid user memory */
#define CHIME_ENOMEM    -3  /* out of frames or table slots */
#define CHIME_EBADH     -4  /* not a handle, or a handle of the wrong type */
#define CHIME_EPERM     -5  /* the handle lacks a right the call needs */
#define CHIME_ENOENT    -6  /* no such name (service, boot module) */
#define CHIME_EEXIST    -7  /* already present (service name, mapping, vector) */
#define CHIME_EBUSY     -8  /* resource in use (vector taken, IRQ bound) */
#define CHIME_ETIMEDOUT -9  /* a wait's timeout expired */
#define CHIME_EAGAIN    -10 /* try again (queue full) */
#define CHIME_ENOSYS    -11 /* no such syscall */
#define CHIME_EPIPE     -12 /* the peer of a connection is gone */
#define CHIME_ESRCH     -13 /* the target thread or process has exited */
#define CHIME_ERANGE    -14 /* an index or offset is out of range */
#define CHIME_EINTR     -15 /* a wait was cut short */
#define CHIME_ENOTSUP   -16 /* valid request this kernel does not implement */
#define CHIME_EIO       -17 /* a device reported an error */
#define CHIME_EROFS     -18 /* a write to a read-only device */
/* File-system conditions (the fs protocol, include/chime/proto/fs.h). */
#define CHIME_ENOTDIR      -19 /* a path component is not a directory */
#define CHIME_EISDIR       -20 /* the operation needs a non-directory */
#define CHIME_ENOTEMPTY    -21 /* the directory is not empty */
#define CHIME_ENOSPC       -22 /* no free block or inode */
#define CHIME_ENAMETOOLONG -23 /* a name over 255 bytes or a path over PATH_MAX */
#define CHIME_ELOOP        -24 /* too many symbolic links in a path */
#define CHIME_EFBIG        -25 /* the file would pass the largest size allowed */
#define CHIME_EMLINK       -26 /* too many links to one inode */
#define CHIME_EMFILE       -27 /* the caller has the most open files it may */
#define CHIME_EXDEV        -28 /* a link or rename between two file systems */
#define CHIME_EBADF        -29 /* no open file by that handle, or not open for it */
#define CHIME_ERRNO_MAX    29

#endif
