/* The operations: one per syscall (and a few compound ones that build a
 * runnable space or a grandchild), each drawing its arguments from the
 * generators in engine.c, and each keeping the engine's own process alive:
 * no call here may end this process or corrupt its memory. */
#include "asm.h"
#include "engine.h"

#include <stdio.h>
#include <string.h>

#include <chime/errno.h>
#include <chime/ipc.h>
#include <chime/syscall.h>
#include <chime/uintr.h>
#include <libos/spawn.h>

_Static_assert(FZ_SYS_YIELD == SYS_YIELD, "asm.h");
_Static_assert(FZ_SYS_SLEEP == SYS_SLEEP, "asm.h");
_Static_assert(FZ_SYS_THREAD_EXIT == SYS_THREAD_EXIT, "asm.h");
_Static_assert(FZ_SYS_EXIT == SYS_EXIT, "asm.h");
_Static_assert(FZ_SYS_HANDLE_CLOSE == SYS_HANDLE_CLOSE, "asm.h");
_Static_assert(FZ_SYS_HANDLE_INFO == SYS_HANDLE_INFO, "asm.h");
_Static_assert(FZ_SYS_UINTR_VECTOR_CREATE == SYS_UINTR_VECTOR_CREATE, "asm.h");
_Static_assert(FZ_SYS_UINTR_WAIT == SYS_UINTR_WAIT, "asm.h");
_Static_assert(FZ_SYS_URET == SYS_URET, "asm.h");

uint64_t fz_noise_line(uint64_t *len);

const char *fz_sys_name(long n)
{
    static const char *const names[SYS_COUNT] = {
        [SYS_NULL] = "null",
        [SYS_DEBUG_WRITE] = "debug_write",
        [SYS_CLOCK_GET] = "clock_get",
        [SYS_HART_SELF] = "hart_self",
        [SYS_MEM_STATS] = "mem_stats",
        [SYS_POWEROFF] = "poweroff",
        [SYS_THREAD_CREATE] = "thread_create",
        [SYS_THREAD_EXIT] = "thread_exit",
        [SYS_YIELD] = "yield",
        [SYS_SLEEP] = "sleep",
        [SYS_THREAD_PRIORITY] = "thread_priority",
        [SYS_THREAD_AFFINITY] = "thread_affinity",
        [SYS_THREAD_ID] = "thread_id",
        [SYS_SPACE_CREATE] = "space_create",
        [SYS_SPACE_MAP_ANON] = "space_map_anon",
        [SYS_SPACE_MAP_FRAMES] = "space_map_frames",
        [SYS_SPACE_UNMAP] = "space_unmap",
        [SYS_SPACE_PROTECT] = "space_protect",
        [SYS_SPACE_WRITE] = "space_write",
        [SYS_SPACE_GRANT] = "space_grant",
        [SYS_SPACE_WAIT] = "space_wait",
        [SYS_SPACE_KILL] = "space_kill",
        [SYS_EXIT] = "exit",
        [SYS_HANDLE_CLOSE] = "handle_close",
        [SYS_HANDLE_DUP] = "handle_dup",
        [SYS_HANDLE_INFO] = "handle_info",
        [SYS_UINTR_REGISTER_HANDLER] = "uintr_register_handler",
        [SYS_UINTR_UNREGISTER_HANDLER] = "uintr_unregister_handler",
        [SYS_UINTR_VECTOR_CREATE] = "uintr_vector_create",
        [SYS_UINTR_REGISTER_SENDER] = "uintr_register_sender",
        [SYS_UINTR_UNREGISTER_SENDER] = "uintr_unregister_sender",
        [SYS_UIPI_SEND] = "uipi_send",
        [SYS_UINTR_WAIT] = "uintr_wait",
        [SYS_UINTR_SEND_WAIT] = "uintr_send_wait",
        [SYS_URET] = "uret",
        [SYS_IRQ_BIND] = "irq_bind",
        [SYS_IRQ_ACK] = "irq_ack",
        [SYS_IPC_SERVE] = "ipc_serve",
        [SYS_IPC_CONNECT] = "ipc_connect",
        [SYS_IPC_DISCONNECT] = "ipc_disconnect",
        [SYS_IPC_LEND] = "ipc_lend",
        [SYS_IPC_UNLEND] = "ipc_unlend",
        [SYS_DMA_RELEASE] = "dma_release",
        [SYS_SYSINFO] = "sysinfo",
        [SYS_REBOOT] = "reboot",
        [SYS_CLOCK_SET_REALTIME] = "clock_set_realtime",
    };

    if (n >= 0 && n < SYS_COUNT && names[n])
        return names[n];
    return "unknown";
}

