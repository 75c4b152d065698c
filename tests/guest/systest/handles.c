/* Handles that name nothing, or the wrong kind of object, are refused with
 * CHIME_EBADH: never allocated, closed, of another type, negative (other
 * than CHIME_SELF) and huge. */
#include "systest.h"

#include <stdint.h>

#include <libos/libos.h>
#include <libos/syscall.h>
#include <libos/thread.h>

static void *idle_thread(void *arg)
{
    while (!__atomic_load_n((volatile int *)arg, __ATOMIC_ACQUIRE))
        syscall1(SYS_SLEEP, 1000000);
    return NULL;
}

static void check_badh(long r, const char *what)
{
    check(r == CHIME_EBADH, "handles: %s = CHIME_EBADH (got %ld)", what, r);
}

static void bad_numbers(void)
{
    static const struct {
        long h;
        const char *what;
    } bad[] = {
        {900, "never allocated (900)"},
        {-5, "negative (-5)"},
        {INT32_MIN, "INT32_MIN"},
        {INT32_MAX, "huge (INT32_MAX)"},
        {1l << 40, "beyond 32 bits (1 << 40)"},
    };

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long r = syscall4(SYS_SPACE_MAP_ANON, bad[i].h, CHIME_USER_BASE, CHIME_PAGE_SIZE,
                          CHIME_PROT_READ);
        check_badh(r, bad[i].what);
    }
    check_badh(syscall1(SYS_HANDLE_CLOSE, 900), "HANDLE_CLOSE(900)");
    check_badh(syscall2(SYS_SPACE_WAIT, 900, 0), "SPACE_WAIT(900)");
    check_badh(syscall2(SYS_THREAD_PRIORITY, 900, CHIME_PRIO_DEFAULT), "THREAD_PRIORITY(900)");
}

static void closed_handle(void)
{
    static const char name[] = "systest_closed";
    long space = syscall2(SYS_SPACE_CREATE, (long)name, sizeof(name) - 1);

    if (!check(space >= 0, "handles: SPACE_CREATE (got %ld)", space))
        return;
    check(syscall1(SYS_HANDLE_CLOSE, space) == 0, "handles: HANDLE_CLOSE of a live handle = 0");
    check_badh(syscall1(SYS_HANDLE_CLOSE, space), "HANDLE_CLOSE twice");
    check_badh(
        syscall4(SYS_SPACE_MAP_ANON, space, CHIME_USER_BASE, CHIME_PAGE_SIZE, CHIME_PROT_READ),
        "MAP_ANON with a closed handle");
}

static void wrong_types(void)
{
    volatile int stop = 0;
    struct chime_thread *t = chime_thread_create(idle_thread, (void *)&stop, 0);
    long info;

    if (!check(t != NULL, "handles: thread for the wrong-type checks starts"))
        return;
    info = syscall1(SYS_HANDLE_INFO, chime_thread_handle(t));
    check(info == CHIME_OBJ_THREAD, "handles: HANDLE_INFO(thread) = CHIME_OBJ_THREAD (got %ld)",
          info);
    check_badh(syscall4(SYS_SPACE_MAP_ANON, chime_thread_handle(t), CHIME_USER_BASE,
                        CHIME_PAGE_SIZE, CHIME_PROT_READ),
               "MAP_ANON(thread handle)");
    check_badh(syscall2(SYS_THREAD_PRIORITY, CHIME_BOOT_H_SPACE, CHIME_PRIO_DEFAULT),
               "THREAD_PRIORITY(space handle)");
    check_badh(syscall6(SYS_SPACE_MAP_FRAMES, CHIME_SELF, chime_thread_handle(t), 0, 0x1e00000000l,
                        CHIME_PAGE_SIZE, CHIME_PROT_READ),
               "MAP_FRAMES(thread handle as frames)");
    check_badh(syscall2(SYS_SPACE_WAIT, chime_thread_handle(t), 0), "SPACE_WAIT(thread handle)");
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    chime_thread_join(t, NULL);
}

/* The DMA calls want a handle to the caller's own space with CHIME_R_DMA,
 * which only drivers get: everyone else is refused before any address is
 * looked at, whatever the arguments. */
static void dma_refused(void)
{
    long r;

    check_badh(syscall3(SYS_DMA_RELEASE, 900, 0x1c00000000l, 1), "DMA_RELEASE(900)");
    r = syscall3(SYS_DMA_RELEASE, CHIME_SELF, 0x1c00000000l, 1);
    check(r == CHIME_EPERM, "handles: DMA_RELEASE(CHIME_SELF) = CHIME_EPERM (got %ld)", r);
    r = syscall3(SYS_DMA_RELEASE, CHIME_BOOT_H_SPACE, -1, ~0l);
    check(r == CHIME_EPERM, "handles: DMA_RELEASE(own space, no DMA right) = CHIME_EPERM (got %ld)",
          r);
    r = syscall5(SYS_DMA_PHYS, CHIME_BOOT_H_SPACE, 0x1c00000000l, 4096, 0, 1);
    check(r == CHIME_EPERM, "handles: DMA_PHYS(own space, no DMA right) = CHIME_EPERM (got %ld)",
          r);
}

void test_handles(void)
{
    bad_numbers();
    closed_handle();
    wrong_types();
    dma_refused();
}
