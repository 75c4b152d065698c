/* Raw Chime syscalls: ecall with a7 = number, a0..a5 = arguments;
 * a0 = result (negative CHIME_E* on error), a1 = second result.
 * Everything else in libos is built on these.
 *
 * The ABI (include/chime/syscall.h) lets any call write a1 (MEM_STATS,
 * HANDLE_INFO, IPC_SERVE, UINTR_WAIT do), so every stub declares a1
 * written: an input-output operand where a1 carries an argument, a clobber
 * where it does not. SYS_UINTR_SEND_WAIT clobbers more and has its own stub
 * (uintr.h). */
#ifndef LIBOS_SYSCALL_H
#define LIBOS_SYSCALL_H

#include <chime/syscall.h>
#include <chime/errno.h>
#include <stdint.h>

/* Result pair of a syscall that returns two values. */
struct sysret2 {
    long a0;
    long a1;
};

#define CHIME_SYSCALL_BODY(n, ...)                                                                 \
    register long r7 __asm__("a7") = (n);                                                          \
    __asm__ volatile("ecall" : __VA_ARGS__ : "memory")

/* The same for stubs that pass nothing in a1. */
#define CHIME_SYSCALL_BODY_A1(n, ...)                                                              \
    register long r7 __asm__("a7") = (n);                                                          \
    __asm__ volatile("ecall" : __VA_ARGS__ : "memory", "a1")

static inline long syscall0(long n)
{
    register long a0 __asm__("a0");
    CHIME_SYSCALL_BODY_A1(n, "=r"(a0) : "r"(r7));
    return a0;
}

static inline long syscall1(long n, long x0)
{
    register long a0 __asm__("a0") = x0;
    CHIME_SYSCALL_BODY_A1(n, "+r"(a0) : "r"(r7));
    return a0;
}

static inline long syscall2(long n, long x0, long x1)
{
    register long a0 __asm__("a0") = x0;
    register long a1 __asm__("a1") = x1;
    CHIME_SYSCALL_BODY(n, "+r"(a0), "+r"(a1) : "r"(r7));
    return a0;
}

static inline long syscall3(long n, long x0, long x1, long x2)
{
    register long a0 __asm__("a0") = x0;
    register long a1 __asm__("a1") = x1;
    register long a2 __asm__("a2") = x2;
    CHIME_SYSCALL_BODY(n, "+r"(a0), "+r"(a1) : "r"(a2), "r"(r7));
    return a0;
}

static inline long syscall4(long n, long x0, long x1, long x2, long x3)
{
    register long a0 __asm__("a0") = x0;
    register long a1 __asm__("a1") = x1;
    register long a2 __asm__("a2") = x2;
    register long a3 __asm__("a3") = x3;
    CHIME_SYSCALL_BODY(n, "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(r7));
    return a0;
}

static inline long syscall5(long n, long x0, long x1, long x2, long x3, long x4)
{
    register long a0 __asm__("a0") = x0;
    register long a1 __asm__("a1") = x1;
    register long a2 __asm__("a2") = x2;
    register long a3 __asm__("a3") = x3;
    register long a4 __asm__("a4") = x4;
    CHIME_SYSCALL_BODY(n, "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a4), "r"(r7));
    return a0;
}

static inline long syscall6(long n, long x0, long x1, long x2, long x3, long x4, long x5)
{
    register long a0 __asm__("a0") = x0;
    register long a1 __asm__("a1") = x1;
    register long a2 __asm__("a2") = x2;
    register long a3 __asm__("a3") = x3;
    register long a4 __asm__("a4") = x4;
    register long a5 __asm__("a5") = x5;
    CHIME_SYSCALL_BODY(n, "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(r7));
    return a0;
}

/* Two-result variant: a1 comes back too. */
static inline struct sysret2 syscall3_2(long n, long x0, long x1, long x2)
{
    register long a0 __asm__("a0") = x0;
    register long a1 __asm__("a1") = x1;
    register long a2 __asm__("a2") = x2;
    CHIME_SYSCALL_BODY(n, "+r"(a0), "+r"(a1) : "r"(a2), "r"(r7));
    return (struct sysret2){a0, a1};
}

/* SYS_SPACE_MAP_ANON of any length: one call per CHIME_MAP_ANON_MAX bytes
 * (the kernel's bound on one call), all or nothing like one call. */
static inline long syscall_map_anon(long space, uint64_t va, uint64_t len, long prot)
{
    for (uint64_t off = 0; off < len; off += CHIME_MAP_ANON_MAX) {
        uint64_t n = len - off < CHIME_MAP_ANON_MAX ? len - off : CHIME_MAP_ANON_MAX;
        long r = syscall4(SYS_SPACE_MAP_ANON, space, (long)(va + off), (long)n, prot);
        if (r < 0) {
            for (uint64_t done = 0; done < off; done += CHIME_MAP_RANGE_MAX) {
                uint64_t m = off - done < CHIME_MAP_RANGE_MAX ? off - done : CHIME_MAP_RANGE_MAX;
                syscall3(SYS_SPACE_UNMAP, space, (long)(va + done), (long)m);
            }
            return r;
        }
    }
    return 0;
}

#endif
