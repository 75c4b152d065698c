/* Protection holds on every path that writes or remaps: SPACE_WRITE writes
 * only pages the target may write, and SPACE_PROTECT never gives a mapping
 * more than the frames handle it came from allowed (the boot archive is
 * read-only for every process). Anonymous memory may take any protection. */
#include "systest.h"

#include <string.h>

#include <libos/libos.h>
#include <libos/syscall.h>

/* Pages this test maps in its own space. */
#define PROT_VA 0x1e90000000ull

static void archive_stays_read_only(void)
{
    const void *archive;
    size_t len;
    uint64_t va = LIBOS_ARCHIVE_VA;
    char same[16];
    long r;

    if (!check(libos_archive(&archive, &len) == 0 && (uint64_t)archive == va,
               "protect: the boot archive is mapped at LIBOS_ARCHIVE_VA"))
        return;
    /* Its own bytes: if the write went through, nothing would change. */
    memcpy(same, archive, sizeof(same));
    r = syscall4(SYS_SPACE_WRITE, CHIME_SELF, (long)va, (long)same, sizeof(same));
    check(r == CHIME_EPERM,
          "protect: SPACE_WRITE into the read-only archive = CHIME_EPERM (got %ld)", r);
    r = syscall4(SYS_SPACE_PROTECT, CHIME_SELF, (long)va, CHIME_PAGE_SIZE,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    check(r == CHIME_EPERM,
          "protect: PROTECT the archive (READ|GRANT handle) to RW = CHIME_EPERM (got %ld)", r);
    r = syscall4(SYS_SPACE_PROTECT, CHIME_SELF, (long)va, CHIME_PAGE_SIZE,
                 CHIME_PROT_READ | CHIME_PROT_EXEC);
    check(r == CHIME_EPERM, "protect: PROTECT the archive to RX = CHIME_EPERM (got %ld)", r);
    r = syscall4(SYS_SPACE_WRITE, CHIME_SELF, (long)va, (long)same, sizeof(same));
    check(r == CHIME_EPERM, "protect: after both, the archive still refuses SPACE_WRITE (got %ld)",
          r);
    r = syscall4(SYS_SPACE_PROTECT, CHIME_SELF, (long)va, CHIME_PAGE_SIZE, CHIME_PROT_READ);
    check(r == 0, "protect: PROTECT the archive to what it has (READ) = 0 (got %ld)", r);
    r = syscall6(SYS_SPACE_MAP_FRAMES, CHIME_SELF, libos_archive_handle(), 0, (long)PROT_VA,
                 CHIME_PAGE_SIZE, CHIME_PROT_READ | CHIME_PROT_WRITE);
    check(r == CHIME_EPERM, "protect: MAP_FRAMES the archive writable = CHIME_EPERM (got %ld)", r);
}

static void anon_follows_protection(void)
{
    volatile uint8_t *p = (volatile uint8_t *)PROT_VA;
    const char bytes[8] = "12345678";
    long r;

    r = syscall4(SYS_SPACE_MAP_ANON, CHIME_SELF, (long)PROT_VA, 2 * CHIME_PAGE_SIZE,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (!check(r == 0, "protect: MAP_ANON two RW pages (got %ld)", r))
        return;
    p[CHIME_PAGE_SIZE - 4] = 0xee;
    r = syscall4(SYS_SPACE_PROTECT, CHIME_SELF, (long)PROT_VA + CHIME_PAGE_SIZE, CHIME_PAGE_SIZE,
                 CHIME_PROT_READ);
    check(r == 0, "protect: PROTECT the second page read-only (got %ld)", r);
    r = syscall4(SYS_SPACE_WRITE, CHIME_SELF, (long)PROT_VA + CHIME_PAGE_SIZE - 4, (long)bytes, 8);
    check(r == CHIME_EPERM && p[CHIME_PAGE_SIZE - 4] == 0xee,
          "protect: SPACE_WRITE over RW + R pages = CHIME_EPERM and writes nothing (got %ld, 0x%x)",
          r, p[CHIME_PAGE_SIZE - 4]);
    r = syscall4(SYS_SPACE_PROTECT, CHIME_SELF, (long)PROT_VA, 2 * CHIME_PAGE_SIZE,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    check(r == 0, "protect: anonymous memory may be made writable again (got %ld)", r);
    r = syscall4(SYS_SPACE_WRITE, CHIME_SELF, (long)PROT_VA + CHIME_PAGE_SIZE - 4, (long)bytes, 8);
    check(r == 0 && p[CHIME_PAGE_SIZE - 4] == '1' && p[CHIME_PAGE_SIZE + 3] == '8',
          "protect: then SPACE_WRITE over both pages works (got %ld)", r);
    syscall3(SYS_SPACE_UNMAP, CHIME_SELF, (long)PROT_VA, 2 * CHIME_PAGE_SIZE);
}

void test_protect(void)
{
    archive_stays_read_only();
    anon_follows_protection();
}
