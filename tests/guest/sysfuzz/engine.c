/* The engine: randomness, argument generators, the checked syscall, the
 * handle table model and the main loop of a child or grandchild. */
#include "engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <chime/errno.h>
#include <chime/syscall.h>
#include <libos/libos.h>

/* Fixed pages at the bottom of the arena, never touched by fz_range. */
#define ARENA_SCRATCH  0  /* pages 0..7: read-write, the kernel may write here */
#define ARENA_RO       8  /* read-only */
#define ARENA_GUARD    9  /* never mapped */
#define ARENA_LINE     10 /* read-write; a console line at its very end */
#define ARENA_LINE_END 11 /* never mapped */
#define ARENA_FREE     16 /* first page the fuzzer maps and unmaps */

static const char noise_line[] = "sysfuzz: debug_write\n";

static uint64_t arena(uint64_t page)
{
    return FZ_ARENA_VA + page * CHIME_PAGE_SIZE;
}

/* ---- randomness ------------------------------------------------------------ */

uint64_t fz_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t fz_rand(struct fz *f)
{
    f->rng += 0x9e3779b97f4a7c15ull;
    return fz_mix(f->rng);
}

uint64_t fz_below(struct fz *f, uint64_t n)
{
    return fz_rand(f) % n;
}

int fz_chance(struct fz *f, unsigned num, unsigned den)
{
    return fz_below(f, den) < num;
}

uint64_t fz_pick(struct fz *f, const uint64_t *v, unsigned n)
{
    return v[fz_below(f, n)];
}

/* ---- output ------------------------------------------------------------------ */

void fz_say(const char *fmt, ...)
{
    char line[240];
    long args[6] = {0};
    struct fz_ret ret;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    args[0] = (long)line;
    args[1] = n;
    fz_syscall(SYS_DEBUG_WRITE, args, &ret);
}

