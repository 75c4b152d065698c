/* The syscall stubs (libos/syscall.h) against the ABI: the kernel writes a1
 * for the calls that return two values, so every stub must treat a1 as
 * written; a value the compiler keeps in a1 across one must survive. */
#include "systest.h"

#include <libos/libos.h>
#include <libos/syscall.h>

#define A1_MARK 0x5a5a1234l

/* keep arrives in a1 (the second argument register; noipa keeps it an
 * argument) and is live across the stub: unless the stub says a1 is
 * written, the compiler leaves it there and returns what the kernel put in
 * a1. */
static __attribute__((noipa)) long a1_after_syscall0(long n, long keep)
{
    syscall0(n);
    return keep;
}

static __attribute__((noipa)) long a1_after_syscall1(long n, long keep, long x0)
{
    syscall1(n, x0);
    return keep;
}

void test_abi(void)
{
    long v = a1_after_syscall0(SYS_MEM_STATS, A1_MARK);

    check(v == A1_MARK, "abi: a value held in a1 survives syscall0(SYS_MEM_STATS) (got 0x%lx)", v);
    v = a1_after_syscall1(SYS_HANDLE_INFO, A1_MARK, libos_archive_handle());
    check(v == A1_MARK, "abi: a value held in a1 survives syscall1(SYS_HANDLE_INFO) (got 0x%lx)",
          v);
}
