/* Every syscall that takes a pointer rejects NULL, kernel addresses,
 * unmapped memory and ranges that wrap or leave user space with
 * CHIME_EFAULT (or CHIME_EINVAL for a length no buffer can have), and the
 * caller keeps running. */
#include "systest.h"

#include <stdint.h>

#include <chime/ipc.h>
#include <libos/libos.h>
#include <libos/syscall.h>

/* An address libos never maps (between thread stacks and the main stack). */
#define UNMAPPED_VA 0x1e00000000ull
/* A page this test maps itself, to build half-mapped ranges. */
#define SCRATCH_VA 0x1e80000000ull

struct bad_ptr {
    const char *what;
    uint64_t ptr;
    uint64_t len;
};

static const struct bad_ptr bad_ptrs[] = {
    {"NULL", 0, 16},
    {"kernel address", 0xffffffc080200000ull, 16},
    {"unmapped address", UNMAPPED_VA, 16},
    {"range wrapping past 0", 0xfffffffffffffff0ull, 32},
    {"range crossing CHIME_USER_TOP", CHIME_USER_TOP - 8, 16},
    {"range running into an unmapped page", SCRATCH_VA + CHIME_PAGE_SIZE - 8, 16},
};
#define NBAD (int)(sizeof(bad_ptrs) / sizeof(bad_ptrs[0]))

static int is_fault(long r)
{
    return r == CHIME_EFAULT;
}

static void debug_write(void)
{
    char ok[] = "";
    long huge;

    for (int i = 0; i < NBAD; i++) {
        long r = syscall2(SYS_DEBUG_WRITE, (long)bad_ptrs[i].ptr, (long)bad_ptrs[i].len);
        check(is_fault(r), "pointers: DEBUG_WRITE(%s) = CHIME_EFAULT (got %ld)", bad_ptrs[i].what,
              r);
    }
    huge = syscall2(SYS_DEBUG_WRITE, (long)ok, -1l);
    check(huge == CHIME_EFAULT || huge == CHIME_EINVAL,
          "pointers: DEBUG_WRITE(stack buffer, len -1) fails with EFAULT/EINVAL (got %ld)", huge);
}

static void space_create(void)
{
    for (int i = 0; i < NBAD; i++) {
        long r = syscall2(SYS_SPACE_CREATE, (long)bad_ptrs[i].ptr, (long)bad_ptrs[i].len);
        check(is_fault(r), "pointers: SPACE_CREATE(name = %s) = CHIME_EFAULT (got %ld)",
              bad_ptrs[i].what, r);
        if (r >= 0)
            syscall1(SYS_HANDLE_CLOSE, r);
    }
}

