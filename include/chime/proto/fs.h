/* The file-system protocol, served by servers/fs (ext2 over blk) and used by
 * libos's file calls. Shaped like proto/echo.h: fields a request does not
 * list are ignored; fields a completion does not list are zero, except tag,
 * which every completion copies from its request.
 *
 * Handles: OPEN returns a handle (>= 0) private to the client process: it
 * is good on every connection of that process (libos makes one per
 * thread) and CHIME_EBADF on any other process's. A process's handles are
 * closed when it closes them, or when its last connection goes (disconnect
 * or exit). The file offset lives in the
 * client (DESIGN §6): READ and WRITE name it; only O_APPEND writes are
 * placed by the server, at the end of the file, atomically.
 *
 * Payloads are named by (data, length): with IPC_F_LENT clear, data is an
 * offset into the connection's data area; with IPC_F_LENT set (READ, WRITE,
 * READDIR only), data is the server address of memory the client lent
 * (ipc_lend), with CHIME_PROT_WRITE for what the server fills and
 * CHIME_PROT_READ for what it reads.
 *
 * Paths: a NUL-terminated string at data-area offset data; the NUL must lie
 * within the first length bytes, and length itself inside the data area
 * (else CHIME_EFAULT). The server copies min(length, FS_PATH_MAX) bytes per
 * path before it looks at them: send length = the string with its NUL. Two-path requests (RENAME, LINK, SYMLINK) carry two
 * strings back to back, "first\0second\0", both inside those length bytes.
 * A path is resolved from the root ("a/b" = "/a/b"), with "." and "..";
 * symbolic links are followed except where noted, at most FS_SYMLOOP_MAX of
 * them (CHIME_ELOOP). A name is at most FS_NAME_MAX bytes and a path shorter
 * than FS_PATH_MAX (CHIME_ENAMETOOLONG). A path that ends in '/' must name
 * a directory (CHIME_ENOTDIR).
 *
 * Outputs of fixed size (struct fs_stat, struct fs_statfs) are written at
 * data-area offset arg; variable ones (READLINK) at [arg, arg + aux).
 *
 * Serialisation: one server serves one file system and runs one request at
 * a time, so every request is atomic with respect to every other client:
 * O_CREAT|O_EXCL, O_APPEND and RENAME in particular.
 *
 * Errors every request may return:
 *   CHIME_EFAULT  a path, payload or output outside the data area or a lend
 *                 (also a lend revoked while the request ran), or a path
 *                 without its NUL inside length
 *   CHIME_EBADF   a handle this connection has not open, or not for this
 *   CHIME_EIO     the disk failed, or the file system is inconsistent
 *   CHIME_ENOSYS  an unknown opcode
 * Path errors: CHIME_ENOENT, CHIME_ENOTDIR, CHIME_ENAMETOOLONG, CHIME_ELOOP.
 * Changes on a read-only mount: CHIME_EROFS. */
#ifndef CHIME_PROTO_FS_H
#define CHIME_PROTO_FS_H

#include <stdint.h>

#define FS_SERVICE "fs"

#define FS_PATH_MAX    4096u      /* bytes of a path with its NUL (POSIX PATH_MAX) */
#define FS_NAME_MAX    255u       /* bytes of one name (POSIX NAME_MAX) */
#define FS_SYMLOOP_MAX 40u        /* symbolic links followed in one path */
#define FS_OPEN_MAX    256u       /* open handles per client process (CHIME_EMFILE) */
#define FS_IO_MAX      (4u << 20) /* bytes of one READ, WRITE or READDIR (CHIME_EINVAL) */

/* OPEN flags (aux). The access mode is the low two bits. */
#define FS_O_RDONLY    0u
#define FS_O_WRONLY    1u
#define FS_O_RDWR      2u
#define FS_O_ACCMODE   3u
#define FS_O_CREAT     (1u << 2) /* create a regular file if the name is free */
#define FS_O_EXCL      (1u << 3) /* with CREAT: CHIME_EEXIST if it exists */
#define FS_O_TRUNC     (1u << 4) /* a regular file opened for writing: size 0 */
#define FS_O_APPEND    (1u << 5) /* every WRITE goes to the end of the file */
#define FS_O_DIRECTORY (1u << 6) /* CHIME_ENOTDIR unless it is a directory */
#define FS_O_NOFOLLOW  (1u << 7) /* a symlink in the last component: CHIME_ELOOP */
#define FS_O_ALL       0xffu

/* File types, as the POSIX st_mode bits S_IF* (mode & FS_S_IFMT). */
#define FS_S_IFMT  0170000u
#define FS_S_IFREG 0100000u
#define FS_S_IFDIR 0040000u
#define FS_S_IFLNK 0120000u

