/* posix_spawn and waitpid: ELF loading in user space (see spawn.h).
 *
 * A child is built from outside: SYS_SPACE_CREATE makes an empty process,
 * each PT_LOAD segment is mapped zeroed and writable, its file bytes are
 * copied in with SYS_SPACE_WRITE (which honours the target's protection),
 * then every segment gets its final protection with SYS_SPACE_PROTECT, the
 * main stack gets the argument block (libos.h, struct libos_startup), the
 * boot archive handle is granted so the child can spawn in turn, the
 * descriptors it inherits follow the block (fdinherit.c), and the
 * first thread starts at the ELF entry with sp = a0 = the startup block. */
#include "spawn_child.h"
#include "lib/elf.h"
#include "fdinherit.h"
#include "libos.h"
#include "lock.h"
#include "spawn_file.h"
#include "syscall.h"

#include <chime/proto/fs.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "lib/cpio.h"

/* ---- the argument block ----------------------------------------------- */

static size_t align16(size_t x)
{
    return (x + 15) & ~(size_t)15;
}

static size_t vec_count(char *const v[])
{
    size_t n = 0;

    while (v != NULL && v[n] != NULL)
        n++;
    return n;
}

/* Copy vector v (n strings) into the block: pointers at *ptr (as child
 * addresses), strings at *str; both advance. */
static void vec_put(char *const v[], size_t n, char *block, uint64_t child_base, size_t *ptr,
                    size_t *str)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        uint64_t child_str = child_base + *str;

        memcpy(block + *ptr, &child_str, sizeof(child_str));
        memcpy(block + *str, v[i], len);
        *ptr += sizeof(uint64_t);
        *str += len;
    }
    memset(block + *ptr, 0, sizeof(uint64_t));
    *ptr += sizeof(uint64_t);
}

/* Build the block that goes at the top of the child's stack:
 *   [struct libos_startup][argv pointers, NULL][envp pointers, NULL][strings]
 *   [inherited descriptor records]
 * Returns it (malloc'd) and its size in *size, or NULL with *err set. */
static char *args_build(char *const argv[], char *const envp[], int archive_h,
                        const struct libos_fd_record *fds, uint32_t nfds, size_t *size, int *err)
{
    size_t argc = vec_count(argv), envc = vec_count(envp);
    size_t strings = 0, ptrs = (argc + 1 + envc + 1) * sizeof(uint64_t);
    size_t head = align16(sizeof(struct libos_startup)), total, ptr, str;
    uint64_t child_base;
    struct libos_startup s;
    char *block;

    for (size_t i = 0; i < argc; i++)
        strings += strlen(argv[i]) + 1;
    for (size_t i = 0; i < envc; i++)
        strings += strlen(envp[i]) + 1;
    size_t fds_at = align16(head + ptrs + strings);
    total = align16(fds_at + nfds * sizeof(*fds));
    if (total > LIBOS_ARGS_MAX) {
        *err = E2BIG;
        return NULL;
    }
    block = calloc(1, total);
    if (block == NULL) {
        *err = ENOMEM;
        return NULL;
    }
    child_base = LIBOS_STACK_TOP - total;
    ptr = head;
    str = head + ptrs;
    vec_put(argv, argc, block, child_base, &ptr, &str);
    vec_put(envp, envc, block, child_base, &ptr, &str);
    s = (struct libos_startup){
        .magic = LIBOS_STARTUP_MAGIC,
        .version = LIBOS_STARTUP_VERSION,
        .argc = (int64_t)argc,
        .argv = child_base + head,
        .envp = child_base + head + (argc + 1) * sizeof(uint64_t),
        .archive_h = archive_h,
        .stack_lo = LIBOS_STACK_TOP - LIBOS_STACK_SIZE,
        .fds = child_base + fds_at,
        .nfds = nfds,
    };
    memcpy(block + fds_at, fds, nfds * sizeof(*fds));
    memcpy(block, &s, sizeof(s));
    *size = total;
    return block;
}

/* ---- loading ------------------------------------------------------------ */