void fz_fail(struct fz *f, const char *fmt, ...)
{
    char what[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    f->failures++;
    fz_say("sysfuzz: FAIL in %s (call %lu): %s", f->grand ? "grandchild" : "child",
           (unsigned long)f->calls, what);
}

/* ---- the handle table model ---------------------------------------------------- */

void fz_note(struct fz *f, long h, unsigned type, unsigned kind, uint32_t ident)
{
    if (h < 0 || h >= FZ_HANDLES)
        return;
    f->type[h] = (uint8_t)type;
    f->kind[h] = (uint8_t)kind;
    f->ident[h] = ident ? ident : ++f->next_ident;
    f->ctl[h] = 0;
    f->cbuf[h] = 0;
}

void fz_forget(struct fz *f, long h)
{
    if (h < 0 || h >= FZ_HANDLES)
        return;
    f->type[h] = 0;
    f->kind[h] = K_UNKNOWN;
    f->ident[h] = 0;
    f->ctl[h] = 0;
    f->cbuf[h] = 0;
    f->closed[f->nclosed++ % FZ_LIST] = (int)h;
}

static long handle_info(long h)
{
    long args[6] = {h};
    struct fz_ret ret;

    return fz_syscall(SYS_HANDLE_INFO, args, &ret);
}

void fz_scan(struct fz *f)
{
    for (long h = 0; h < FZ_HANDLES; h++) {
        long t = handle_info(h);
        unsigned type = t > 0 ? (unsigned)t : 0;

        if (type != f->type[h]) {
            if (f->type[h])
                fz_forget(f, h);
            if (type)
                fz_note(f, h, type, K_UNKNOWN, 0);
        }
    }
}

long fz_live(struct fz *f, unsigned type)
{
    uint64_t n = 0, k;

    for (int h = 0; h < FZ_HANDLES; h++)
        n += f->type[h] && (type == 0 || f->type[h] == type);
    if (n == 0)
        return -2;
    k = fz_below(f, n);
    for (int h = 0; h < FZ_HANDLES; h++)
        if (f->type[h] && (type == 0 || f->type[h] == type) && k-- == 0)
            return h;
    return -2;
}

long fz_handle(struct fz *f, unsigned type)
{
    static const uint64_t garbage[] = {0,
                                       1,
                                       2,
                                       255,
                                       256,
                                       257,
                                       (uint64_t)-2,
                                       0x7fffffff,
                                       1ull << 32,
                                       (uint64_t) - (1ll << 40),
                                       1ull << 63};
    unsigned roll = (unsigned)fz_below(f, 100);
    long h;

    if (roll < 60 && type && (h = fz_live(f, type)) >= 0)
        return h;
    if (roll < 75 && (h = fz_live(f, 0)) >= 0)
        return h;
    if (roll < 80)
        return CHIME_SELF;
    if (roll < 85 && f->nclosed)
        return f->closed[fz_below(f, f->nclosed < FZ_LIST ? f->nclosed : FZ_LIST)];
    if (roll < 92)
        return (long)fz_below(f, FZ_HANDLES);
    return (long)fz_pick(f, garbage, sizeof(garbage) / sizeof(garbage[0]));
}

long fz_space(struct fz *f)
{
    unsigned roll = (unsigned)fz_below(f, 100);
    long h;

    if (roll < 15)
        return CHIME_SELF;
    if (roll < 75 && (h = fz_live(f, CHIME_OBJ_SPACE)) >= 0)
        return h;
    return fz_handle(f, CHIME_OBJ_SPACE);
}

int fz_is_self(const struct fz *f, long h)
{
    if (h == CHIME_SELF)
        return 1;
    return h >= 0 && h < FZ_HANDLES && f->type[h] == CHIME_OBJ_SPACE && f->kind[h] == K_SELF;
}

/* ---- pointers and numbers ---------------------------------------------------- */

static const uint64_t bad_ptrs[] = {
    0,
    1,
    0xfff,
    CHIME_USER_BASE - 1,
    CHIME_USER_TOP - 1,
    CHIME_USER_TOP - 8,
    CHIME_USER_TOP,
    CHIME_USER_TOP + CHIME_PAGE_SIZE,
    0xffffffc080200000ull, /* the kernel image */
    0xffffffc000000000ull, /* the direct map */
    (uint64_t)-1,
    1ull << 63,
};

/* A live va from one of the handle-slot lists (control rings, buffers). */
static uint64_t live_va(struct fz *f, const uint64_t *per_handle)
{
    uint64_t n = 0, k;

    for (int h = 0; h < FZ_HANDLES; h++)
        n += per_handle[h] != 0;
    if (n == 0)
        return 0;
    k = fz_below(f, n);
    for (int h = 0; h < FZ_HANDLES; h++)
        if (per_handle[h] && k-- == 0)
            return per_handle[h];
    return 0;
}

uint64_t fz_ptr_in(struct fz *f)
{
    char local;
    uint64_t va;

    switch (fz_below(f, 14)) {
    case 0:
    case 1:
        return arena(ARENA_SCRATCH) + fz_below(f, 8 * CHIME_PAGE_SIZE);
    case 2:
        return arena(ARENA_FREE + fz_below(f, FZ_ARENA_PAGES - ARENA_FREE));
    case 3:
        return arena(ARENA_RO) + fz_below(f, CHIME_PAGE_SIZE);
    case 4:
        return arena(ARENA_GUARD) - fz_below(f, 64);
    case 5:
        return (uint64_t)fz_syscall + fz_below(f, 256);
    case 6:
        return (uint64_t)&local - fz_below(f, 512);
    case 7:
        return CHIME_INFO_VA + fz_below(f, CHIME_PAGE_SIZE);
    case 8:
        return f->state_va ? f->state_va + fz_below(f, 64) : CHIME_INFO_VA;
    case 9:
        va = live_va(f, f->ctl);
        return va ? va + fz_below(f, CHIME_PAGE_SIZE) : CHIME_KAREA_BASE;
    case 10:
        va = live_va(f, f->cbuf);
        return va ? va + fz_below(f, 4 * CHIME_PAGE_SIZE) : CHIME_KAREA_BASE;
    case 11:
        return fz_rand(f) & (CHIME_USER_TOP - 1);
    default:
        return fz_pick(f, bad_ptrs, sizeof(bad_ptrs) / sizeof(bad_ptrs[0]));
    }
}

uint64_t fz_ptr_out(struct fz *f)
{
    uint64_t va;

    /* Pointers refused before anything is written, or fully writable. */
    switch (fz_below(f, f->avoid & AVOID_CONNECT_RO ? 6 : 12)) {
    case 0:
    case 1:
    case 2:
        return arena(ARENA_SCRATCH) + fz_below(f, 7 * CHIME_PAGE_SIZE);
    case 3:
        return f->state_va ? f->state_va + 8 * fz_below(f, 4) : arena(ARENA_SCRATCH);
    case 4:
        va = live_va(f, f->cbuf);
        return va ? va + 8 * fz_below(f, 64) : arena(ARENA_SCRATCH);
    case 5:
        return fz_pick(f, bad_ptrs, sizeof(bad_ptrs) / sizeof(bad_ptrs[0]));
    /* Pointers the kernel's copy faults on, sometimes after some bytes. */
    case 6:
        return arena(ARENA_RO) + fz_below(f, CHIME_PAGE_SIZE);
    case 7:
        return arena(ARENA_RO) - 8 * fz_below(f, 3);
    case 8:
        return arena(ARENA_GUARD) + fz_below(f, CHIME_PAGE_SIZE);
    case 9:
        return CHIME_INFO_VA + 8 * fz_below(f, 16);
    case 10:
        return (uint64_t)fz_syscall;
    default:
        return arena(ARENA_FREE + fz_below(f, FZ_ARENA_PAGES - ARENA_FREE));
    }
}

uint64_t fz_len(struct fz *f)
{
    static const uint64_t lens[] = {0,
                                    1,
                                    7,
                                    8,
                                    24,
                                    4095,
                                    4096,
                                    4097,
                                    8192,
                                    3 * 4096,
                                    64 * 4096,
                                    1u << 20,
                                    4u << 20,
                                    (4u << 20) + 4096,
                                    1ull << 40,
                                    CHIME_USER_TOP,
                                    (uint64_t)-1,
                                    (uint64_t)-4096,
                                    1ull << 63};

    if (fz_chance(f, 1, 3))
        return fz_below(f, 3 * CHIME_PAGE_SIZE);
    return fz_pick(f, lens, sizeof(lens) / sizeof(lens[0]));
}

/* Page ranges the kernel refuses (unaligned, empty, out of the user
 * range): safe to aim even at this process. */
static void bad_range(struct fz *f, uint64_t *va, uint64_t *len)
{
    switch (fz_below(f, 6)) {
    case 0:
        *va = arena(ARENA_FREE) + 1 + fz_below(f, 4095);
        *len = CHIME_PAGE_SIZE;
        return;
    case 1:
        *va = arena(ARENA_FREE);
        *len = 0;
        return;
    case 2:
        *va = arena(ARENA_FREE);
        *len = 1 + fz_below(f, 4095);
        return;
    case 3:
        *va = fz_below(f, CHIME_USER_BASE) & ~(CHIME_PAGE_SIZE - 1);
        *len = CHIME_PAGE_SIZE;
        return;
    case 4:
        *va = CHIME_KAREA_BASE + fz_below(f, 4) * CHIME_PAGE_SIZE;
        *len = CHIME_PAGE_SIZE;
        return;
    default:
        *va = arena(ARENA_FREE);
        *len = (uint64_t)-CHIME_PAGE_SIZE;
        return;
    }
}

void fz_range(struct fz *f, long h, uint64_t *va, uint64_t *len)
{
    static const uint64_t spots[] = {
        FZ_CODE_VA,
        FZ_CODE_VA + CHIME_PAGE_SIZE,
        0x100000,
        FZ_ARENA_VA,
        0x1ff0000000ull, /* libos main stack */
        0x1800000000ull, /* libos thread stacks */
        CHIME_KAREA_BASE - CHIME_PAGE_SIZE,
        CHIME_KAREA_BASE - 16 * CHIME_PAGE_SIZE,
    };
    uint64_t pages, max;

    if (fz_chance(f, 1, 10)) {
        bad_range(f, va, len);
        return;
    }
    if (fz_is_self(f, h)) {
        uint64_t first = ARENA_FREE + fz_below(f, FZ_ARENA_PAGES - ARENA_FREE);
        pages = 1 + fz_below(f, fz_chance(f, 1, 4) ? FZ_ARENA_PAGES - first : 4);
        *va = arena(first);
        *len = pages * CHIME_PAGE_SIZE;
        return;
    }
    if (fz_chance(f, 1, 2))
        *va = fz_pick(f, spots, sizeof(spots) / sizeof(spots[0]));
    else
        *va = (CHIME_USER_BASE + fz_below(f, CHIME_KAREA_BASE - CHIME_USER_BASE)) &
              ~(CHIME_PAGE_SIZE - 1);
    switch (fz_below(f, 100)) {
    case 0:
        pages = (CHIME_KAREA_BASE - *va) / CHIME_PAGE_SIZE; /* to the end */
        break;
    case 1:
        pages = (1ull << 30) / CHIME_PAGE_SIZE + fz_below(f, 1u << 20);
        break;
    case 2:
    case 3:
        pages = 256 + fz_below(f, 16384 - 256); /* 1..64 MiB */
        break;
    default:
        pages = 1 + fz_below(f, fz_chance(f, 1, 4) ? 64 : 4);
        break;
    }
    max = (f->avoid & AVOID_HUGE_MAP) ? (1ull << 30) / CHIME_PAGE_SIZE : ~0ull;
    if (pages > max)
        pages = 1 + fz_below(f, 64);
    if (pages > (CHIME_KAREA_BASE - *va) / CHIME_PAGE_SIZE)
        pages = (CHIME_KAREA_BASE - *va) / CHIME_PAGE_SIZE;
    *len = pages * CHIME_PAGE_SIZE;
}

uint64_t fz_prot(struct fz *f)
{
    static const uint64_t prots[] = {CHIME_PROT_READ, CHIME_PROT_READ | CHIME_PROT_WRITE,
                                     CHIME_PROT_READ | CHIME_PROT_EXEC,
                                     CHIME_PROT_READ | CHIME_PROT_WRITE | CHIME_PROT_EXEC};

    if (fz_chance(f, 3, 4))
        return fz_pick(f, prots, 4);
    if (fz_chance(f, 1, 2))
        return fz_below(f, 9);
    return fz_rand(f);
}

uint64_t fz_rights(struct fz *f)
{
    switch (fz_below(f, 8)) {
    case 0:
        return CHIME_R_ALL;
    case 1:
        return 0;
    case 2:
        return fz_rand(f);
    default:
        return fz_below(f, CHIME_R_ALL + 1);
    }
}

uint64_t fz_timeout(struct fz *f)
{
    static const uint64_t t[] = {0, 0, 1, 1000, 50000, 1000000};

    return fz_pick(f, t, sizeof(t) / sizeof(t[0]));
}

/* ---- the checked syscall ----------------------------------------------------- */

const char *fz_sys_name(long n);

/* Registers (bit = x-register number) call n may change besides a0. */
static uint64_t may_clobber(long n)
{
    const uint64_t a1 = 1u << 11;
    const uint64_t temps = 0xf00000e0ull | 0x3f000ull; /* t0-t6, a2-a7 */

    switch (n) {
    case SYS_MEM_STATS:
    case SYS_HANDLE_INFO:
    case SYS_UINTR_WAIT:
    case SYS_IPC_SERVE:
        return a1;
    case SYS_UINTR_SEND_WAIT:
        return a1 | temps;
    default:
        return 0;
    }
}

long fz_call(struct fz *f, long n, long a0, long a1, long a2, long a3, long a4, long a5,
             long *second)
{
    long args[6] = {a0, a1, a2, a3, a4, a5};
    struct fz_ret ret;

    f->calls++;
    if (f->trace)
        fz_say("sysfuzz: %lu %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)", (unsigned long)f->calls,
               fz_sys_name(n), a0, a1, a2, a3, a4, a5);
    if (f->stats) {
        long none[6] = {0};
        struct fz_ret t;
        uint64_t t0 = (uint64_t)fz_syscall(SYS_CLOCK_GET, none, &t);
        fz_syscall(n, args, &ret);
        if (n >= 0 && n < SYS_COUNT)
            f->ns[n] += (uint64_t)fz_syscall(SYS_CLOCK_GET, none, &t) - t0;
    } else {
        fz_syscall(n, args, &ret);
    }
    if (f->trace)
        fz_say("sysfuzz: %lu = %ld (a1 %#lx)", (unsigned long)f->calls, ret.a0, ret.a1);
    if (ret.clobbered & ~may_clobber(n))
        fz_fail(f, "%s(%#lx, %#lx, ...) = %ld changed registers %#lx", fz_sys_name(n), a0, a1,
                ret.a0, (unsigned long)(ret.clobbered & ~may_clobber(n)));
    if (ret.a0 < -CHIME_ERRNO_MAX && n != SYS_CLOCK_GET && n != SYS_IPC_LEND)
        fz_fail(f, "%s(%#lx, %#lx, ...) = %ld: not a CHIME_E* code", fz_sys_name(n), a0, a1,
                ret.a0);
    if (ret.a0 < 0)
        f->hist_err++;
    else
        f->hist_ok++;
    if (second)
        *second = ret.a1;
    return ret.a0;
}

/* ---- a run --------------------------------------------------------------------- */

static struct fz engine;

/* The fixed arena pages; the pages above ARENA_FREE start unmapped. */
static int arena_setup(struct fz *f)
{
    long r;

    r = fz_call(f, SYS_SPACE_MAP_ANON, CHIME_SELF, (long)arena(ARENA_SCRATCH),
                (long)(9 * CHIME_PAGE_SIZE), CHIME_PROT_READ | CHIME_PROT_WRITE, 0, 0, NULL);
    if (r == 0)
        r = fz_call(f, SYS_SPACE_PROTECT, CHIME_SELF, (long)arena(ARENA_RO), CHIME_PAGE_SIZE,
                    CHIME_PROT_READ, 0, 0, NULL);
    if (r == 0)
        r = fz_call(f, SYS_SPACE_MAP_ANON, CHIME_SELF, (long)arena(ARENA_LINE), CHIME_PAGE_SIZE,
                    CHIME_PROT_READ | CHIME_PROT_WRITE, 0, 0, NULL);
    if (r < 0)
        return (int)r;
    memcpy((char *)arena(ARENA_LINE_END) - sizeof(noise_line) + 1, noise_line,
           sizeof(noise_line) - 1);
    f->calls = 0;
    return 0;
}

uint64_t fz_noise_line(uint64_t *len)
{
    *len = sizeof(noise_line) - 1;
    return arena(ARENA_LINE_END) - *len;
}

int fz_run(const struct fz_options *o, int grand)
{
    struct fz *f = &engine;
    const void *base;
    size_t size;

    f->rng = o->seed;
    f->avoid = o->avoid;
    f->grand = grand;
    f->trace = o->trace;
    f->stats = o->stats;
    f->budget = o->calls;
    f->grand_seq = fz_mix(o->seed ^ 0x6772616e64ull);
    if (arena_setup(f) < 0) {
        fz_say("sysfuzz: cannot map the arena");
        return 1;
    }
    libos_archive(&base, &size); /* mapped once, before the fuzzing starts */
    f->archive = libos_archive_handle();
    fz_scan(f);
    if (f->type[0] == CHIME_OBJ_SPACE)
        f->kind[0] = K_SELF;
    if (f->archive >= 0 && f->archive < FZ_HANDLES)
        f->keep[f->archive] = 1;
    while (f->calls < f->budget) {
        fz_step(f);
        if (f->calls % (grand ? 97 : 1009) == 0)
            fz_scan(f);
    }
    /* Grandchildren end with us: kill each and check that it is gone. */
    for (unsigned i = 0; i < f->ngrands; i++) {
        long args[6] = {f->grands[i], CHIME_STATUS_KILLED};
        struct fz_ret ret;
        long r;

        fz_syscall(SYS_SPACE_KILL, args, &ret);
        args[1] = 2000000000;
        r = fz_syscall(SYS_SPACE_WAIT, args, &ret);
        if (r == CHIME_ETIMEDOUT)
            fz_fail(f, "grandchild %d still runs 2 s after SPACE_KILL", f->grands[i]);
    }
    for (int n = 0; f->stats && n < SYS_COUNT; n++)
        if (f->ns[n] > 10000000)
            fz_say("sysfuzz: %s: %lu ms in all", fz_sys_name(n),
                   (unsigned long)(f->ns[n] / 1000000));
    if (f->trace || f->failures)
        fz_say("sysfuzz: %s done: %lu calls, %lu ok, %lu errors, %d failures",
               grand ? "grandchild" : "child", (unsigned long)f->calls, (unsigned long)f->hist_ok,
               (unsigned long)f->hist_err, f->failures);
    return f->failures > 100 ? 100 : f->failures;
}