/* ACCESS modes (aux), as POSIX F_OK, X_OK, W_OK, R_OK. */
#define FS_F_OK 0u
#define FS_X_OK 1u
#define FS_W_OK 2u
#define FS_R_OK 4u

/* File attributes: STAT, LSTAT, FSTAT. Times are seconds since 1970. */
struct fs_stat {
    uint64_t ino;    /* inode number */
    uint64_t size;   /* bytes (a symlink: its target's length) */
    uint64_t blocks; /* 512-byte units allocated */
    uint32_t mode;   /* type FS_S_IF* and permission bits, as st_mode */
    uint32_t nlink;  /* hard links (0: unlinked but still open) */
    uint32_t uid;
    uint32_t gid;
    uint32_t blksize; /* the file system's block size: the best I/O unit */
    uint32_t dev;     /* device number of the file system (0) */
    int64_t atime;
    int64_t mtime;
    int64_t ctime;
};
_Static_assert(sizeof(struct fs_stat) == 72, "fs_stat layout");

/* File-system totals: STATFS. */
struct fs_statfs {
    uint64_t blocks;  /* blocks of bsize bytes in the file system */
    uint64_t bfree;   /* free blocks */
    uint64_t bavail;  /* free blocks less the reserved ones */
    uint64_t files;   /* inodes */
    uint64_t ffree;   /* free inodes */
    uint32_t bsize;   /* block size */
    uint32_t namemax; /* FS_NAME_MAX */
    uint32_t flags;   /* FS_ST_* */
    uint32_t reserved;
};
_Static_assert(sizeof(struct fs_statfs) == 56, "fs_statfs layout");
#define FS_ST_RDONLY 1u /* mounted read-only */

/* One directory entry of a READDIR reply. Records are packed one after
 * another; each starts at a multiple of 8 bytes and reclen covers it to the
 * next one: sizeof(struct fs_dirent) + name_len + 1, rounded up to 8. */
struct fs_dirent {
    uint64_t ino;
    uint64_t cookie;  /* READDIR offset that resumes after this entry */
    uint16_t reclen;  /* bytes of this record */
    uint8_t type;     /* FS_DT_* */
    uint8_t name_len; /* bytes of name, without the NUL */
    uint32_t reserved;
    char name[]; /* name_len bytes and a NUL */
};
_Static_assert(sizeof(struct fs_dirent) == 24, "fs_dirent header layout");
#define FS_DIRENT_SIZE(name_len) ((sizeof(struct fs_dirent) + (name_len) + 1 + 7) & ~7ul)

/* Directory entry types, as the POSIX DT_* values. */
#define FS_DT_UNKNOWN 0u
#define FS_DT_DIR     4u
#define FS_DT_REG     8u
#define FS_DT_LNK     10u

enum fs_op {
    /* Open a file or directory.
     *   request:    data, length  the path
     *               aux           FS_O_* flags
     *               arg           with FS_O_CREAT: permission bits (07777)
     *   completion: result        the handle, or CHIME_EEXIST (CREAT|EXCL),
     *                             CHIME_EISDIR (a directory opened for
     *                             writing), CHIME_ENOTDIR (O_DIRECTORY),
     *                             CHIME_ELOOP (O_NOFOLLOW on a symlink),
     *                             CHIME_EMFILE (FS_OPEN_MAX open), CHIME_ENOSPC,
     *                             CHIME_EINVAL (unknown flags or mode bits)
     *               O_CREAT through a dangling symlink creates what it names;
     *               O_TRUNC truncates even without write access (as Linux)
     *               offset        the file's size
     *               arg           its mode (FS_S_IF* and permissions) */
    FS_OP_OPEN = 1,

    /* Close a handle.
     *   request:    handle
     *   completion: result        0 */
    FS_OP_CLOSE = 2,

    /* Read bytes of a regular file into the client's memory.
     *   request:    handle        open for reading
     *               offset        file offset
     *               data, length  where to put them (length <= FS_IO_MAX)
     *   completion: result        bytes read (0 at or past the end), or
     *                             CHIME_EISDIR, CHIME_EINVAL (too long) */
    FS_OP_READ = 3,

    /* Write bytes to a regular file.
     *   request:    handle        open for writing
     *               offset        file offset (ignored with FS_O_APPEND)
     *               data, length  the bytes (length <= FS_IO_MAX)
     *   completion: result        bytes written (short only if space ran
     *                             out part way), or CHIME_ENOSPC, CHIME_EFBIG
     *               offset        the file offset after the write (what an
     *                             O_APPEND client's offset becomes) */
    FS_OP_WRITE = 4,

