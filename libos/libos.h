/* libos runtime: process layout, the startup block, errno mapping and the
 * boot archive. Programs include this for the Chime-specific parts of libos;
 * the POSIX parts come through the usual picolibc headers.
 *
 * How libos lays out a process (all below CHIME_KAREA_BASE):
 *
 *   0x00_0001_0000 +----------------------------+ CHIME_USER_BASE
 *                  | program image (user.ld):   |
 *                  | text | rodata+TLS | data   |
 *                  +----------------------------+ __end, page-aligned
 *                  | heap, grown by sbrk()      |  mapped on demand
 *   0x10_0000_0000 +----------------------------+ LIBOS_ARCHIVE_VA
 *                  | boot archive (read-only)   |  mapped at first spawn
 *   0x18_0000_0000 +----------------------------+ LIBOS_THREAD_VA
 *                  | thread stacks + TLS,       |  one LIBOS_THREAD_SLOT each,
 *                  | an unmapped gap below each |  mapped at thread create
 *   0x1f_f000_0000 +----------------------------+ LIBOS_STACK_TOP - stack size
 *                  | main stack                 |  mapped by the spawner
 *   0x1f_f010_0000 +----------------------------+ LIBOS_STACK_TOP
 */
#ifndef LIBOS_LIBOS_H
#define LIBOS_LIBOS_H

#include <stddef.h>
#include <stdint.h>

#include <chime/layout.h>
#include <chime/types.h>

#define LIBOS_IMAGE_MAX    0x0800000000ull /* program segments end below this */
#define LIBOS_HEAP_END     0x1000000000ull
#define LIBOS_ARCHIVE_VA   0x1000000000ull
#define LIBOS_ARCHIVE_MAX  0x0800000000ull
#define LIBOS_THREAD_VA    0x1800000000ull
#define LIBOS_THREAD_SLOT  0x0000100000ull /* 1 MiB of address space per thread */
#define LIBOS_THREAD_SLOTS 1024
#define LIBOS_THREAD_STACK 0x0000040000ull /* 256 KiB mapped, the rest is a guard */
#define LIBOS_STACK_TOP    0x1ff0100000ull
#define LIBOS_STACK_SIZE   0x0000040000ull /* main stack: 256 KiB */
#define LIBOS_ARGS_MAX     0x10000u        /* argv + envp strings and pointers */

/* The startup block: how a spawner (posix_spawn) hands a new process its
 * arguments. It is libos-private ABI between two libos programs, not a kernel
 * structure. The spawner writes it at the top of the child's main stack, below
 * the argv/envp strings and pointer arrays, and starts the first thread with
 * pc = ELF entry, sp = a0 = the block's address (16-byte aligned).
 *
 * The root task (init) has no block: the kernel starts it with a0 = argc
 * (always < CHIME_USER_BASE) and a1 = argv. _start tells the two apart by
 * a0 < CHIME_USER_BASE; a block must also carry LIBOS_STARTUP_MAGIC. */
struct libos_startup {
    uint32_t magic;    /* LIBOS_STARTUP_MAGIC */
    uint32_t version;  /* LIBOS_STARTUP_VERSION */
    int64_t argc;      /* entries in argv, not counting the NULL */
    uint64_t argv;     /* char *[argc + 1] in the child */
    uint64_t envp;     /* char *[] ending with NULL, in the child */
    int32_t archive_h; /* boot archive frames handle in the child, -1: none */
    uint32_t flags;    /* reserved, 0 */
    uint64_t stack_lo; /* lowest mapped byte of the main stack */
    uint64_t fds;      /* struct libos_fd_record[nfds] in the child */
    uint32_t nfds;     /* the descriptors it inherits; no others are open */
    uint32_t reserved;
};
#define LIBOS_STARTUP_MAGIC   0x54525453u /* "STRT" */
#define LIBOS_STARTUP_VERSION 2u
_Static_assert(sizeof(struct libos_startup) == 64, "startup block layout");

/* One inherited descriptor (the "inherited descriptors" record of
 * docs/pipes.md), after the strings in the startup block. kind says how
 * the child rebuilds the open file; same >= 0 names an earlier record of
 * the same open file (dup'ed descriptors stay shared in the child, handle
 * and kind are then unused). Status flags (O_ACCMODE, O_APPEND,
 * O_NONBLOCK) are copied; FD_CLOEXEC descriptors are never passed. */
struct libos_fd_record {
    int32_t fd;     /* descriptor number in the child */
    uint16_t kind;  /* enum libos_fd_kind */
    int16_t same;   /* index of an earlier record sharing the file, or -1 */
    int32_t flags;  /* open status flags */
    int32_t handle; /* kernel handle in the child (pipes), or -1 */
};
_Static_assert(sizeof(struct libos_fd_record) == 16, "fd record layout");

enum libos_fd_kind {
    LIBOS_FD_CONSOLE = 1, /* the console (fds 0-2 of a boot, /dev/console, /dev/tty) */
    LIBOS_FD_NULL = 2,    /* /dev/null */
    LIBOS_FD_ZERO = 3,    /* /dev/zero */
    LIBOS_FD_PIPE = 4,    /* a pipe end: handle names it */
    LIBOS_FD_FILE = 5,    /* a file of the fs server, reopened by the child:
                             handle = how many records follow with its file
                             offset (8 bytes) and absolute path (NUL-ended) */
};

/* The info page (read-only, updated by the kernel). */
static inline const struct chime_info *libos_info(void)
{
    return (const struct chime_info *)CHIME_INFO_VA;
}

/* The errno value for a negative CHIME_E* code (EIO for unknown codes). */
int libos_errno(long chime_err);

/* For POSIX wrappers: a syscall result r >= 0 is returned as is; a negative
 * one sets errno and gives -1. */
long libos_ret(long r);

/* The boot archive: maps it on first use (read-only, at LIBOS_ARCHIVE_VA).
 * Returns 0 and the archive's bytes, or a negative CHIME_E* code. */
int libos_archive(const void **base, size_t *len);

/* The handle of the boot archive frames in this process, -1 when none. */
int libos_archive_handle(void);

/* Hart the caller runs on now (may change right after). */
int libos_hart_self(void);

/* Harts online, from the info page. */
int libos_nharts(void);

#endif