#define CALL(f, n, ...)                        fz_call_n(f, n, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define fz_call_n(f, n, a, b, c, d, e, g, ...) fz_call(f, n, a, b, c, d, e, g, NULL)

static void remember(long *list, unsigned *n, long v)
{
    list[*n % FZ_LIST] = v;
    (*n)++;
}

static long recall(struct fz *f, const long *list, unsigned n)
{
    return n ? list[fz_below(f, n < FZ_LIST ? n : FZ_LIST)] : (long)fz_below(f, 70) - 2;
}

/* ---- misc ------------------------------------------------------------------ */

static void op_cheap(struct fz *f)
{
    static const long nums[] = {SYS_NULL, SYS_CLOCK_GET, SYS_HART_SELF, SYS_MEM_STATS, SYS_YIELD};
    long n = nums[fz_below(f, 5)];

    fz_call(f, n, (long)fz_rand(f), (long)fz_rand(f), 0, 0, 0, 0, NULL);
}

static void op_debug_write(struct fz *f)
{
    uint64_t len, line = fz_noise_line(&len);

    switch (fz_below(f, 4)) {
    case 0: { /* the line or a tail of it: the console only ever sees whole lines */
        uint64_t skip = fz_below(f, len);
        fz_call(f, SYS_DEBUG_WRITE, (long)(line + skip), (long)(len - skip), 0, 0, 0, 0, NULL);
        break;
    }
    case 1: /* runs into the unmapped page in the first chunk: nothing printed */
        fz_call(f, SYS_DEBUG_WRITE, (long)line, (long)(len + 1 + fz_below(f, 100)), 0, 0, 0, 0,
                NULL);
        break;
    case 2:
        fz_call(f, SYS_DEBUG_WRITE, (long)line, 0, 0, 0, 0, 0, NULL);
        break;
    default: /* refused pointers: a length of 1 at a pointer that faults */
        fz_call(f, SYS_DEBUG_WRITE, (long)fz_ptr_out(f) | (1ull << 63), (long)fz_len(f), 0, 0, 0, 0,
                NULL);
        break;
    }
}

static void op_bad_number(struct fz *f)
{
    /* Numbers no syscall has (include/chime/syscall.h), and out of range. */
    static const long nums[] = {9, 19, 39, 51, 59, 69, 79, SYS_COUNT, 999, -1, 1l << 40};
    long n = nums[fz_below(f, sizeof(nums) / sizeof(nums[0]))];
    long r = fz_call(f, n, (long)fz_rand(f), (long)fz_rand(f), 0, 0, 0, 0, NULL);

    if (r != CHIME_ENOSYS)
        fz_fail(f, "syscall %ld = %ld, not CHIME_ENOSYS", n, r);
}

static void op_poweroff(struct fz *f)
{
    long r = fz_call(f, SYS_POWEROFF, (long)fz_below(f, 256), 0, 0, 0, 0, 0, NULL);

    if (r != CHIME_EPERM)
        fz_fail(f, "poweroff from a non-root process = %ld, not CHIME_EPERM", r);
}

/* The system records (SYSINFO) into pointers the kernel writes, and the
 * calls only a driver or the root task may make: never allowed here. */