    /* Attributes of the file a path names: STAT follows a symlink in the
     * last component, LSTAT does not; FSTAT names an open handle.
     *   request:    data, length  the path (STAT, LSTAT); handle (FSTAT)
     *               arg           data-area offset for a struct fs_stat
     *   completion: result        0 */
    FS_OP_STAT = 5,
    FS_OP_LSTAT = 6,
    FS_OP_FSTAT = 7,

    /* Read directory entries ("." and ".." included).
     *   request:    handle        an open directory
     *               offset        0, or the cookie of the last entry seen
     *               data, length  room for struct fs_dirent records
     *   completion: result        bytes of records written; 0 at the end,
     *                             CHIME_EINVAL if length holds no record,
     *                             CHIME_ENOTDIR on a file handle
     *               offset        the cookie to continue from */
    FS_OP_READDIR = 8,

    /* Make a directory.
     *   request:    data, length  the path
     *               arg           permission bits
     *   completion: result        0, CHIME_EEXIST, CHIME_ENOSPC, CHIME_EMLINK */
    FS_OP_MKDIR = 9,

    /* Remove an empty directory (the last component is not followed).
     *   completion: result        0, CHIME_ENOTEMPTY, CHIME_ENOTDIR,
     *                             CHIME_EBUSY (the root), CHIME_EINVAL ("."
     *                             or ".." as the last component) */
    FS_OP_RMDIR = 10,

    /* Remove a name that is not a directory. An open file stays readable
     * and writable through its handles until the last one closes.
     *   completion: result        0, CHIME_EISDIR */
    FS_OP_UNLINK = 11,

    /* Rename "from\0to\0", replacing to if it exists (a file by a file, a
     * directory by an empty directory); atomic for every other client.
     *   completion: result        0, CHIME_EISDIR, CHIME_ENOTDIR,
     *                             CHIME_ENOTEMPTY, CHIME_EINVAL (a directory
     *                             into itself) */
    FS_OP_RENAME = 12,

    /* Hard link "existing\0new\0" (existing is not followed).
     *   completion: result        0, CHIME_EEXIST, CHIME_EPERM (a directory),
     *                             CHIME_EMLINK */
    FS_OP_LINK = 13,

    /* Symbolic link "target\0linkpath\0" (target is stored as it is).
     *   completion: result        0, CHIME_EEXIST, CHIME_ENAMETOOLONG (target
     *                             longer than a block or FS_PATH_MAX - 1) */
    FS_OP_SYMLINK = 14,

    /* Read a symlink's target (not NUL-terminated).
     *   request:    data, length  the path (the last component not followed)
     *               arg, aux      data-area output [arg, arg + aux), all of
     *                             it inside the data area (CHIME_EFAULT)
     *   completion: result        bytes written (cut to aux), or CHIME_EINVAL
     *                             (not a symlink) */
    FS_OP_READLINK = 15,

    /* Set a regular file's size: TRUNCATE by path, FTRUNCATE by a handle
     * open for writing.
     *   request:    data, length  the path (TRUNCATE); handle (FTRUNCATE)
     *               offset        the new size
     *   completion: result        0, CHIME_EISDIR, CHIME_EFBIG, CHIME_ENOSPC,
     *                             CHIME_EINVAL (FTRUNCATE: a handle not open
     *                             for writing, or a directory, as Linux) */
    FS_OP_TRUNCATE = 16,
    FS_OP_FTRUNCATE = 17,

    /* Make the file durable: every dirty block of the file system is written
     * and the disk flushed (blk FLUSH) before the reply. FDATASYNC is the
     * same here.
     *   request:    handle
     *   completion: result        0, CHIME_EIO */
    FS_OP_FSYNC = 18,
    FS_OP_FDATASYNC = 19,

    /* Write back the whole file system and flush the disk (sync(2)).
     *   completion: result        0, CHIME_EIO */
    FS_OP_SYNC = 20,

    /* File-system totals.
     *   request:    arg           data-area offset for a struct fs_statfs
     *   completion: result        0 */
    FS_OP_STATFS = 21,

    /* Check that a path exists and, for FS_W_OK, that it may be written
     * (no users or permission checks yet: every caller is the owner).
     *   request:    data, length  the path
     *               aux           FS_F_OK or FS_[RWX]_OK bits
     *   completion: result        0, CHIME_EROFS (FS_W_OK, read-only mount),
     *                             CHIME_EINVAL (unknown bits) */
    FS_OP_ACCESS = 22,

    /* Set the permission bits of the file a path names.
     *   request:    data, length  the path
     *               arg           permission bits (07777)
     *   completion: result        0 */
    FS_OP_CHMOD = 23,
};

#endif
