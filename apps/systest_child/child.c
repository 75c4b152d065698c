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
 *   hart              exit with the id of the hart it runs on */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libos/libos.h>
#include <libos/syscall.h>
#include <libos/thread.h>

/* What systest passes to "argv" (kept in step with apps/systest/process.c). */
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
    return 101;
}
