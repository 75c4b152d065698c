/* ipctest: guest-side tests of uintr and IPC (see tests/system/cases/ipc_*
 * and uintr_*). One group of checks per file; main.c picks the group from
 * argv[1] and helper roles that run in child processes. Every check prints
 * a TAP line ("ok - group: what" / "not ok - group: what"); the exit status
 * is the number of failed checks. */
#ifndef IPCTEST_H
#define IPCTEST_H

#include <stdint.h>
#include <sys/types.h>

#include "libos/ipc.h"

/* Print one TAP line; returns ok. */
int tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A skipped check (counts as passed). */
void tap_skip(const char *what, const char *why);

/* Start the echo server under name (pinned to hart_mask, 0 = any) and
 * connect to it with flags; -1 when either fails (reported). */
pid_t echo_start(const char *name, uint64_t hart_mask, struct ipc_conn **c, size_t size,
                 unsigned flags);
/* Spawn this program with argv (argv[0] = "ipctest"). */
pid_t self_spawn(char *const argv[], uint64_t hart_mask);
void proc_stop(pid_t pid);

/* rdtime in ns, and a sleep. */
uint64_t now_ns(void);
void sleep_ns(uint64_t ns);

/* The groups. */
int test_stress(int argc, char **argv);
int stress_client(int argc, char **argv);
int test_regs(int argc, char **argv);
int test_wake(int argc, char **argv);
int uipi_child(int argc, char **argv);
int test_bad(int argc, char **argv);
int vec_child(int argc, char **argv);
int test_kill(int argc, char **argv);
int busy_client(int argc, char **argv);
int test_irq(int argc, char **argv);
int test_zcopy(int argc, char **argv);
int test_hostile(int argc, char **argv);
int idle_child(int argc, char **argv);
int lend_exit_child(int argc, char **argv);
int hold_client(int argc, char **argv);
int test_many(int argc, char **argv);

/* hostile.c's checks, shared with many.c: n checked echo calls on c; is
 * process pid alive; the server's IPC_OP_STATS over c; poll it until the
 * server holds want connections (or timeout_ns): the last count. */
int hostile_w_works(struct ipc_conn *c, int n);
int hostile_alive(pid_t pid);
struct ipc_slot hostile_stats(struct ipc_conn *c);
unsigned hostile_wait_conns(struct ipc_conn *c, unsigned want, uint64_t timeout_ns);

#endif
