/* systest_child: the helper processes systest spawns. argv[1] picks what
 * it does; its exit status (or the way it dies) is what systest checks.
 *
 *   exit N            exit with status N
 *   rawexit N         SYS_EXIT(N) directly, without libos's exit()
 *   fault KIND        die by a fault: load0, kstore, illegal, misaligned,
 *                     exec, rostore, thread (a second thread faults)
 *   argv ARGS...      exit 0 if ARGS are exactly expected_args and the
 *                     environment has CHIME_TEST=1 and EMPTY=, else 1
 *   malloc MIB        malloc MIB MiB, touch every page, free, exit 0
 *   sleep MS          sleep MS milliseconds, exit 7
 *   spin              loop forever
 *   prio C            check its priority ceiling is C: its threads may
 *                     have C but not C + 1 or CHIME_PRIO_MAX, it cannot
 *                     raise its own ceiling nor give a new process more;
 *                     exit 0, or the number of the check that failed
 *   spinhigh C        raise itself as far as it can (CHIME_PRIO_MAX, else
 *                     C) and loop for 3 s
 *   lockstress N      one thread per hart, each making N SYS_MEM_STATS
 *                     calls (all take the kernel lock); print the wall
 *                     time: a measure of the contended lock
 *   hart              exit with the id of the hart it runs on */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libos/libos.h>
#include <libos/syscall.h>
#include <libos/thread.h>

/* What systest passes to "argv" (kept in step with tests/guest/systest/process.c). */
static const char *const expected_args[] = {"alpha", "two words", "", "x=1;y=2", "\t\"q\"\n"};

static int check_args(int argc, char **argv)
{
    int n = (int)(sizeof(expected_args) / sizeof(expected_args[0]));

    if (argc != n + 2 || argv[argc] != NULL) {
        printf("systest_child: argc %d, expected %d\n", argc, n + 2);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        if (strcmp(argv[i + 2], expected_args[i]) != 0) {
            printf("systest_child: argv[%d] = \"%s\"\n", i + 2, argv[i + 2]);
            return 1;
        }
    }
    if (strcmp(getenv("CHIME_TEST") ? getenv("CHIME_TEST") : "?", "1") != 0 ||
        getenv("EMPTY") == NULL || getenv("MISSING") != NULL) {
        printf("systest_child: environment differs\n");
        return 1;
    }
    return 0;
}

static int touch_mib(long mib)
{
    size_t len = (size_t)mib << 20;
    volatile char *p = malloc(len);

    if (p == NULL)
        return 2;
    for (size_t i = 0; i < len; i += CHIME_PAGE_SIZE)
        p[i] = (char)i;
    free((void *)p);
    return 0;
}

static void *fault_thread(void *arg)
{
    return (void *)(uintptr_t) * (volatile int *)arg;
}

static void fault(const char *kind)
{
    static uint32_t word[4];
    static uint16_t code[2] = {0x8082, 0}; /* "ret": but the page is not executable */

    if (strcmp(kind, "load0") == 0) {
        /* the fault is the point */
        // cppcheck-suppress nullPointer
        printf("loaded %d\n", *(volatile int *)0);
    } else if (strcmp(kind, "kstore") == 0) {
        *(volatile uint64_t *)0xffffffc080200000ull = 1;
    } else if (strcmp(kind, "illegal") == 0) {
        __asm__ volatile("unimp");
    } else if (strcmp(kind, "misaligned") == 0) {
        uintptr_t odd = (uintptr_t)word + 1;
        long v;
        /* LR requires natural alignment everywhere; plain loads may be
         * emulated (OpenSBI handles misaligned plain loads). */
        __asm__ volatile("lr.w %0, (%1)" : "=r"(v) : "r"(odd) : "memory");
        printf("loaded %ld\n", v);
    } else if (strcmp(kind, "exec") == 0) {
        ((void (*)(void))(uintptr_t)code)();
    } else if (strcmp(kind, "rostore") == 0) {
        *(volatile uint32_t *)(uintptr_t)&printf = 0;
    } else if (strcmp(kind, "thread") == 0) {
        struct chime_thread *t = chime_thread_create(fault_thread, NULL, 0);
        if (t != NULL)
            chime_thread_join(t, NULL);
        syscall1(SYS_SLEEP, 5000000000ll);
    }
    printf("systest_child: fault %s did not fault\n", kind);
    exit(3);
}

