/* systest: guest-side system tests. Each group is a function that prints
 * TAP lines ("ok - group: what" / "not ok - group: what") through check();
 * main runs them all in one boot and exits with the number of failures. */
#ifndef SYSTEST_H
#define SYSTEST_H

#include <stdint.h>
#include <sys/types.h>

/* Print one TAP line; returns cond. */
int check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Spawn systest_child with argv (argv[0] is set here), optionally pinned to
 * hart_mask, and wait: its raw kernel exit status, or a negative errno value
 * when it could not be started. */
long child_run(char *const args[], uint64_t hart_mask);

/* Spawn systest_child without waiting; 0 or an errno value. */
int child_start(pid_t *pid, char *const args[], uint64_t hart_mask);

/* SYS_CLOCK_GET. */
uint64_t now_ns(void);

/* Free frames (SYS_MEM_STATS). */
long free_frames(void);

void test_faults(void);
void test_pointers(void);
void test_handles(void);
void test_threads(void);
void test_process(void);
void test_memory(void);
void test_time(void);
void test_abi(void);
void test_protect(void);
void test_lifetime(void);
void test_priority(void);

#endif