static void op_sysinfo(struct fz *f)
{
    long r;

    switch (fz_below(f, 4)) {
    case 0:
        fz_call(f, SYS_SYSINFO, (long)fz_below(f, 5) - 1,
                fz_below(f, 2) ? (long)fz_below(f, 8) : (long)fz_rand(f), (long)fz_ptr_out(f),
                (long)fz_below(f, 70) - 2, 0, 0, NULL);
        break;
    case 1:
        r = fz_call(f, SYS_REBOOT, 0, 0, 0, 0, 0, 0, NULL);
        if (r != CHIME_EPERM)
            fz_fail(f, "reboot from a non-root process = %ld, not CHIME_EPERM", r);
        break;
    case 2:
        r = fz_call(f, SYS_CLOCK_SET_REALTIME, (long)fz_rand(f), 0, 0, 0, 0, 0, NULL);
        if (r != CHIME_EPERM)
            fz_fail(f, "clock_set_realtime from a non-root process = %ld, not CHIME_EPERM", r);
        break;
    default:
        r = fz_call(f, SYS_DMA_RELEASE, fz_space(f), (long)fz_rand(f), (long)fz_below(f, 4), 0, 0,
                    0, NULL);
        if (r >= 0)
            fz_fail(f, "dma_release without the DMA right = %ld", r);
        break;
    }
}

/* ---- threads --------------------------------------------------------------- */

static long hart_mask(struct fz *f)
{
    static const uint64_t masks[] = {0, 1, 2, 3, 0xf, 0x10, 0xff, 1ull << 31, ~0ull};

    return (long)fz_pick(f, masks, sizeof(masks) / sizeof(masks[0]));
}

static void op_thread_create(struct fz *f)
{
    long h = fz_space(f);
    uint64_t pc;
    long r;

    if (fz_is_self(f, h)) {
        pc = (uint64_t)fz_tiny_thread; /* anything else would fault this process */
    } else {
        static const uint64_t offs[] = {FZ_BLOB_EXIT, FZ_BLOB_YIELD, FZ_BLOB_CALLS};
        switch (fz_below(f, 5)) {
        case 0:
            pc = fz_ptr_in(f);
            break;
        case 1: /* the zeros after the blobs (never inside one: it might loop) */
            pc = FZ_CODE_VA + FZ_BLOB_SIZE + 4 * fz_below(f, (4096 - FZ_BLOB_SIZE) / 4);
            break;
        default:
            pc = FZ_CODE_VA + fz_pick(f, offs, 3);
            break;
        }
    }
    r = fz_call(f, SYS_THREAD_CREATE, h, (long)pc, (long)fz_ptr_in(f), (long)fz_rand(f),
                (long)fz_rand(f), hart_mask(f), NULL);
    if (r >= 0)
        fz_note(f, r, CHIME_OBJ_THREAD, K_UNKNOWN, 0);
}

static void op_sleep(struct fz *f)
{
    CALL(f, SYS_SLEEP, (long)fz_timeout(f));
}

static void op_thread_priority(struct fz *f)
{
    uint64_t prio = fz_below(f, CHIME_PRIO_MAX + 2);

    if (fz_chance(f, 1, 10))
        prio = fz_rand(f);
    if ((f->avoid & AVOID_PRIO_RAISE) && prio > CHIME_PRIO_DEFAULT)
        prio = fz_below(f, CHIME_PRIO_DEFAULT + 1);
    CALL(f, SYS_THREAD_PRIORITY, fz_handle(f, CHIME_OBJ_THREAD), (long)prio);
}

static void op_thread_affinity(struct fz *f)
{
    CALL(f, SYS_THREAD_AFFINITY, fz_handle(f, CHIME_OBJ_THREAD), hart_mask(f));
}

static void op_thread_id(struct fz *f)
{
    CALL(f, SYS_THREAD_ID, fz_handle(f, CHIME_OBJ_THREAD));
}

/* ---- spaces ---------------------------------------------------------------- */

static void op_space_create(struct fz *f)
{
    static const char names[] = "fz-space-abcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t name = (uint64_t)names + fz_below(f, 8), len = fz_below(f, 40);
    long r;

    /* Fault reports print the name: no random bytes from memory. */
    if (fz_chance(f, 1, 8))
        name = fz_ptr_out(f) | 1ull << 63;
    r = CALL(f, SYS_SPACE_CREATE, (long)name, (long)len);
    if (r >= 0)
        fz_note(f, r, CHIME_OBJ_SPACE, K_CREATED, 0);
}

static unsigned kind_of(const struct fz *f, long h)
{
    return h >= 0 && h < FZ_HANDLES && f->type[h] == CHIME_OBJ_SPACE ? f->kind[h] : K_UNKNOWN;
}

