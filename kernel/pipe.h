/* Pipes, kernel side (the ABI: include/chime/pipe.h). The kernel sets up
 * the shared ring, tracks which processes map it and which vectors watch
 * each side, and reports the close of the last handle of an end; it never
 * touches the bytes in flight. */
#ifndef KERNEL_PIPE_H
#define KERNEL_PIPE_H

#include "object.h"
#include <platform/trapframe.h>

struct pipe;
struct space;

/* One end; embedded in struct pipe. Handles name an end. */
struct pipe_end {
    struct kobj obj; /* CHIME_OBJ_PIPE */
    struct pipe *pipe;
    int side; /* 0 read, 1 write */
};

/* The last handle of e is gone (object.c). */
void pipe_end_release(struct pipe_end *e);

/* s is exiting: drop its mappings and watches of every pipe. */
void pipe_space_exit(struct space *s);

long sys_pipe_create(struct trapframe *tf);
long sys_pipe_map(struct trapframe *tf);
long sys_pipe_unmap(struct trapframe *tf);
long sys_pipe_watch(struct trapframe *tf);
long sys_pipe_notify(struct trapframe *tf);

#endif