static void space_write(void)
{
    static const char name[] = "systest_target";
    long space = syscall2(SYS_SPACE_CREATE, (long)name, sizeof(name) - 1);
    char src[32] = "payload";
    long r;

    if (!check(space >= 0, "pointers: SPACE_CREATE a target space (got %ld)", space))
        return;
    r = syscall4(SYS_SPACE_MAP_ANON, space, CHIME_USER_BASE, CHIME_PAGE_SIZE,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    check(r == 0, "pointers: MAP_ANON a page in the target (got %ld)", r);
    for (int i = 0; i < NBAD; i++) {
        r = syscall4(SYS_SPACE_WRITE, space, CHIME_USER_BASE, (long)bad_ptrs[i].ptr,
                     (long)bad_ptrs[i].len);
        check(is_fault(r), "pointers: SPACE_WRITE(src = %s) = CHIME_EFAULT (got %ld)",
              bad_ptrs[i].what, r);
    }
    r = syscall4(SYS_SPACE_WRITE, space, CHIME_USER_BASE + CHIME_PAGE_SIZE, (long)src, 8);
    check(is_fault(r), "pointers: SPACE_WRITE(dst unmapped in the target) = CHIME_EFAULT (got %ld)",
          r);
    r = syscall4(SYS_SPACE_WRITE, space, CHIME_USER_BASE + CHIME_PAGE_SIZE - 4, (long)src, 8);
    check(is_fault(r), "pointers: SPACE_WRITE(dst half mapped) = CHIME_EFAULT (got %ld)", r);
    r = syscall4(SYS_SPACE_WRITE, space, (long)0xffffffc080200000ull, (long)src, 8);
    check(is_fault(r) || r == CHIME_EINVAL,
          "pointers: SPACE_WRITE(dst = kernel address) fails (got %ld)", r);
    r = syscall4(SYS_SPACE_WRITE, space, CHIME_USER_BASE, (long)src, 8);
    check(r == 0, "pointers: SPACE_WRITE into a writable page of the target works (got %ld)", r);
    syscall1(SYS_HANDLE_CLOSE, space);
}

/* Service names are short: a bad name pointer gets a length the name check
 * accepts, so the pointer is what fails. */
static uint64_t name_len(const struct bad_ptr *b)
{
    return b->len < 16 ? b->len : 16;
}

/* IPC and uintr: the service name of serve and connect, connect's info
 * out-pointer (on a live service: this process serves one and connects to
 * itself), lend's range, and the handler entry. */
static void ipc_pointers(void)
{
    static const char name[] = "systest-ptr";
    struct ipc_conn_info info;
    long svc, conn, r;

    for (int i = 0; i < NBAD; i++) {
        r = syscall3(SYS_IPC_SERVE, (long)bad_ptrs[i].ptr, (long)name_len(&bad_ptrs[i]), 20);
        check(is_fault(r), "pointers: IPC_SERVE(name = %s) = CHIME_EFAULT (got %ld)",
              bad_ptrs[i].what, r);
        r = syscall5(SYS_IPC_CONNECT, (long)bad_ptrs[i].ptr, (long)name_len(&bad_ptrs[i]), 0, 21,
                     (long)&info);
        check(is_fault(r), "pointers: IPC_CONNECT(name = %s) = CHIME_EFAULT (got %ld)",
              bad_ptrs[i].what, r);
    }
    svc = syscall3(SYS_IPC_SERVE, (long)name, sizeof(name) - 1, 20);
    check(svc >= 0, "pointers: serve a service of our own (got %ld)", svc);
    for (int i = 0; i < NBAD; i++) {
        r = syscall5(SYS_IPC_CONNECT, (long)name, sizeof(name) - 1, 0, 21, (long)bad_ptrs[i].ptr);
        check(is_fault(r), "pointers: IPC_CONNECT(info = %s) = CHIME_EFAULT (got %ld)",
              bad_ptrs[i].what, r);
    }
    /* Nothing of those attempts stayed behind: a good connect works. */
    conn = syscall5(SYS_IPC_CONNECT, (long)name, sizeof(name) - 1, 0, 21, (long)&info);
    check(conn >= 0 && info.size >= CHIME_IPC_BUF_MIN,
          "pointers: IPC_CONNECT with a good info pointer works after the bad ones (got %ld)",
          conn);
    for (int i = 0; conn >= 0 && i < NBAD; i++) {
        r = syscall4(SYS_IPC_LEND, conn, (long)bad_ptrs[i].ptr, (long)bad_ptrs[i].len,
                     CHIME_PROT_READ);
        check(is_fault(r), "pointers: IPC_LEND(%s) = CHIME_EFAULT (got %ld)", bad_ptrs[i].what, r);
    }
    if (conn >= 0)
        syscall1(SYS_IPC_DISCONNECT, conn);
    if (svc >= 0)
        syscall1(SYS_HANDLE_CLOSE, svc);
    /* Handler entries outside user space are refused. (NULL means "no
     * handler", and an unmapped user address faults only when entered, like
     * any jump: neither is probed here.) */
    for (int i = 1; i < NBAD; i++) {
        if (bad_ptrs[i].ptr < CHIME_USER_TOP)
            continue;
        r = syscall2(SYS_UINTR_REGISTER_HANDLER, (long)bad_ptrs[i].ptr, 0);
        check(is_fault(r), "pointers: UINTR_REGISTER_HANDLER(entry = %s) = CHIME_EFAULT (got %ld)",
              bad_ptrs[i].what, r);
        if (r >= 0)
            syscall1(SYS_UINTR_UNREGISTER_HANDLER, 0);
    }
}

void test_pointers(void)
{
    long r = syscall4(SYS_SPACE_MAP_ANON, CHIME_SELF, SCRATCH_VA, CHIME_PAGE_SIZE,
                      CHIME_PROT_READ | CHIME_PROT_WRITE);

    check(r == 0, "pointers: MAP_ANON a scratch page (got %ld)", r);
    debug_write();
    space_create();
    space_write();
    ipc_pointers();
    r = syscall4(SYS_SPACE_MAP_ANON, CHIME_SELF, SCRATCH_VA, CHIME_PAGE_SIZE,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    check(r == CHIME_EEXIST, "pointers: MAP_ANON over a mapped page = CHIME_EEXIST (got %ld)", r);
    r = syscall4(SYS_SPACE_MAP_ANON, CHIME_SELF, SCRATCH_VA + 100, CHIME_PAGE_SIZE,
                 CHIME_PROT_READ);
    check(r == CHIME_EINVAL, "pointers: MAP_ANON at an unaligned va = CHIME_EINVAL (got %ld)", r);
    r = syscall4(SYS_SPACE_MAP_ANON, CHIME_SELF, CHIME_KAREA_BASE - CHIME_PAGE_SIZE,
                 2 * CHIME_PAGE_SIZE, CHIME_PROT_READ);
    check(r < 0, "pointers: MAP_ANON reaching into the kernel area fails (got %ld)", r);
    r = syscall3(SYS_SPACE_UNMAP, CHIME_SELF, SCRATCH_VA, CHIME_PAGE_SIZE);
    check(r == 0, "pointers: UNMAP the scratch page (got %ld)", r);
    check(syscall0(SYS_NULL) == 0, "pointers: the process still runs after %d bad pointers",
          3 * NBAD + 3);
}
