/* libos threads: the Chime API beside <pthread.h> (both in thread.c).
 *
 * Each thread gets its own stack and TLS block (so errno is per thread) in a
 * LIBOS_THREAD_SLOT of the address space (see libos.h). A chime_thread is a
 * pthread_t: the two APIs mix. Joining sleeps on a futex word the thread
 * sets as its very last store, so the joiner may unmap the stack at once. */
#ifndef LIBOS_THREAD_H
#define LIBOS_THREAD_H

#include <stdint.h>

struct chime_thread;

/* Start fn(arg) in a new thread of this process, on a hart in hart_mask
 * (bit h = hart h; 0 = any hart). Returns the thread, or NULL with errno set
 * (ENOMEM: no stack slot or memory; others from the kernel). */
struct chime_thread *chime_thread_create(void *(*fn)(void *), void *arg, uint64_t hart_mask);

/* Wait for t to finish, store fn's result in *result (if not NULL) and free
 * the thread's stack, TLS and handle. Returns 0. Join each thread once. */
int chime_thread_join(struct chime_thread *t, void **result);

/* The kernel thread handle of t, for SYS_THREAD_PRIORITY/AFFINITY; valid
 * until t is joined. */
int chime_thread_handle(const struct chime_thread *t);

/* Thread stacks, for thread.c and thread_attr.c: a stack lives in a slot
 * of LIBOS_THREAD_SLOT bytes (libos.h) above an unmapped guard. */
#define LIBOS_THREAD_PAGE      4096u
#define LIBOS_THREAD_GUARD     0x10000u
#define LIBOS_THREAD_STACK_MAX (LIBOS_THREAD_SLOT - LIBOS_THREAD_GUARD)

#endif