/* Does [va, va+len) meet the frames window? */
static int in_frames(uint64_t va, uint64_t len)
{
    return va < FZ_FRAMES_VA + FZ_FRAMES_LEN && va + len > FZ_FRAMES_VA;
}

static void op_map_anon(struct fz *f)
{
    long h = fz_space(f);
    uint64_t va, len;

    fz_range(f, h, &va, &len);
    CALL(f, SYS_SPACE_MAP_ANON, h, (long)va, (long)len, (long)fz_prot(f));
}

static void op_map_frames(struct fz *f)
{
    long h = fz_space(f), fr = fz_handle(f, CHIME_OBJ_FRAMES);
    uint64_t va, len, off = fz_chance(f, 3, 4) ? CHIME_PAGE_SIZE * fz_below(f, 16) : fz_len(f);

    fz_range(f, h, &va, &len);
    if (fz_is_self(f, h) && len >= CHIME_PAGE_SIZE && va % CHIME_PAGE_SIZE == 0)
        va = FZ_FRAMES_SELF_VA + CHIME_PAGE_SIZE * fz_below(f, 64);
    else if ((f->avoid & (AVOID_SPACE_WRITE_RO | AVOID_PROTECT_FRAMES)) && !in_frames(va, len))
        va = FZ_FRAMES_VA + (va % FZ_FRAMES_LEN);
    if (len > 64 * CHIME_PAGE_SIZE && fz_chance(f, 3, 4))
        len = CHIME_PAGE_SIZE * (1 + fz_below(f, 64));
    CALL(f, SYS_SPACE_MAP_FRAMES, h, fr, (long)off, (long)va, (long)len, (long)fz_prot(f));
}

/* Under AVOID_LEND_REVOKE lent pages of this process are never unmapped
 * or protected (the kernel must then revoke the lends). */
static int revoke_avoided(const struct fz *f, long h)
{
    return (f->avoid & AVOID_LEND_REVOKE) && f->nlends && fz_is_self(f, h);
}

static void op_unmap(struct fz *f)
{
    long h = fz_space(f);
    uint64_t va, len;

    fz_range(f, h, &va, &len);
    if (revoke_avoided(f, h))
        return;
    CALL(f, SYS_SPACE_UNMAP, h, (long)va, (long)len);
}

static void op_protect(struct fz *f)
{
    long h = fz_space(f);
    uint64_t va, len;

    fz_range(f, h, &va, &len);
    if (((f->avoid & AVOID_PROTECT_FRAMES) && in_frames(va, len)) || revoke_avoided(f, h))
        return;
    CALL(f, SYS_SPACE_PROTECT, h, (long)va, (long)len, (long)fz_prot(f));
}

static void op_space_write(struct fz *f)
{
    long h = fz_space(f);
    uint64_t dst, len, src = fz_ptr_in(f);

    fz_range(f, h, &dst, &len);
    if (fz_chance(f, 1, 2))
        len = fz_len(f);
    if (fz_chance(f, 1, 4))
        dst += fz_below(f, CHIME_PAGE_SIZE);
    if (fz_is_self(f, h)) {
        /* Only the arena of this process, or addresses refused outright. */
        uint64_t lo = FZ_ARENA_VA + FZ_ARENA_FREE_OFF, hi = FZ_ARENA_VA + FZ_ARENA_LEN;
        if (fz_chance(f, 1, 8)) {
            dst = CHIME_KAREA_BASE - fz_below(f, 8);
            len = 8 + fz_below(f, 64);
        } else {
            dst = lo + fz_below(f, hi - lo);
            if (len > hi - dst)
                len = hi - dst;
        }
    } else if (kind_of(f, h) != K_GRAND && dst < FZ_CODE_VA + CHIME_PAGE_SIZE &&
               dst + len > FZ_CODE_VA) {
        dst = FZ_CODE_VA + CHIME_PAGE_SIZE; /* blobs stay intact: every one ends */
    }
    if ((f->avoid & AVOID_SPACE_WRITE_RO) && in_frames(dst, len))
        return;
    CALL(f, SYS_SPACE_WRITE, h, (long)dst, (long)src, (long)len);
}

