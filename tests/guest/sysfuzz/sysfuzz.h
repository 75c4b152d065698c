/* sysfuzz: a guest syscall fuzzer (see docs/sysfuzz.md).
 *
 * Three roles of one program:
 *   supervisor  (no role argument) spawns rounds of children, checks that
 *               every child ends well and that the free frame count comes
 *               back once all are gone; prints the seed and how to replay;
 *   child       issues random syscalls with random and interesting
 *               arguments in its own space and in spaces it creates, and
 *               spawns grandchildren that it hands handles to;
 *   grand       the same engine, with what its parent granted it.
 *
 * Everything is derived from one 64-bit seed; a child's calls depend only on
 * its own seed (the kernel's answers may differ with timing on several
 * harts). */
#ifndef SYSFUZZ_H
#define SYSFUZZ_H

#include <stdint.h>

#include <chime/layout.h>
#include <chime/types.h>

/* ---- known kernel bugs the fuzzer can steer clear of (avoid=a,b) ------- */

enum fz_avoid {
    AVOID_GRANT_CONN = 1u << 0,     /* connection ends granted to another process */
    AVOID_RELEND = 1u << 1,         /* lending again on a connection with live lends */
    AVOID_LEND_REVOKE = 1u << 2,    /* unmap/protect/exit of lent pages */
    AVOID_CONNECT_RO = 1u << 3,     /* connect with an info pointer that faults */
    AVOID_CTL_FULL = 1u << 4,       /* letting a control ring fill up */
    AVOID_SELF_SPACE = 1u << 5,     /* granting a space a handle to itself */
    AVOID_SPACE_WRITE_RO = 1u << 6, /* SPACE_WRITE over read-only (frames) pages */
    AVOID_PROTECT_FRAMES = 1u << 7, /* SPACE_PROTECT over mapped frames objects */
    AVOID_NEG_STATUS = 1u << 8,     /* exit / kill statuses outside 0..255 */
    AVOID_HUGE_MAP = 1u << 9,       /* map/unmap lengths over 1 GiB */
    AVOID_PRIO_RAISE = 1u << 10,    /* priorities above CHIME_PRIO_DEFAULT */
};

/* The bits for a comma-separated list of class names ("all" = every one);
 * -1 for an unknown name (*bad points at it). */
long fz_avoid_parse(const char *list, const char **bad);
/* The names of the bits in mask, comma-separated, into buf. */
void fz_avoid_format(uint32_t mask, char *buf, unsigned size);

/* ---- options ------------------------------------------------------------ */

struct fz_options {
    uint64_t seed;
    uint64_t calls; /* supervisor: in all; child/grand: its own budget */
    uint32_t per;   /* supervisor: calls per child */
    uint32_t procs; /* supervisor: children at once */
    uint32_t from;  /* supervisor: first round to run */
    uint32_t avoid; /* AVOID_* */
    int replay;     /* supervisor: run the one child with this seed */
    int trace;      /* print every call */
    int stats;      /* print the time spent in each syscall */
    int irq_handle; /* child: an IRQ handle from the supervisor, -1: none */
};

int fz_supervise(const struct fz_options *o);
/* The environment of every process sysfuzz spawns: one whose arguments a
 * fuzzing parent overwrote must not take itself for a supervisor. */
extern char *const fz_spawn_env[];
/* Run the engine as child (grand = 0) or grandchild; the exit status. */
int fz_run(const struct fz_options *o, int grand);

/* Splitmix64: the seed of child i of round r, and the step of the rng. */
uint64_t fz_mix(uint64_t x);

/* A line on the console in one SYS_DEBUG_WRITE (never mixed with others). */
void fz_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- the raw syscall (stub.S) ------------------------------------------ */

struct fz_ret {
    long a0;
    long a1;
    uint64_t clobbered; /* bit x: register x came back changed */
};
long fz_syscall(long n, const long args[6], struct fz_ret *out);
void fz_tiny_thread(void);
void fz_tiny_handler(void);
extern const char fz_blob[];

#endif
