/* kernel/vm.c: Sv39 page tables over simulated physical memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <platform/mmu.h>
#include "sim_phys.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/types.h>

static uint64_t kroot;

static int setup(void **state)
{
    sim_phys_reset();
    kroot = frame_alloc();
    uint64_t *k = phys_to_virt(kroot);
    for (int i = PT_KERNEL_FIRST; i < PT_ENTRIES; i++)
        k[i] = ((uint64_t)i << 28) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_G;
    return 0;
}

static void test_create_shares_kernel_half(void **state)
{
    uint64_t root = pt_create(kroot);
    uint64_t *r = phys_to_virt(root), *k = phys_to_virt(kroot);
    for (int i = 0; i < PT_KERNEL_FIRST; i++)
        assert_int_equal(r[i], 0);
    for (int i = PT_KERNEL_FIRST; i < PT_ENTRIES; i++)
        assert_int_equal(r[i], k[i]);
}

static void test_map_anon_zeroed_distinct(void **state)
{
    uint64_t root = pt_create(kroot);
    uint64_t va = 0x10000, len = 8 * PAGE_SIZE;
    assert_int_equal(pt_map_range(root, va, len, 0, CHIME_PROT_READ | CHIME_PROT_WRITE), 0);
    uint64_t seen[8];
    for (int i = 0; i < 8; i++) {
        uint64_t pa = pt_translate(root, va + i * PAGE_SIZE, PTE_R | PTE_W);
        assert_int_not_equal(pa, 0);
        const uint8_t *p = phys_to_virt(pa);
        for (int b = 0; b < (int)PAGE_SIZE; b++)
            assert_int_equal(p[b], 0);
        seen[i] = pa;
        for (int j = 0; j < i; j++)
            assert_int_not_equal(seen[j], pa);
    }
    assert_int_equal(pt_translate(root, va + len, 0), 0); /* past the end */
    assert_int_equal(pt_translate(root, va, PTE_X), 0);   /* not executable */
    assert_int_equal(pt_translate(root, va + 123, PTE_R), seen[0] + 123);
}