/* What a grant may give: never this process's own space with the rights to
 * change it, so no grandchild can kill or corrupt its parent. */
static void op_grant(struct fz *f)
{
    long target = fz_space(f), h = fz_handle(f, 0);
    uint64_t rights = fz_rights(f);
    long r;

    if (!fz_is_self(f, target)) {
        int ht = h >= 0 && h < FZ_HANDLES ? f->type[h] : 0;
        if (fz_is_self(f, h))
            rights &= ~(uint64_t)(CHIME_R_MANAGE | CHIME_R_WRITE);
        if ((f->avoid & AVOID_GRANT_CONN) && ht == CHIME_OBJ_CONN)
            return;
        if ((f->avoid & AVOID_SELF_SPACE) && ht == CHIME_OBJ_SPACE && target >= 0 &&
            target < FZ_HANDLES && f->ident[h] == f->ident[target])
            return;
        CALL(f, SYS_SPACE_GRANT, target, h, (long)rights);
        return;
    }
    r = CALL(f, SYS_SPACE_GRANT, target, h, (long)rights);
    if (r >= 0 && h == CHIME_SELF)
        fz_note(f, r, CHIME_OBJ_SPACE, K_SELF, f->ident[0]);
    else if (r >= 0 && h >= 0 && h < FZ_HANDLES)
        fz_note(f, r, f->type[h], f->kind[h], f->ident[h]);
}

static void op_space_wait(struct fz *f)
{
    CALL(f, SYS_SPACE_WAIT, fz_space(f), (long)fz_timeout(f));
}

static void op_space_kill(struct fz *f)
{
    long h = fz_space(f);
    uint64_t status = fz_below(f, 256);

    if (fz_is_self(f, h))
        return;
    if (!(f->avoid & AVOID_NEG_STATUS) && fz_chance(f, 1, 4))
        status = fz_rand(f);
    CALL(f, SYS_SPACE_KILL, h, (long)status);
}

/* A created space made runnable: a code page with the blobs, read and
 * execute only, and a thread in one of them. */
static void op_space_build(struct fz *f)
{
    long h = fz_live(f, CHIME_OBJ_SPACE);
    static const uint64_t offs[] = {FZ_BLOB_EXIT, FZ_BLOB_YIELD, FZ_BLOB_CALLS};
    long r;

    if (h < 0 || f->kind[h] != K_CREATED) {
        op_space_create(f);
        return;
    }
    CALL(f, SYS_SPACE_MAP_ANON, h, FZ_CODE_VA, CHIME_PAGE_SIZE, CHIME_PROT_READ | CHIME_PROT_WRITE);
    CALL(f, SYS_SPACE_WRITE, h, FZ_CODE_VA, (long)fz_blob, FZ_BLOB_SIZE);
    CALL(f, SYS_SPACE_PROTECT, h, FZ_CODE_VA, CHIME_PAGE_SIZE, CHIME_PROT_READ | CHIME_PROT_EXEC);
    r = CALL(f, SYS_THREAD_CREATE, h, (long)(FZ_CODE_VA + fz_pick(f, offs, 3)), 0, (long)fz_rand(f),
             0, hart_mask(f));
    if (r >= 0)
        fz_note(f, r, CHIME_OBJ_THREAD, K_UNKNOWN, 0);
}

/* ---- handles --------------------------------------------------------------- */

static void op_close(struct fz *f)
{
    long h = fz_handle(f, 0);

    if (h >= 0 && h < FZ_HANDLES && f->keep[h])
        return;
    if (CALL(f, SYS_HANDLE_CLOSE, h) == 0) {
        if (f->type[h >= 0 && h < FZ_HANDLES ? h : 0] == CHIME_OBJ_CONN)
            f->nlends = 0;
        fz_forget(f, h);
    }
}

static void op_dup(struct fz *f)
{
    long h = fz_handle(f, 0);
    long r = CALL(f, SYS_HANDLE_DUP, h, (long)fz_rights(f));

    if (r >= 0 && h >= 0 && h < FZ_HANDLES)
        fz_note(f, r, f->type[h], f->kind[h], f->ident[h]);
}

