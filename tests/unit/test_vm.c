/* kernel/vm.c: Sv39 page tables over simulated physical memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "mmu.h"
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
    /* Only intermediate tables may remain; every data frame came back. */
    assert_true(before - sim_pool.nfree <= 2);
}

static void test_unmap_and_destroy_return_frames(void **state)
{
    uint64_t before = sim_pool.nfree;
    uint64_t root = pt_create(kroot);
    assert_int_equal(pt_map_range(root, 0x10000, 16 * PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    assert_int_equal(pt_map_range(root, 0x3000000000ull, 4 * PAGE_SIZE, 0, CHIME_PROT_READ), 0);
    uint64_t mapped = sim_pool.nfree;
    pt_unmap_range(root, 0x10000, 16 * PAGE_SIZE);
    assert_int_equal(sim_pool.nfree, mapped + 16);
    pt_destroy(root);
    assert_int_equal(sim_pool.nfree, before);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_create_shares_kernel_half, setup),
        cmocka_unit_test_setup(test_map_anon_zeroed_distinct, setup),
        cmocka_unit_test_setup(test_overlap_refused_whole, setup),
        cmocka_unit_test_setup(test_out_of_memory_rolls_back, setup),
        cmocka_unit_test_setup(test_unmap_and_destroy_return_frames, setup),
        cmocka_unit_test_setup(test_physical_range_not_owned, setup),
        cmocka_unit_test_setup(test_protect, setup),
    };
    return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