static int check_ceiling(long c)
{
    static const char name[] = "grandchild";
    long g;

    if (syscall2(SYS_THREAD_PRIORITY, CHIME_SELF, c) != 0)
        return 1;
    if (c < CHIME_PRIO_MAX && syscall2(SYS_THREAD_PRIORITY, CHIME_SELF, c + 1) != CHIME_EPERM)
        return 2;
    if (c < CHIME_PRIO_MAX &&
        syscall2(SYS_THREAD_PRIORITY, CHIME_SELF, CHIME_PRIO_MAX) != CHIME_EPERM)
        return 3;
    if (c < CHIME_PRIO_MAX && syscall2(SYS_SPACE_PRIO_CEILING, CHIME_SELF, c + 1) != CHIME_EPERM)
        return 4;
    g = syscall2(SYS_SPACE_CREATE, (long)name, sizeof(name) - 1);
    if (g < 0)
        return 5;
    if (c < CHIME_PRIO_MAX && syscall2(SYS_SPACE_PRIO_CEILING, g, c + 1) != CHIME_EPERM)
        return 6;
    if (syscall2(SYS_SPACE_PRIO_CEILING, g, c) != 0)
        return 7;
    syscall1(SYS_HANDLE_CLOSE, g);
    if (syscall2(SYS_THREAD_PRIORITY, CHIME_SELF, 0) != 0)
        return 8;
    return 0;
}

static int spin_high(long c)
{
    uint64_t end;

    if (syscall2(SYS_THREAD_PRIORITY, CHIME_SELF, CHIME_PRIO_MAX) != 0)
        syscall2(SYS_THREAD_PRIORITY, CHIME_SELF, c);
    end = (uint64_t)syscall0(SYS_CLOCK_GET) + 3000000000ull;
    while ((uint64_t)syscall0(SYS_CLOCK_GET) < end)
        ;
    return 0;
}

static void *lock_calls(void *arg)
{
    for (long i = (long)(uintptr_t)arg; i > 0; i--)
        syscall0(SYS_MEM_STATS);
    return NULL;
}

static int lock_stress(long n)
{
    struct chime_thread *t[CHIME_MAX_HARTS];
    int harts = libos_nharts();
    uint64_t t0 = (uint64_t)syscall0(SYS_CLOCK_GET);

    for (int h = 1; h < harts; h++)
        t[h] = chime_thread_create(lock_calls, (void *)(uintptr_t)n, 1ull << h);
    syscall2(SYS_THREAD_AFFINITY, CHIME_SELF, 1);
    lock_calls((void *)(uintptr_t)n);
    for (int h = 1; h < harts; h++)
        if (t[h] != NULL)
            chime_thread_join(t[h], NULL);
    printf("lockstress: %d harts x %ld locked calls in %llu us\n", harts, n,
           (unsigned long long)(((uint64_t)syscall0(SYS_CLOCK_GET) - t0) / 1000));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 100;
    if (strcmp(argv[1], "exit") == 0 && argc > 2)
        return atoi(argv[2]);
    if (strcmp(argv[1], "rawexit") == 0 && argc > 2)
        syscall1(SYS_EXIT, atol(argv[2]));
    if (strcmp(argv[1], "fault") == 0 && argc > 2)
        fault(argv[2]);
    if (strcmp(argv[1], "argv") == 0)
        return check_args(argc, argv);
    if (strcmp(argv[1], "malloc") == 0 && argc > 2)
        return touch_mib(atol(argv[2]));
    if (strcmp(argv[1], "sleep") == 0 && argc > 2) {
        syscall1(SYS_SLEEP, atol(argv[2]) * 1000000l);
        return 7;
    }
    if (strcmp(argv[1], "spin") == 0) {
        for (;;)
            __asm__ volatile("" ::: "memory");
    }
    if (strcmp(argv[1], "hart") == 0)
        return libos_hart_self();
    if (strcmp(argv[1], "prio") == 0 && argc > 2)
        return check_ceiling(atol(argv[2]));
    if (strcmp(argv[1], "spinhigh") == 0 && argc > 2)
        return spin_high(atol(argv[2]));
    if (strcmp(argv[1], "lockstress") == 0 && argc > 2)
        return lock_stress(atol(argv[2]));
    return 101;
}
