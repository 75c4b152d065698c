/* kernel/frame.c: the physical frame allocator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "frame.h"

#define BASE    0x80000000ull
#define NFRAMES 1000 /* not a multiple of 64: the last bitmap word is partial */
#define PG      4096ull

static uint64_t bitmap[(NFRAMES + 63) / 64];
static struct frame_pool pool;

static int setup(void **state)
{
    frame_pool_init(&pool, BASE, NFRAMES, bitmap);
    return 0;
}

static void test_starts_all_used(void **state)
{
    assert_int_equal(pool.nfree, 0);
    assert_int_equal(frame_pool_alloc(&pool), 0);
}

static void test_release_then_reserve(void **state)
{
    assert_int_equal(frame_pool_release_range(&pool, BASE, BASE + NFRAMES * PG), NFRAMES);
    /* Reserving rounds outwards: a partial frame is not handed out. */
    assert_int_equal(frame_pool_reserve_range(&pool, BASE + 10, BASE + PG + 1), 2);
    assert_int_equal(pool.nfree, NFRAMES - 2);
    uint64_t pa = frame_pool_alloc(&pool);
    assert_int_equal(pa, BASE + 2 * PG);
    /* Releasing rounds inwards: a partial frame is not made free. */
    frame_pool_init(&pool, BASE, NFRAMES, bitmap);
    assert_int_equal(frame_pool_release_range(&pool, BASE + 1, BASE + 3 * PG - 1), 1);
}

static void test_exhaust_and_return(void **state)
{
    frame_pool_release_range(&pool, BASE, BASE + NFRAMES * PG);
    static uint64_t got[NFRAMES];
    for (int i = 0; i < NFRAMES; i++) {
        got[i] = frame_pool_alloc(&pool);
        assert_true(got[i] >= BASE && got[i] < BASE + NFRAMES * PG);
        assert_int_equal(got[i] % PG, 0);
        for (int j = 0; j < i; j += 97)
            assert_int_not_equal(got[i], got[j]);
    }
    assert_int_equal(frame_pool_alloc(&pool), 0);
    assert_int_equal(pool.nfree, 0);
    for (int i = 0; i < NFRAMES; i++)
        assert_true(frame_pool_free(&pool, got[i], 1));
    assert_int_equal(pool.nfree, NFRAMES);
}

static void test_double_and_bad_free(void **state)
{
    frame_pool_release_range(&pool, BASE, BASE + NFRAMES * PG);
    uint64_t pa = frame_pool_alloc(&pool);
    assert_true(frame_pool_free(&pool, pa, 1));
    assert_false(frame_pool_free(&pool, pa, 1));                        /* double free */
    assert_false(frame_pool_free(&pool, pa + 8, 1));                    /* misaligned */
    assert_false(frame_pool_free(&pool, BASE - PG, 1));                 /* below the pool */
    assert_false(frame_pool_free(&pool, BASE + NFRAMES * PG, 1));       /* above */
    assert_false(frame_pool_free(&pool, BASE + (NFRAMES - 1) * PG, 2)); /* runs off */
    assert_int_equal(pool.nfree, NFRAMES);
}

static void test_contiguous(void **state)
{
    frame_pool_release_range(&pool, BASE, BASE + NFRAMES * PG);
    /* Punch holes so a run of 8 must be searched for. */
    for (int i = 0; i < 64; i += 5)
        frame_pool_reserve_range(&pool, BASE + i * PG, BASE + (i + 1) * PG);
    uint64_t pa = frame_pool_alloc_contig(&pool, 8, 4);
    assert_int_not_equal(pa, 0);
    assert_int_equal((pa - BASE) / PG % 4, 0);
    for (uint64_t p = pa; p < pa + 8 * PG; p += PG)
        assert_false(frame_pool_free(&pool, p, 0)); /* n = 0 is refused */
    uint64_t before = pool.nfree;
    assert_true(frame_pool_free(&pool, pa, 8));
    assert_int_equal(pool.nfree, before + 8);
    assert_int_equal(frame_pool_alloc_contig(&pool, NFRAMES + 1, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_starts_all_used, setup),
        cmocka_unit_test_setup(test_release_then_reserve, setup),
        cmocka_unit_test_setup(test_exhaust_and_return, setup),
        cmocka_unit_test_setup(test_double_and_bad_free, setup),
        cmocka_unit_test_setup(test_contiguous, setup),
    };
    return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