static void test_overlap_refused_whole(void **state)
{
    uint64_t root = pt_create(kroot);
    assert_int_equal(pt_map_range(root, 0x20000, PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    uint64_t before = sim_pool.nfree;
    assert_int_equal(pt_map_range(root, 0x1e000, 4 * PAGE_SIZE, 0, CHIME_PROT_READ), CHIME_EEXIST);
    assert_int_equal(sim_pool.nfree, before);
    assert_int_equal(pt_translate(root, 0x1e000, 0), 0);
}

static void test_out_of_memory_rolls_back(void **state)
{
    uint64_t root = pt_create(kroot);
    uint64_t before = sim_pool.nfree;
    sim_phys_fail_after(5);
    assert_int_equal(pt_map_range(root, 0x40000, 32 * PAGE_SIZE, 0, CHIME_PROT_READ), CHIME_ENOMEM);
    sim_phys_fail_after(-1);
    for (uint64_t off = 0; off < 32 * PAGE_SIZE; off += PAGE_SIZE)
        assert_int_equal(pt_translate(root, 0x40000 + off, 0), 0);
    /* Every frame came back, the tables made for the map included. */
    assert_int_equal(sim_pool.nfree, before);
}

static void test_unmap_and_destroy_return_frames(void **state)
{
    uint64_t before = sim_pool.nfree;
    uint64_t root = pt_create(kroot);
    assert_int_equal(pt_map_range(root, 0x10000, 16 * PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    assert_int_equal(pt_map_range(root, 0x3000000000ull, 4 * PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    uint64_t mapped = sim_pool.nfree;
    pt_unmap_range(root, 0x10000, 16 * PAGE_SIZE);
    assert_int_equal(sim_pool.nfree, mapped + 16 + 2); /* and the two tables only they used */
    pt_destroy(root);
    assert_int_equal(sim_pool.nfree, before);
}

static void test_user_pages_counts_what_is_mapped(void **state)
{
    uint64_t root = pt_create(kroot);
    assert_int_equal(pt_user_pages(root), 0); /* the kernel half is not counted */
    assert_int_equal(pt_map_range(root, 0x10000, 16 * PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    assert_int_equal(pt_map_range(root, 0x3000000000ull, 4 * PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    assert_int_equal(pt_user_pages(root), 20);
    pt_unmap_range(root, 0x10000, 3 * PAGE_SIZE);
    assert_int_equal(pt_user_pages(root), 17);
    pt_destroy(root);
}

static void test_physical_range_not_owned(void **state)
{
    uint64_t before = sim_pool.nfree;
    uint64_t dev = frame_alloc(); /* stands for device memory someone else owns */
    uint64_t root = pt_create(kroot);
    assert_int_equal(pt_map_range(root, 0x50000, PAGE_SIZE, dev, CHIME_PROT_READ), 0);
    assert_int_equal(pt_translate(root, 0x50000, PTE_R), dev);
    pt_destroy(root);
    assert_int_equal(sim_pool.nfree, before - 1); /* dev is still allocated */
    frame_free(dev);
    assert_int_equal(sim_pool.nfree, before);
}

static void test_protect(void **state)
{
    uint64_t root = pt_create(kroot);
    assert_int_equal(pt_map_range(root, 0x10000, 2 * PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    assert_int_equal(pt_translate(root, 0x10000, PTE_W), 0);
    assert_int_equal(
        pt_protect_range(root, 0x10000, 2 * PAGE_SIZE, CHIME_PROT_READ | CHIME_PROT_WRITE), 0);
    assert_int_not_equal(pt_translate(root, 0x11000, PTE_W), 0);
    /* A hole anywhere refuses the whole change. */
    assert_int_equal(pt_protect_range(root, 0x10000, 3 * PAGE_SIZE, CHIME_PROT_EXEC), CHIME_ENOENT);
    assert_int_equal(pt_translate(root, 0x10000, PTE_X), 0);
    /* Write-only is not a RISC-V encoding: it becomes read-write. */
    assert_int_equal(pt_user_flags(CHIME_PROT_WRITE) & (PTE_R | PTE_W), PTE_R | PTE_W);
    assert_true(pt_user_flags(CHIME_PROT_READ) & PTE_U);
}

/* A server that maps and unmaps forever keeps no frames: emptied tables
 * go back, wherever the range lay (1 GiB and 2 MiB boundaries, the
 * kernel-placed area). */
static void test_unmap_frees_emptied_tables(void **state)
{
    uint64_t root = pt_create(kroot);
    uint64_t start = sim_pool.nfree;
    static const uint64_t vas[] = {0x10000, 0x1ff000, 0x3fffe000, 0x2000000000ull,
                                   0x3fffe00000ull - 2 * PAGE_SIZE};
    for (int round = 0; round < 200; round++) {
        uint64_t va = vas[round % 5] + (uint64_t)(round / 5 % 4) * PAGE_SIZE * 3;
        assert_int_equal(pt_map_range(root, va, 4 * PAGE_SIZE, 0, CHIME_PROT_READ), 0);
        pt_unmap_range(root, va, 4 * PAGE_SIZE);
        assert_int_equal(sim_pool.nfree, start);
    }
    uint64_t *r = phys_to_virt(root), *k = phys_to_virt(kroot);
    for (int i = 0; i < PT_KERNEL_FIRST; i++)
        assert_int_equal(r[i], 0);
    for (int i = PT_KERNEL_FIRST; i < PT_ENTRIES; i++)
        assert_int_equal(r[i], k[i]); /* the shared kernel half is untouched */
    pt_destroy(root);
}

/* A table that still maps something stays, and so do its other pages. */
static void test_unmap_keeps_tables_in_use(void **state)
{
    uint64_t root = pt_create(kroot);
    uint64_t start = sim_pool.nfree;
    assert_int_equal(pt_map_range(root, 0x200000, 2 * PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    uint64_t kept = pt_translate(root, 0x201000, PTE_R);
    pt_unmap_range(root, 0x200000, PAGE_SIZE);
    assert_int_equal(pt_translate(root, 0x200000, 0), 0);
    assert_int_equal(pt_translate(root, 0x201000, PTE_R), kept);
    assert_int_equal(sim_pool.nfree, start - 3); /* one data frame, two tables */
    pt_unmap_range(root, 0, 0x4000000000ull);
    assert_int_equal(sim_pool.nfree, start);
    pt_destroy(root);
}

/* Range calls skip absent tables: unmapping or probing the whole user
 * range of a space with two pages touches a handful of tables, not 2^25
 * page slots. */
static void test_huge_ranges_cost_what_is_mapped(void **state)
{
    uint64_t root = pt_create(kroot);
    uint64_t whole = 0x2000000000ull - 0x10000;
    assert_int_equal(pt_map_range(root, 0x10000, PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    assert_int_equal(pt_map_range(root, 0x1000000000ull, PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    uint64_t start = sim_pool.nfree;
    sim_phys_touches = 0;
    assert_int_equal(pt_map_range(root, 0x10000, whole, 0, CHIME_PROT_READ), CHIME_EEXIST);
    assert_true(sim_phys_touches < 16);
    sim_phys_touches = 0;
    assert_int_equal(pt_map_range(root, 0x20000, whole - 0x10000, 0, CHIME_PROT_READ),
                     CHIME_EEXIST);
    assert_true(sim_phys_touches < 16);
    assert_int_equal(sim_pool.nfree, start);
    sim_phys_touches = 0;
    pt_unmap_range(root, 0x10000, whole);
    assert_true(sim_phys_touches < 16);
    assert_int_equal(sim_pool.nfree, start + 6); /* two pages, four tables */
    pt_destroy(root);
}

/* Frames the mapping does not own keep the most their handle allowed;
 * anonymous memory may take any protection. A refused change changes
 * nothing. */
static void test_protect_ceiling(void **state)
{
    uint64_t root = pt_create(kroot);
    uint64_t ro = frame_alloc(), rw = frame_alloc();
    uint32_t R = CHIME_PROT_READ, W = CHIME_PROT_WRITE, X = CHIME_PROT_EXEC;
    assert_int_equal(pt_map_frames(root, 0x10000, PAGE_SIZE, ro, R, R), 0);
    assert_int_equal(pt_protect_range(root, 0x10000, PAGE_SIZE, R | W), CHIME_EPERM);
    assert_int_equal(pt_protect_range(root, 0x10000, PAGE_SIZE, R | X), CHIME_EPERM);
    assert_int_equal(pt_translate(root, 0x10000, PTE_W), 0);
    assert_int_equal(pt_protect_range(root, 0x10000, PAGE_SIZE, R), 0);

    /* Mapped read-only from a read-write handle: may become writable. */
    assert_int_equal(pt_map_frames(root, 0x11000, PAGE_SIZE, rw, R, R | W), 0);
    assert_int_equal(pt_protect_range(root, 0x11000, PAGE_SIZE, R | W), 0);
    assert_int_equal(pt_translate(root, 0x11000, PTE_W), rw);
    assert_int_equal(pt_protect_range(root, 0x11000, PAGE_SIZE, R | X), CHIME_EPERM);

    /* One bad page refuses the whole range, and nothing changes. */
    assert_int_equal(pt_protect_range(root, 0x10000, 2 * PAGE_SIZE, R | W), CHIME_EPERM);
    assert_int_equal(pt_translate(root, 0x10000, PTE_W), 0);
    assert_int_not_equal(pt_translate(root, 0x11000, PTE_W), 0);

    /* Beyond the handle, or writable and executable at once: refused. */
    assert_int_equal(pt_map_frames(root, 0x12000, PAGE_SIZE, ro, R | W, R), CHIME_EPERM);
    assert_int_equal(pt_map_frames(root, 0x12000, PAGE_SIZE, rw, R | W | X, R | W | X),
                     CHIME_EPERM);
    assert_int_equal(pt_translate(root, 0x12000, 0), 0);
    /* A handle with both keeps the side the mapping asked for. */
    assert_int_equal(pt_map_frames(root, 0x12000, PAGE_SIZE, rw, R | X, R | W | X), 0);
    assert_int_equal(pt_protect_range(root, 0x12000, PAGE_SIZE, R | W), CHIME_EPERM);
    assert_int_equal(pt_protect_range(root, 0x12000, PAGE_SIZE, R), 0);
    assert_int_equal(pt_protect_range(root, 0x12000, PAGE_SIZE, X), 0);

    /* Anonymous: anything, back and forth. */
    assert_int_equal(pt_map_range(root, 0x20000, PAGE_SIZE, 0, R), 0);
    assert_int_equal(pt_protect_range(root, 0x20000, PAGE_SIZE, R | W | X), 0);
    assert_int_not_equal(pt_translate(root, 0x20000, PTE_W | PTE_X), 0);
    assert_int_equal(pt_protect_range(root, 0x20000, PAGE_SIZE, R), 0);
    assert_int_equal(pt_protect_range(root, 0x20000, PAGE_SIZE, R | W), 0);

    /* Unmapping foreign frames leaves them to their owner. */
    uint64_t before = sim_pool.nfree;
    pt_unmap_range(root, 0x10000, 3 * PAGE_SIZE);
    assert_int_equal(sim_pool.nfree, before);
    pt_destroy(root);
    frame_free(ro);
    frame_free(rw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_create_shares_kernel_half, setup),
        cmocka_unit_test_setup(test_map_anon_zeroed_distinct, setup),
        cmocka_unit_test_setup(test_overlap_refused_whole, setup),
        cmocka_unit_test_setup(test_out_of_memory_rolls_back, setup),
        cmocka_unit_test_setup(test_unmap_and_destroy_return_frames, setup),
        cmocka_unit_test_setup(test_user_pages_counts_what_is_mapped, setup),
        cmocka_unit_test_setup(test_physical_range_not_owned, setup),
        cmocka_unit_test_setup(test_protect, setup),
        cmocka_unit_test_setup(test_unmap_frees_emptied_tables, setup),
        cmocka_unit_test_setup(test_unmap_keeps_tables_in_use, setup),
        cmocka_unit_test_setup(test_huge_ranges_cost_what_is_mapped, setup),
        cmocka_unit_test_setup(test_protect_ceiling, setup),
    };
    return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
