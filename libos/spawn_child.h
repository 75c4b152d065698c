/* posix_spawn internals shared by spawn.c (building the child),
 * spawn_attr.c (attributes and grants) and spawn_wait.c (waiting). */
#ifndef LIBOS_SPAWN_CHILD_H
#define LIBOS_SPAWN_CHILD_H

#include <signal.h>
#include <sys/types.h>

#include "spawn.h"

/* A handle to grant to the child before it starts (chime_spawnattr_grant). */
struct spawn_grant {
    int handle;
    uint32_t rights;
    char name[CHIME_SPAWN_GRANT_NAME];
};

/* Attributes: POSIX flags plus the Chime hart mask, priority ceiling and
 * handle grants. */
struct __posix_spawnattr {
    short flags;
    uint64_t hart_mask;   /* 0: any hart */
    int prio_ceiling_set; /* 0: the kernel's default ceiling */
    int prio_ceiling;
    int ngrants;
    struct spawn_grant grant[CHIME_SPAWN_GRANTS];
    sigset_t sigdefault; /* POSIX_SPAWN_SETSIGDEF: see posix_spawnattr_setsigdefault */
};

/* Grant attr's handles into space; *env gets envp plus "NAME=<its number
 * there>" for each, in one malloc'd block (pointers, then the new strings)
 * for the caller to free. Returns 0 or a negative CHIME_E* code. */
long spawn_grants_apply(long space, const struct __posix_spawnattr *a, char *const envp[],
                        char ***env);

/* The table of children spawned and not yet reaped (waitpid(-1)): replace
 * the entry old with new (0 is a free entry). */
void spawn_children_update(pid_t old, pid_t new);

#endif