static void op_info(struct fz *f)
{
    long h = fz_handle(f, 0);
    long r = CALL(f, SYS_HANDLE_INFO, h);

    if (h >= 0 && h < FZ_HANDLES && r > 0 && r != f->type[h])
        fz_note(f, h, (unsigned)r, K_UNKNOWN, 0);
    else if (h >= 0 && h < FZ_HANDLES && r == CHIME_EBADH && f->type[h])
        fz_forget(f, h);
}

/* ---- uintr ----------------------------------------------------------------- */

static long vector_number(struct fz *f)
{
    static const uint64_t odd[] = {64, 65, (uint64_t)-1, 1ull << 32};

    return fz_chance(f, 9, 10) ? (long)fz_below(f, CHIME_UINTR_VECTORS) : (long)fz_pick(f, odd, 4);
}

static void op_register_handler(struct fz *f)
{
    static const uint64_t bad[] = {CHIME_USER_TOP - 2, CHIME_USER_TOP, 0xffffffc080200000ull,
                                   (uint64_t)-1};
    uint64_t entry;
    long r;

    switch (fz_below(f, 4)) {
    case 0:
        entry = 0;
        break;
    case 1:
        entry = fz_pick(f, bad, 4);
        break;
    default:
        entry = (uint64_t)fz_tiny_handler;
        break;
    }
    r = CALL(f, SYS_UINTR_REGISTER_HANDLER, (long)entry, (long)fz_below(f, 3));
    if (r > 0)
        f->state_va = (uint64_t)r;
}

static void op_unregister_handler(struct fz *f)
{
    CALL(f, SYS_UINTR_UNREGISTER_HANDLER, (long)fz_below(f, 3));
}

static void op_vector_create(struct fz *f)
{
    long r = CALL(f, SYS_UINTR_VECTOR_CREATE, vector_number(f));

    if (r >= 0)
        fz_note(f, r, CHIME_OBJ_VECTOR, K_UNKNOWN, 0);
}

static void op_register_sender(struct fz *f)
{
    long r = CALL(f, SYS_UINTR_REGISTER_SENDER, fz_handle(f, CHIME_OBJ_VECTOR));

    if (r >= 0)
        remember(f->senders, &f->nsenders, r);
}

static void op_unregister_sender(struct fz *f)
{
    CALL(f, SYS_UINTR_UNREGISTER_SENDER, recall(f, f->senders, f->nsenders));
}

static void op_uipi_send(struct fz *f)
{
    CALL(f, SYS_UIPI_SEND, recall(f, f->senders, f->nsenders));
}

static void op_uintr_wait(struct fz *f)
{
    long bits = 0;
    long r = fz_call(f, SYS_UINTR_WAIT, (long)fz_timeout(f), 0, 0, 0, 0, 0, &bits);

    if (r == 0 && bits == 0)
        fz_fail(f, "uintr_wait = 0 with no bits");
}

static void op_send_wait(struct fz *f)
{
    fz_call(f, SYS_UINTR_SEND_WAIT, recall(f, f->senders, f->nsenders), (long)fz_timeout(f), 0, 0,
            0, 0, NULL);
}

static void op_uret(struct fz *f)
{
    long r = CALL(f, SYS_URET, (long)fz_rand(f));

    if (r != CHIME_EINVAL)
        fz_fail(f, "uret outside a handler = %ld, not CHIME_EINVAL", r);
}

/* Mask and unmask delivery, or scribble on the pending word: the state
 * page is ours to write. */
static void op_state_page(struct fz *f)
{
    volatile struct uintr_state *st = (volatile struct uintr_state *)f->state_va;

    if (!st)
        return;
    if (fz_chance(f, 1, 2))
        st->enabled = (uint32_t)fz_below(f, 3);
    else
        __atomic_exchange_n(&st->pending, 0, __ATOMIC_ACQ_REL);
}

static void op_irq(struct fz *f)
{
    long h = fz_handle(f, CHIME_OBJ_IRQ);

    if (fz_chance(f, 1, 2))
        CALL(f, SYS_IRQ_BIND, h, vector_number(f));
    else
        CALL(f, SYS_IRQ_ACK, h);
}

