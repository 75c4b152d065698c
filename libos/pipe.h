/* libos pipes and readiness, the internal side (pipe.c, poll.c). */
#ifndef LIBOS_PIPE_H
#define LIBOS_PIPE_H

#include <poll.h>
#include <stdint.h>

#include "fd.h"

/* The uintr vector a thread sleeps on for pipes and poll (the IPC client
 * uses 63, servers 0). */
#define LIBOS_PIPE_VECTOR 61u

/* Longest sleep of a poll that watches a kind with no wake-up event. */
#define LIBOS_POLL_SLICE_NS 10000000u

/* The calling thread's pipe-vector handle, made on first use, or a
 * negative CHIME_E* code. */
long libos_pipe_vector(void);

/* Sleep until the pipe vector is raised or timeout_ns passes (bits of
 * other vectors are given back). 0 or CHIME_ETIMEDOUT. */
long libos_pipe_sleep(uint64_t timeout_ns);

/* Drop a pipe-vector bit left pending after a wait was disarmed (a
 * notification that came late), keeping every other bit: no syscall. */
void libos_pipe_quiet(void);

/* An open file for the pipe end named by handle (taken over on success),
 * with flags (O_RDONLY for a read end, O_WRONLY for a write end); NULL with
 * *err a negative errno value. */
struct libos_file *pipe_file_adopt(int handle, int flags, int *err);

#endif
