/* The fuzzing engine's state and argument generators (engine.c), shared
 * with the syscall operations (calls.c). One engine per process; only its
 * main thread runs it. */
#ifndef SYSFUZZ_ENGINE_H
#define SYSFUZZ_ENGINE_H

#include "sysfuzz.h"

#include <stdint.h>

#include <chime/syscall.h>

#define FZ_HANDLES 256 /* the kernel's HANDLE_MAX */

/* Where the engine may change its own space: an arena of pages it maps and
 * unmaps at will, and a window for frames objects. Spaces it creates get a
 * code page at FZ_CODE_VA. Frames objects are only ever mapped in
 * [FZ_FRAMES_VA, +FZ_FRAMES_LEN) (libos puts the archive there too), so
 * that the avoid classes for frames can keep writes and protects out. */
#define FZ_ARENA_VA       0x0c00000000ull
#define FZ_ARENA_PAGES    256ull
#define FZ_ARENA_LEN      (FZ_ARENA_PAGES * CHIME_PAGE_SIZE)
#define FZ_ARENA_FREE_OFF (16 * CHIME_PAGE_SIZE) /* below: fixed pages (engine.c) */
#define FZ_FRAMES_VA      0x1000000000ull        /* LIBOS_ARCHIVE_VA */
#define FZ_FRAMES_LEN     0x0800000000ull
#define FZ_FRAMES_SELF_VA (FZ_FRAMES_VA + 0x0400000000ull) /* own space: past the archive */
#define FZ_CODE_VA        CHIME_USER_BASE

/* What the engine knows about the space behind a handle of its own. */
enum fz_kind {
    K_UNKNOWN = 0, /* not a space, or found by a scan */
    K_SELF,        /* this process */
    K_CREATED,     /* made with SYS_SPACE_CREATE here */
    K_GRAND,       /* a spawned grandchild */
};

#define FZ_LIST 16

struct fz {
    uint64_t rng;
    uint32_t avoid;
    int grand;
    int trace;
    int stats; /* time spent in each syscall, printed at the end */
    uint64_t ns[SYS_COUNT];
    uint64_t calls, budget;
    int failures;
    uint64_t hist_ok, hist_err;

    uint8_t type[FZ_HANDLES];   /* object type from HANDLE_INFO, 0 = free */
    uint8_t kind[FZ_HANDLES];   /* enum fz_kind for space handles */
    uint8_t keep[FZ_HANDLES];   /* never closed by the fuzzer */
    uint32_t ident[FZ_HANDLES]; /* same object, same number (0 = unknown) */
    uint64_t ctl[FZ_HANDLES];   /* service handles from SERVE: control ring va */
    uint64_t cbuf[FZ_HANDLES];  /* client ends from CONNECT: buffer va */
    uint32_t next_ident;
    int closed[FZ_LIST]; /* recently closed handles */
    unsigned nclosed;

    long senders[FZ_LIST]; /* sender indices the kernel gave */
    unsigned nsenders;
    uint64_t lends[FZ_LIST]; /* server vas of lends, as LEND returned */
    unsigned nlends;
    uint64_t state_va; /* the main thread's uintr state page, 0 = none */

    int grands[FZ_LIST]; /* spawned grandchildren (kept handles) */
    unsigned ngrands;
    uint64_t grand_seq;
    int archive; /* the archive handle libos spawns with (kept) */

    char scratch[256]; /* formatting */
};

/* ---- randomness ------------------------------------------------------------ */

uint64_t fz_rand(struct fz *f);
/* Uniform in [0, n); n > 0. */
uint64_t fz_below(struct fz *f, uint64_t n);
/* True with probability num/den. */
int fz_chance(struct fz *f, unsigned num, unsigned den);
/* One of the n values. */
uint64_t fz_pick(struct fz *f, const uint64_t *v, unsigned n);

/* ---- arguments ----------------------------------------------------------- */

/* A handle to pass where an object of `type` is wanted (0: any type):
 * mostly a live handle of that type, else any live one, a closed one, a
 * pseudo-handle or garbage. */
long fz_handle(struct fz *f, unsigned type);
/* A live handle of `type`, -2 (never valid) when the table has none. */
long fz_live(struct fz *f, unsigned type);
/* A space handle: self, created, grandchildren or garbage. */
long fz_space(struct fz *f);
/* Is space handle h this process (CHIME_SELF, or a copy of its own)? */
int fz_is_self(const struct fz *f, long h);

/* A user pointer the kernel only reads: valid buffers, their edges, the
 * info page, kernel and out-of-range addresses. */
uint64_t fz_ptr_in(struct fz *f);
/* A pointer the kernel writes to: never into this program's own data; a
 * scratch page, pages that fault, kernel and out-of-range addresses. Under
 * AVOID_CONNECT_RO only pointers that are writable or refused up front. */
uint64_t fz_ptr_out(struct fz *f);
/* A length: 0, 1, page multiples and off-by-ones, big and huge values. */
uint64_t fz_len(struct fz *f);
/* A page range for map/unmap/protect in space h: in the arena for this
 * process, anywhere (and sometimes nonsense) for others. */
void fz_range(struct fz *f, long h, uint64_t *va, uint64_t *len);
uint64_t fz_prot(struct fz *f);
uint64_t fz_rights(struct fz *f);
/* Nanoseconds for a wait: never longer than a millisecond. */
uint64_t fz_timeout(struct fz *f);

/* ---- calls --------------------------------------------------------------- */

/* Issue syscall n; checks the registers came back as the ABI says and the
 * result is >= 0 or a CHIME_E* code. a1 gets the second result (or NULL). */
long fz_call(struct fz *f, long n, long a0, long a1, long a2, long a3, long a4, long a5,
             long *second);
/* Record what a handle-returning call produced. */
void fz_note(struct fz *f, long h, unsigned type, unsigned kind, uint32_t ident);
/* Forget handle h (it was closed). */
void fz_forget(struct fz *f, long h);
/* Refresh the type table from HANDLE_INFO (all handles). */
void fz_scan(struct fz *f);
/* Report a kernel misbehaviour found by a check (counted in failures). */
void fz_fail(struct fz *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One random operation (calls.c). */
void fz_step(struct fz *f);
/* Spawn a grandchild (calls.c, child only). */
void fz_spawn_grand(struct fz *f);

#endif