/* ---- IPC ------------------------------------------------------------------- */

/* A service name: a few shared by every fuzzing process, so that they
 * connect to one another and collide; sometimes a bad pointer or length. */
static void service_name(struct fz *f, long *name, long *len)
{
    static const char names[] = "fz0fz1fz2fz3fz4fz5";

    *name = (long)(names + 3 * fz_below(f, 6));
    *len = 3;
    switch (fz_below(f, 12)) {
    case 0:
        *len = (long)fz_len(f);
        break;
    case 1:
        *name = (long)fz_ptr_in(f);
        *len = (long)fz_below(f, CHIME_IPC_NAME_MAX + 2);
        break;
    default:
        break;
    }
}

static void op_serve(struct fz *f)
{
    long name, len, ring = 0, r;

    service_name(f, &name, &len);
    r = fz_call(f, SYS_IPC_SERVE, name, len, vector_number(f), 0, 0, 0, &ring);
    if (r >= 0 && r < FZ_HANDLES) {
        fz_note(f, r, CHIME_OBJ_SERVICE, K_UNKNOWN, 0);
        f->ctl[r] = (uint64_t)ring;
    }
}

/* Read a service's control page (kernel-written, level-triggered: nothing
 * to drain) and ask SYS_IPC_CONN_STATE about a handle it marks, or about
 * any handle at all, with a good or a wild output pointer. */
static void op_ctl_drain(struct fz *f)
{
    long h = fz_live(f, CHIME_OBJ_SERVICE);
    const volatile struct ipc_ctl_page *page;
    long conn = (long)(fz_rand(f) % FZ_HANDLES);

    if (h < 0 || !f->ctl[h])
        return;
    page = (const volatile struct ipc_ctl_page *)f->ctl[h];
    for (unsigned w = 0; w < IPC_CTL_HANDLES / 64; w++) {
        uint64_t bits = page->changed[w];

        if (bits != 0) {
            conn = (long)(w * 64 + (unsigned)__builtin_ctzll(bits));
            break;
        }
    }
    fz_call(f, SYS_IPC_CONN_STATE, conn, (long)fz_ptr_out(f), 0, 0, 0, 0, NULL);
}

static void op_connect(struct fz *f)
{
    static const uint64_t sizes[] = {
        0, CHIME_IPC_BUF_MIN, CHIME_IPC_BUF_MIN + 1, 65536, 1 << 20, (1 << 20) + 1, 4096, ~0ull};
    long name, len, r;
    uint64_t out = fz_ptr_out(f);
    uint64_t size = fz_pick(f, sizes, sizeof(sizes) / sizeof(sizes[0]));

    if (size == (1 << 20) && fz_chance(f, 3, 4))
        size = CHIME_IPC_BUF_MIN;
    service_name(f, &name, &len);
    r = CALL(f, SYS_IPC_CONNECT, name, len, (long)size, vector_number(f), (long)out);
    if (r >= 0 && r < FZ_HANDLES) {
        fz_note(f, r, CHIME_OBJ_CONN, K_UNKNOWN, 0);
        if (out >= FZ_ARENA_VA && out < FZ_ARENA_VA + 8 * CHIME_PAGE_SIZE)
            f->cbuf[r] = ((volatile struct ipc_conn_info *)out)->buffer;
    }
}

static void op_disconnect(struct fz *f)
{
    long h = fz_handle(f, CHIME_OBJ_CONN);

    if (h >= 0 && h < FZ_HANDLES && f->keep[h])
        return;
    if (CALL(f, SYS_IPC_DISCONNECT, h) == 0) {
        fz_forget(f, h);
        f->nlends = 0; /* lends may have gone with it: forget them all */
    }
}

/* Scribble on a connection buffer this process holds: the kernel must not
 * care what a peer writes there. */
static void op_buffer(struct fz *f)
{
    long h = fz_live(f, CHIME_OBJ_CONN);
    volatile uint32_t *w;

    if (h < 0 || !f->cbuf[h])
        return;
    w = (volatile uint32_t *)(f->cbuf[h] + 4 * fz_below(f, 1024));
    *w = (uint32_t)fz_rand(f);
}

