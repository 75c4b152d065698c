/* Chime extensions to posix_spawn (<spawn.h>) and waitpid (<sys/wait.h>).
 *
 * Programs come from the boot archive, named by their bare name ("hello");
 * a path is reduced to its last component. The pid that posix_spawn returns
 * is the child's space handle in the caller's table; waitpid reaps it (and
 * closes the handle). Kernel exit statuses (8 bits) map to POSIX ones:
 * CHIME_STATUS_FAULT -> WIFSIGNALED with SIGSEGV, CHIME_STATUS_KILLED ->
 * SIGKILL, anything else -> WIFEXITED with that status (so, as in a shell,
 * exit(139) looks like a fault). chime_wait gives the raw status. */
#ifndef LIBOS_SPAWN_H
#define LIBOS_SPAWN_H

#include <spawn.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Run the child's first thread on a hart in mask (bit h = hart h; 0 = any). */
int chime_spawnattr_setaffinity(posix_spawnattr_t *attr, uint64_t hart_mask);
int chime_spawnattr_getaffinity(const posix_spawnattr_t *attr, uint64_t *hart_mask);

/* The child's priority ceiling (0..CHIME_PRIO_MAX, at most the caller's
 * own, see SYS_SPACE_PRIO_CEILING): the most any of its threads may run
 * at. Unset, the kernel gives it the lower of the caller's ceiling and
 * CHIME_PRIO_DEFAULT. EINVAL above CHIME_PRIO_MAX; a ceiling above the
 * caller's own makes posix_spawn fail with EPERM. */
int chime_spawnattr_setprioceiling(posix_spawnattr_t *attr, int ceiling);

/* posix_spawn of argv[0] from the boot archive, pinned to hart_mask (0: any
 * hart): the everyday spawn of tests and benchmarks. Returns 0 or an errno. */
int chime_spawn(pid_t *pid, char *const argv[], uint64_t hart_mask);

/* Grant handle (with rights, a subset of the caller's) to the child before
 * its first thread starts; the child finds the number it received in its
 * environment as NAME=<handle>. At most CHIME_SPAWN_GRANTS per attr; EINVAL
 * for a name with '=' or too long, ENOSPC when full. A failed grant makes
 * posix_spawn fail. With CHIME_R_DMA in rights, handle must be a space
 * handle carrying CHIME_R_DMA (init's CHIME_BOOT_H_SPACE): the child gets
 * a handle to its own space with CHIME_R_DMA instead (SYS_DMA_GRANT). */
#define CHIME_SPAWN_GRANTS     48
#define CHIME_SPAWN_GRANT_NAME 24
int chime_spawnattr_grant(posix_spawnattr_t *attr, int handle, uint32_t rights, const char *name);

/* Devices init delegated to this program (CHIME_DEV<i>=<compatible>, with
 * CHIME_DEV<i>_MMIO and CHIME_DEV<i>_IRQ handles, see servers/init): the
 * first whose compatible string matches. Returns 0 with the handles (-1
 * where the device has none), or ENOENT. */
int chime_device_find(const char *compatible, int *mmio_handle, int *irq_handle);

/* posix_spawn from an ELF image in memory instead of the boot archive;
 * name is the process name the kernel uses in fault reports. Returns 0 or an
 * errno value (ENOEXEC for an image elf_parse rejects). */
int chime_spawn_image(pid_t *pid, const char *name, const void *elf, size_t len,
                      const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);

/* Wait up to timeout_ns (CHIME_FOREVER: no limit, 0: poll) for pid to exit.
 * Returns its raw kernel exit status (>= 0) and reaps it, or a negative
 * CHIME_E* code (CHIME_ETIMEDOUT while it runs); pid stays valid then. */
long chime_wait(pid_t pid, uint64_t timeout_ns);

/* A POSIX wait status (for WIFEXITED & co.) for a raw kernel exit status. */
int chime_wait_status(long raw);

#endif
