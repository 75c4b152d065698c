/* libos file descriptors (DESIGN §6: fds live in libos, as in Fuchsia's
 * fdio). A descriptor names an open file, struct libos_file, which several
 * descriptors may share (dup, dup2, fcntl F_DUPFD, inheritance later): it
 * holds the ops of its kind, the kind's private state, the file offset
 * (kept by the client and carried in every request, so a request can be
 * retried after a server restart) and the status flags.
 *
 * struct fd_ops is the one place a kind of descriptor plugs in: the
 * console (console.c), /dev/null and /dev/zero (devfile.c) today; files of
 * the fs server and pipes add their own ops the same way. Each op gets the
 * open file and returns >= 0 on success or a negative errno value (-EBADF,
 * ...; fd.c turns it into -1 and errno). An op left NULL has the POSIX
 * answer for a file that cannot do it:
 *
 *   read, write   NULL: -EBADF (not open for that)
 *   lseek         NULL: -ESPIPE (a terminal, a pipe)
 *   fstat         NULL: a character device, mode 0666
 *   ioctl         NULL: -ENOTTY; the terminal requests of <sys/ioctl.h>
 *                 (TCGETS, TIOCGWINSZ, ...) arrive here, and isatty is
 *                 "ioctl(TCGETS) succeeds"
 *   close         the last descriptor of the file is gone: free priv
 *                 (NULL: nothing to free)
 *   inherit       posix_spawn passes the file to a child (space): fill
 *                 rec's kind and handle (granting what the child needs);
 *                 NULL: not inheritable, the descriptor is closed in the
 *                 child (fdinherit.c)
 *   poll          arm 0: the <poll.h> events of events (plus POLLHUP,
 *                 POLLERR) ready now; arm 1: make this thread's pipe
 *                 vector (pipe.h) be raised when that may change, and
 *                 return 0, or return 1 when no event will come (poll
 *                 then looks again every LIBOS_POLL_SLICE_NS); arm -1:
 *                 undo arm 1. NULL: always ready for reading and writing,
 *                 as a regular file
 *
 * Ops may block and may be called from several threads at once; a kind
 * that keeps state serialises itself. */
#ifndef LIBOS_FD_H
#define LIBOS_FD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#define LIBOS_FD_MAX 64 /* descriptors per process */

struct libos_file;
struct libos_fd_record;

struct fd_ops {
    const char *kind; /* for debugging: "console", "null", ... */
    ssize_t (*read)(struct libos_file *f, void *buf, size_t n);
    ssize_t (*write)(struct libos_file *f, const void *buf, size_t n);
    off_t (*lseek)(struct libos_file *f, off_t offset, int whence);
    int (*fstat)(struct libos_file *f, struct stat *st);
    int (*ioctl)(struct libos_file *f, unsigned long request, void *arg);
    int (*close)(struct libos_file *f);
    int (*inherit)(struct libos_file *f, long space, struct libos_fd_record *rec);
    int (*poll)(struct libos_file *f, int events, int arm);
    /* After close: give f's memory back. NULL: free(f), for files made by
     * fd_file_new; a kind that keeps f inside its own state (fd_file_init)
     * frees both here. */
    void (*release)(struct libos_file *f);
};

struct libos_file {
    const struct fd_ops *ops;
    void *priv;      /* the kind's state */
    uint64_t offset; /* file offset, for kinds that seek */
    int flags;       /* O_ACCMODE | O_APPEND | O_NONBLOCK, from open/fcntl */
    int refs;        /* descriptors naming it, plus calls in progress */
};

/* A new open file with one reference (for fd_install), or NULL. */
struct libos_file *fd_file_new(const struct fd_ops *ops, void *priv, int flags);
/* The same in memory the kind provides (its ops have a release). */
void fd_file_init(struct libos_file *f, const struct fd_ops *ops, void *priv, int flags);

/* Put f in the lowest free descriptor >= min; takes over the caller's
 * reference. Returns the descriptor or -EMFILE (f is then released). */
int fd_install(struct libos_file *f, int min);

/* The open file of fd with a reference for the caller, or NULL (EBADF). */
struct libos_file *fd_get(int fd);

/* Take one more reference on f (which the caller holds one of). */
void fd_get_ref(struct libos_file *f);

/* Drop a reference; the last one closes the file. Returns close's result. */
int fd_put(struct libos_file *f);

/* The table, for a child's (fdinherit.c): files[fd] gets fd's file with a
 * reference (NULL for a free slot), cloexec[fd] its FD_CLOEXEC flag. */
void fd_snapshot(struct libos_file *files[LIBOS_FD_MAX], char cloexec[LIBOS_FD_MAX]);

/* Put f (the caller's reference) at fd, which must be free or hold the
 * startup console; for a child's start-up. */
void fd_place(int fd, struct libos_file *f);

/* Empty the table (start-up of a child that inherits descriptors). */
void fd_table_clear(void);

/* open()'s search of the kinds, without installing: a new open file or NULL
 * with *err a negative errno value. */
struct libos_file *fd_open_file(const char *path, int flags, mode_t mode, int *err);

/* Kinds' openers, tried by open() in order: each returns a new open file,
 * NULL with *err = 0 when path is not its own, or NULL with *err < 0. */
struct libos_file *devfile_open(const char *path, int flags, mode_t mode, int *err);
struct libos_file *console_open(const char *path, int flags, mode_t mode, int *err);
/* Files of the fs server (fs_file.c): every path the others do not own. */
struct libos_file *fs_file_open(const char *path, int flags, mode_t mode, int *err);
/* For inheritance (fdinherit.c): write f's offset and path into records
 * rec[0..room), returning how many it used or -ENAMETOOLONG; and the
 * child's side, reopening the file from those records. */
int fs_file_inherit_path(struct libos_file *f, struct libos_fd_record *rec, uint32_t room);
struct libos_file *fs_file_adopt(const struct libos_fd_record *rec, uint32_t n, int flags,
                                 int *err);

#endif