static void op_lend(struct fz *f)
{
    long h = fz_handle(f, CHIME_OBJ_CONN), r;
    uint64_t va, len = fz_chance(f, 1, 2) ? fz_len(f) : CHIME_PAGE_SIZE * (1 + fz_below(f, 8));

    if (fz_chance(f, 3, 4))
        va = FZ_ARENA_VA + fz_below(f, FZ_ARENA_LEN);
    else
        va = fz_ptr_in(f);
    if ((f->avoid & AVOID_RELEND) && f->nlends)
        return;
    r = CALL(f, SYS_IPC_LEND, h, (long)va, (long)len, (long)fz_prot(f));
    if (r > 0)
        remember((long *)f->lends, &f->nlends, r);
}

static void op_unlend(struct fz *f)
{
    long va = f->nlends ? (long)f->lends[fz_below(f, f->nlends < FZ_LIST ? f->nlends : FZ_LIST)]
                        : (long)fz_ptr_in(f);

    if (CALL(f, SYS_IPC_UNLEND, fz_handle(f, CHIME_OBJ_CONN), va) == 0 && (f->avoid & AVOID_RELEND))
        f->nlends = 0;
}

/* ---- grandchildren --------------------------------------------------------- */

void fz_spawn_grand(struct fz *f)
{
    char seed[32], calls[32], avoid[160] = "avoid=";
    char *argv[] = {"sysfuzz", "grand", seed, calls, avoid, NULL};
    pid_t pid;

    if (f->grand || f->ngrands >= FZ_LIST)
        return;
    snprintf(seed, sizeof(seed), "seed=%#lx", (unsigned long)fz_mix(f->grand_seq++));
    snprintf(calls, sizeof(calls), "calls=%lu", (unsigned long)(100 + fz_below(f, 1000)));
    fz_avoid_format(f->avoid, avoid + 6, sizeof(avoid) - 6);
    if (posix_spawn(&pid, "sysfuzz", NULL, NULL, argv, fz_spawn_env) != 0)
        return;
    f->grands[f->ngrands++] = (int)pid;
    fz_note(f, (long)pid, CHIME_OBJ_SPACE, K_GRAND, 0);
    f->keep[pid] = 1;
}

static void op_spawn(struct fz *f)
{
    fz_spawn_grand(f);
}

/* ---- the table ------------------------------------------------------------- */

struct fz_op {
    void (*fn)(struct fz *f);
    unsigned weight;
};

static const struct fz_op ops[] = {
    {op_cheap, 4},
    {op_debug_write, 1},
    {op_bad_number, 1},
    {op_poweroff, 1},
    {op_sysinfo, 2},
    {op_thread_create, 4},
    {op_sleep, 1},
    {op_thread_priority, 3},
    {op_thread_affinity, 3},
    {op_thread_id, 2},
    {op_space_create, 4},
    {op_map_anon, 6},
    {op_map_frames, 3},
    {op_unmap, 5},
    {op_protect, 4},
    {op_space_write, 5},
    {op_grant, 8},
    {op_space_wait, 2},
    {op_space_kill, 2},
    {op_space_build, 4},
    {op_close, 10},
    {op_dup, 4},
    {op_info, 3},
    {op_register_handler, 2},
    {op_unregister_handler, 1},
    {op_vector_create, 4},
    {op_register_sender, 4},
    {op_unregister_sender, 2},
    {op_uipi_send, 4},
    {op_uintr_wait, 2},
    {op_send_wait, 2},
    {op_uret, 1},
    {op_state_page, 1},
    {op_irq, 1},
    {op_serve, 4},
    {op_ctl_drain, 2},
    {op_connect, 6},
    {op_disconnect, 3},
    {op_buffer, 2},
    {op_lend, 5},
    {op_unlend, 3},
};

void fz_step(struct fz *f)
{
    static unsigned total;
    unsigned roll;

    if (!total)
        for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
            total += ops[i].weight;
    if (!f->grand && fz_chance(f, 1, 1500)) {
        op_spawn(f);
        return;
    }
    roll = (unsigned)fz_below(f, total);
    for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (roll < ops[i].weight) {
            ops[i].fn(f);
            return;
        }
        roll -= ops[i].weight;
    }
}