static uint64_t page_down(uint64_t x)
{
    return x & ~(uint64_t)(CHIME_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t x)
{
    return page_down(x + CHIME_PAGE_SIZE - 1);
}

/* Whether segment j < i already mapped the page at va. */
static int page_mapped_before(const struct elf_image *img, int i, uint64_t va)
{
    for (int j = 0; j < i; j++) {
        const struct elf_segment *s = &img->seg[j];
        if (va >= page_down(s->vaddr) && va < page_up(s->vaddr + s->memsz))
            return 1;
    }
    return 0;
}

/* Map segment i of img (file bytes at elf) in space, writable for now,
 * and fill it. A page an earlier segment mapped is mapped already. */
static long segment_load(long space, const struct elf_image *img, int i, const char *elf)
{
    const struct elf_segment *s = &img->seg[i];
    uint64_t lo = page_down(s->vaddr), hi = page_up(s->vaddr + s->memsz);
    long r;

    if (page_mapped_before(img, i, lo))
        lo += CHIME_PAGE_SIZE;
    if (hi > lo && page_mapped_before(img, i, hi - CHIME_PAGE_SIZE))
        hi -= CHIME_PAGE_SIZE;
    if (hi > lo) {
        r = syscall_map_anon(space, lo, hi - lo, CHIME_PROT_READ | CHIME_PROT_WRITE);
        if (r < 0)
            return r;
    }
    if (s->filesz == 0)
        return 0;
    return syscall4(SYS_SPACE_WRITE, space, (long)s->vaddr, (long)(elf + s->offset),
                    (long)s->filesz);
}

/* The protection of the page at va: the union of every segment on it. */
static uint32_t page_prot(const struct elf_image *img, uint64_t va)
{
    uint32_t prot = 0;

    for (int j = 0; j < img->nseg; j++) {
        const struct elf_segment *s = &img->seg[j];
        if (va >= page_down(s->vaddr) && va < page_up(s->vaddr + s->memsz))
            prot |= s->prot;
    }
    return prot;
}

/* Give segment i its final protection; its first and last pages may
 * carry a neighbour's too. */
static long segment_protect(long space, const struct elf_image *img, int i)
{
    const struct elf_segment *s = &img->seg[i];
    uint64_t lo = page_down(s->vaddr), hi = page_up(s->vaddr + s->memsz);
    uint64_t last = hi - CHIME_PAGE_SIZE;
    long r;

    r = syscall4(SYS_SPACE_PROTECT, space, (long)lo, (long)(hi - lo), (long)s->prot);
    if (r == 0)
        r = syscall4(SYS_SPACE_PROTECT, space, (long)lo, CHIME_PAGE_SIZE, (long)page_prot(img, lo));
    if (r == 0 && last != lo)
        r = syscall4(SYS_SPACE_PROTECT, space, (long)last, CHIME_PAGE_SIZE,
                     (long)page_prot(img, last));
    return r;
}

/* Everything after SYS_SPACE_CREATE: image, stack, arguments, archive
 * handle, first thread. Returns 0 or a negative CHIME_E* code. */
static long child_build(long space, const struct elf_image *img, const char *elf,
                        const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                        char *const argv[], char *const envp[], int *err)
{
    int child_archive = -1;
    struct libos_fd_record *fds;
    uint32_t nfds;
    size_t size;
    char *block;
    long r;

    if (attr != NULL && *attr != NULL && (*attr)->prio_ceiling_set) {
        r = syscall2(SYS_SPACE_PRIO_CEILING, space, (*attr)->prio_ceiling);
        if (r < 0)
            return r;
    }
    for (int i = 0; i < img->nseg; i++) {
        r = segment_load(space, img, i, elf);
        if (r < 0)
            return r;
    }
    for (int i = 0; i < img->nseg; i++) {
        r = segment_protect(space, img, i);
        if (r < 0)
            return r;
    }
    r = syscall_map_anon(space, LIBOS_STACK_TOP - LIBOS_STACK_SIZE, LIBOS_STACK_SIZE,
                         CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (r < 0)
        return r;
    if (libos_archive_handle() >= 0) {
        r = syscall3(SYS_SPACE_GRANT, space, libos_archive_handle(), CHIME_R_READ | CHIME_R_GRANT);
        if (r < 0)
            return r;
        child_archive = (int)r;
    }
    *err = fd_inherit_build(space, fa, &fds, &nfds);
    if (*err != 0)
        return CHIME_EINVAL;
    if (attr != NULL && *attr != NULL && (*attr)->ngrants > 0) {
        char **env;
        r = spawn_grants_apply(space, *attr, envp, &env);
        if (r < 0) {
            free(fds);
            return r;
        }
        block = args_build(argv, env, child_archive, fds, nfds, &size, err);
        free(env);
    } else {
        block = args_build(argv, envp, child_archive, fds, nfds, &size, err);
    }
    free(fds);
    if (block == NULL)
        return CHIME_EINVAL;
    r = syscall4(SYS_SPACE_WRITE, space, (long)(LIBOS_STACK_TOP - size), (long)block, (long)size);
    free(block);
    if (r < 0)
        return r;
    r = syscall6(SYS_THREAD_CREATE, space, (long)img->entry, (long)(LIBOS_STACK_TOP - size),
                 (long)(LIBOS_STACK_TOP - size), 0,
                 attr != NULL && *attr != NULL ? (long)(*attr)->hart_mask : 0);
    if (r < 0)
        return r;
    return syscall1(SYS_HANDLE_CLOSE, r);
}

/* chime_spawn_image with file actions: what posix_spawn runs. */
static int spawn_image_fa(pid_t *pid, const char *name, const void *elf, size_t len,
                          const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                          char *const argv[], char *const envp[])
{
    struct elf_image img;
    long space, r;
    int err = 0;

    if (elf_parse(elf, len, CHIME_USER_BASE, LIBOS_IMAGE_MAX, &img) < 0)
        return ENOEXEC;
    space = syscall2(SYS_SPACE_CREATE, (long)name, (long)strlen(name));
    if (space < 0)
        return libos_errno(space);
    r = child_build(space, &img, elf, fa, attr, argv, envp, &err);
    if (r < 0) {
        syscall1(SYS_HANDLE_CLOSE, space);
        return err != 0 ? err : libos_errno(r);
    }
    spawn_children_update(0, (pid_t)space);
    if (pid != NULL)
        *pid = (pid_t)space;
    return 0;
}

int chime_spawn_image(pid_t *pid, const char *name, const void *elf, size_t len,
                      const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    return spawn_image_fa(pid, name, elf, len, NULL, attr, argv, envp);
}

/* A program from the boot archive, by the last component of path. */
static int spawn_from_archive(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                              const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    const char *name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
    struct cpio_entry e;
    const void *archive;
    size_t len;
    int r;

    if (libos_archive(&archive, &len) < 0)
        return ENOENT;
    r = cpio_find(archive, len, name, &e);
    if (r == CPIO_ERR_NOENT || (r == CPIO_OK && (e.mode & CPIO_MODE_TYPE) != CPIO_MODE_REG))
        return ENOENT;
    if (r != CPIO_OK)
        return EIO;
    return spawn_image_fa(pid, name, e.data, e.size, fa, attr, argv, envp);
}

/* A program from the file at path (spawn_file.c); ENOENT when there is
 * none. */
static int spawn_from_file(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                           const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    const char *name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
    void *image;
    size_t size;
    int r = spawn_file_read(path, &image, &size);

    if (r != 0)
        return r;
    r = spawn_image_fa(pid, name, image, size, fa, attr, argv, envp);
    free(image);
    return r;
}

/* path names a file (relative to the cwd) on the disk; a program not found
 * there is looked up by its last component in the boot archive. */
int posix_spawn(pid_t *__restrict pid, const char *__restrict path,
                const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *__restrict attr,
                char *const argv[], char *const envp[])
{
    int r = spawn_from_file(pid, path, fa, attr, argv, envp);

    return r == ENOENT ? spawn_from_archive(pid, path, fa, attr, argv, envp) : r;
}

/* A file without '/' is looked for along $PATH on the disk, then in the
 * boot archive. */
int posix_spawnp(pid_t *__restrict pid, const char *__restrict file,
                 const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *__restrict attr,
                 char *const argv[], char *const envp[])
{
    char found[FS_PATH_MAX];

    if (strchr(file, '/') != NULL)
        return posix_spawn(pid, file, fa, attr, argv, envp);
    if (spawn_path_find(file, found, sizeof(found)) == 0) {
        int r = spawn_from_file(pid, found, fa, attr, argv, envp);

        if (r != ENOENT)
            return r;
    }
    return spawn_from_archive(pid, file, fa, attr, argv, envp);
}
