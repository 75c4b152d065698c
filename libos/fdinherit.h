/* Descriptors across posix_spawn (fdinherit.c, docs/pipes.md). */
#ifndef LIBOS_FDINHERIT_H
#define LIBOS_FDINHERIT_H

#include <spawn.h>
#include <stdint.h>

#include "libos.h"

/* The records for a child being built in space: the caller's descriptors
 * without FD_CLOEXEC, after fa's actions, of inheritable kinds (handles
 * granted into space). 0 with *recs (malloc'd, for the caller to free) and
 * *nrecs, or an errno value (a file action or a grant failed). */
int fd_inherit_build(long space, const posix_spawn_file_actions_t *fa,
                     struct libos_fd_record **recs, uint32_t *nrecs);

/* In a child, before constructors: make the table what the records say. */
void fd_inherit_start(const struct libos_fd_record *rec, uint32_t n);

#endif
