/* posix_spawn attributes, the Chime extensions to them (hart mask,
 * priority ceiling, handle grants) and applying the grants to a child. */
#include "spawn_child.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libos.h"
#include "syscall.h"

/* ---- attributes and file actions ------------------------------------- */

int posix_spawnattr_init(posix_spawnattr_t *attr)
{
    *attr = calloc(1, sizeof(**attr));
    return *attr == NULL ? ENOMEM : 0;
}

int posix_spawnattr_destroy(posix_spawnattr_t *attr)
{
    free(*attr);
    *attr = NULL;
    return 0;
}

int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags)
{
    (*attr)->flags = flags;
    return 0;
}

int posix_spawnattr_getflags(const posix_spawnattr_t *__restrict attr, short *__restrict flags)
{
    *flags = (*attr)->flags;
    return 0;
}

/* A child starts with every signal at its default action (dispositions are
 * not inherited), so the signals POSIX_SPAWN_SETSIGDEF names are default in
 * it whatever the set: it is kept only to be read back. */
int posix_spawnattr_setsigdefault(posix_spawnattr_t *__restrict attr,
                                  const sigset_t *__restrict set)
{
    (*attr)->sigdefault = *set;
    return 0;
}

int posix_spawnattr_getsigdefault(const posix_spawnattr_t *__restrict attr,
                                  sigset_t *__restrict set)
{
    *set = (*attr)->sigdefault;
    return 0;
}

int chime_spawnattr_setaffinity(posix_spawnattr_t *attr, uint64_t hart_mask)
{
    (*attr)->hart_mask = hart_mask;
    return 0;
}

int chime_spawnattr_getaffinity(const posix_spawnattr_t *attr, uint64_t *hart_mask)
{
    *hart_mask = (*attr)->hart_mask;
    return 0;
}

int chime_spawnattr_setprioceiling(posix_spawnattr_t *attr, int ceiling)
{
    if (ceiling < 0 || ceiling > CHIME_PRIO_MAX)
        return EINVAL;
    (*attr)->prio_ceiling_set = 1;
    (*attr)->prio_ceiling = ceiling;
    return 0;
}

int chime_spawn(pid_t *pid, char *const argv[], uint64_t hart_mask)
{
    posix_spawnattr_t attr;
    int err = posix_spawnattr_init(&attr);

    if (err != 0)
        return err;
    chime_spawnattr_setaffinity(&attr, hart_mask);
    err = posix_spawn(pid, argv[0], NULL, &attr, argv, NULL);
    posix_spawnattr_destroy(&attr);
    return err;
}

int chime_spawnattr_grant(posix_spawnattr_t *attr, int handle, uint32_t rights, const char *name)
{
    struct __posix_spawnattr *a = *attr;

    if (a->ngrants == CHIME_SPAWN_GRANTS)
        return ENOSPC;
    if (strlen(name) >= CHIME_SPAWN_GRANT_NAME || strchr(name, '=') != NULL)
        return EINVAL;
    a->grant[a->ngrants].handle = handle;
    a->grant[a->ngrants].rights = rights;
    strcpy(a->grant[a->ngrants].name, name);
    a->ngrants++;
    return 0;
}

long spawn_grants_apply(long space, const struct __posix_spawnattr *a, char *const envp[],
                        char ***env)
{
    enum { ROOM = CHIME_SPAWN_GRANT_NAME + 16 };
    size_t n = 0;
    while (envp != NULL && envp[n] != NULL)
        n++;
    size_t vec = (n + (size_t)a->ngrants + 1) * sizeof(char *);
    char **e = malloc(vec + (size_t)a->ngrants * ROOM);
    if (e == NULL)
        return CHIME_ENOMEM;
    char *strings = (char *)e + vec;
    for (size_t i = 0; i < n; i++)
        e[i] = envp[i];
    for (int i = 0; i < a->ngrants; i++) {
        /* CHIME_R_DMA is never granted: SYS_DMA_GRANT makes the child a
         * handle to itself with it (see chime_spawnattr_grant). */
        long h = (a->grant[i].rights & CHIME_R_DMA)
                     ? syscall2(SYS_DMA_GRANT, a->grant[i].handle, space)
                     : syscall3(SYS_SPACE_GRANT, space, a->grant[i].handle, a->grant[i].rights);
        if (h < 0) {
            free(e);
            return h;
        }
        e[n + (size_t)i] = strings + (size_t)i * ROOM;
        snprintf(e[n + (size_t)i], ROOM, "%s=%ld", a->grant[i].name, h);
    }
    e[n + (size_t)a->ngrants] = NULL;
    *env = e;
    return 0;
}
