/* Memory: frames return to the allocator when a process ends, the heap
 * takes frames only as it grows, mapping and unmapping forever keeps no
 * page tables, and no call over a huge range holds the kernel for long. */
#include "systest.h"

#include <stdlib.h>
#include <unistd.h>

#include <libos/libos.h>
#include <libos/syscall.h>

#define HEAP_TEST_BYTES (2u << 20)

#define MS 1000000ull

/* Map and unmap a page 2000 times, each time in another 2 MiB region (and
 * now and then another 1 GiB one): the tables each map needed go back. */
static void map_unmap_forever(void)
{
    static const char name[] = "systest_tables";
    long space = syscall2(SYS_SPACE_CREATE, (long)name, sizeof(name) - 1);
    long before, after, r = 0;

    if (!check(space >= 0, "memory: SPACE_CREATE for the map/unmap loop (got %ld)", space))
        return;
    before = free_frames();
    for (uint64_t i = 0; i < 2000 && r == 0; i++) {
        uint64_t va = CHIME_USER_BASE + i * (0x200000ull + CHIME_PAGE_SIZE) * 37 % 0x1f00000000ull;
        va &= ~(uint64_t)(CHIME_PAGE_SIZE - 1);
        r = syscall4(SYS_SPACE_MAP_ANON, space, (long)va, CHIME_PAGE_SIZE, CHIME_PROT_READ);
        if (r == 0)
            r = syscall3(SYS_SPACE_UNMAP, space, (long)va, CHIME_PAGE_SIZE);
    }
    after = free_frames();
    check(r == 0 && after == before,
          "memory: 2000 map/unmap rounds in fresh regions keep no frames (%ld -> %ld, r %ld)",
          before, after, r);
    syscall1(SYS_HANDLE_CLOSE, space);
}

/* No call holds the kernel lock for long: over the whole user range each
 * mapping call is refused at once (CHIME_EINVAL, it covers more than one
 * call may), one of the longest allowed is quick even where nothing is
 * mapped, and a map of the most fresh frames one call may take is too. */
static void huge_ranges(void)
{
    static const char name[] = "systest_huge";
    long space = syscall2(SYS_SPACE_CREATE, (long)name, sizeof(name) - 1);
    uint64_t whole = CHIME_KAREA_BASE - CHIME_USER_BASE, far = 0x1000000000ull, t0, t;
    long r;

    if (!check(space >= 0, "memory: SPACE_CREATE for the huge-range calls (got %ld)", space))
        return;
    syscall4(SYS_SPACE_MAP_ANON, space, CHIME_USER_BASE, CHIME_PAGE_SIZE, CHIME_PROT_READ);
    t0 = now_ns();
    r = syscall4(SYS_SPACE_MAP_ANON, space, CHIME_USER_BASE + CHIME_PAGE_SIZE,
                 (long)(whole - CHIME_PAGE_SIZE), CHIME_PROT_READ);
    t = now_ns() - t0;
    check(r == CHIME_EINVAL && t < 20 * MS,
          "memory: MAP_ANON of the whole user range = CHIME_EINVAL in %llu us (got %ld)",
          (unsigned long long)(t / 1000), r);
    r = syscall4(SYS_SPACE_PROTECT, space, CHIME_USER_BASE, (long)whole, CHIME_PROT_READ);
    check(r == CHIME_EINVAL, "memory: PROTECT of the whole user range = CHIME_EINVAL (got %ld)", r);
    r = syscall3(SYS_SPACE_UNMAP, space, CHIME_USER_BASE, (long)whole);
    check(r == CHIME_EINVAL, "memory: UNMAP of the whole user range = CHIME_EINVAL (got %ld)", r);

    t0 = now_ns();
    r = syscall3(SYS_SPACE_UNMAP, space, (long)far, (long)CHIME_MAP_RANGE_MAX);
    t = now_ns() - t0;
    check(r == 0 && t < 20 * MS, "memory: UNMAP of CHIME_MAP_RANGE_MAX unmapped = 0 in %llu us",
          (unsigned long long)(t / 1000));
    t0 = now_ns();
    r = syscall4(SYS_SPACE_MAP_ANON, space, (long)far, (long)CHIME_MAP_ANON_MAX, CHIME_PROT_READ);
    t = now_ns() - t0;
    check(r == 0 && t < 50 * MS, "memory: MAP_ANON of CHIME_MAP_ANON_MAX = 0 in %llu us (got %ld)",
          (unsigned long long)(t / 1000), r);
    r = syscall4(SYS_SPACE_MAP_ANON, space, (long)(far + CHIME_MAP_ANON_MAX),
                 (long)(CHIME_MAP_ANON_MAX + CHIME_PAGE_SIZE), CHIME_PROT_READ);
    check(r == CHIME_EINVAL, "memory: MAP_ANON of one page more = CHIME_EINVAL (got %ld)", r);
    t0 = now_ns();
    r = syscall4(SYS_SPACE_PROTECT, space, (long)far, (long)CHIME_MAP_ANON_MAX,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    t = now_ns() - t0;
    check(r == 0 && t < 20 * MS, "memory: PROTECT of those pages = 0 in %llu us (got %ld)",
          (unsigned long long)(t / 1000), r);
    t0 = now_ns();
    r = syscall3(SYS_SPACE_UNMAP, space, (long)far, (long)CHIME_MAP_RANGE_MAX);
    t = now_ns() - t0;
    check(r == 0 && t < 20 * MS, "memory: UNMAP of them = 0 in %llu us (got %ld)",
          (unsigned long long)(t / 1000), r);
    syscall1(SYS_HANDLE_CLOSE, space);
}

void test_memory(void)
{
    struct sysret2 st = syscall3_2(SYS_MEM_STATS, 0, 0, 0);
    char *args[] = {"malloc", "4", NULL};
    volatile char *p;
    long before, after;

    check(st.a0 > 0 && st.a1 >= st.a0, "memory: MEM_STATS: %ld of %ld frames free", st.a0, st.a1);
    for (int round = 1; round <= 3; round++) {
        long status;

        before = free_frames();
        status = child_run(args, 0);
        after = free_frames();
        check(status == 0 && after == before,
              "memory: round %d: a child that malloc'd 4 MiB exited %ld, free frames %ld -> %ld",
              round, status, before, after);
    }
    /* sbrk directly: malloc could reuse heap freed by earlier tests. */
    before = free_frames();
    p = sbrk(HEAP_TEST_BYTES);
    if (p == (void *)-1) {
        check(0, "memory: sbrk 2 MiB");
        return;
    }
    after = free_frames();
    for (unsigned i = 0; i < HEAP_TEST_BYTES; i += CHIME_PAGE_SIZE)
        p[i] = 1;
    check(before - after >= (long)(HEAP_TEST_BYTES / CHIME_PAGE_SIZE) &&
              before - after < (long)(HEAP_TEST_BYTES / CHIME_PAGE_SIZE) + 16,
          "memory: growing the heap by 2 MiB maps 512 frames plus page tables (%ld)",
          before - after);
    check(free_frames() == after, "memory: touching the new heap takes no more frames");
    check(sbrk(-(long)HEAP_TEST_BYTES) == (char *)p + HEAP_TEST_BYTES,
          "memory: sbrk shrinks the heap back");
    map_unmap_forever();
    huge_ranges();
}
