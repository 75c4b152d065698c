/* Memory: frames return to the allocator when a process ends, and the heap
 * takes frames only as it grows. */
#include "systest.h"

#include <stdlib.h>
#include <unistd.h>

#include <libos/libos.h>
#include <libos/syscall.h>

#define HEAP_TEST_BYTES (2u << 20)

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
}
