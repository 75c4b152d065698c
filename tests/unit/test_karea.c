/* kernel/karea.c: the kernel-placed area of an address space, the
 * addresses every connection buffer, lend window and state page get. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "space.h"
#include "kalloc.h"
#include <chime/layout.h>

/* kalloc over the host heap, with a switch to make it fail. */
static int kalloc_live, kalloc_fail;

void *kalloc(size_t size)
{
    if (kalloc_fail)
        return NULL;
    kalloc_live++;
    return calloc(1, size);
}

void kfree(void *p)
{
    if (p)
        kalloc_live--;
    free(p);
}

static struct space s;

static int setup(void **state)
{
    memset(&s, 0, sizeof(s));
    list_init(&s.karea_holes);
    s.karea_next = CHIME_KAREA_BASE;
    kalloc_live = 0;
    kalloc_fail = 0;
    return 0;
}

static int teardown(void **state)
{
    space_karea_destroy(&s);
    assert_int_equal(kalloc_live, 0); /* every hole record freed */
    return 0;
}

static size_t holes(void)
{
    size_t n = 0;
    for (struct list *p = s.karea_holes.next; p != &s.karea_holes; p = p->next)
        n++;
    return n;
}

#define PG 4096ull

static void test_areas_follow_each_other_with_a_guard_page(void **state)
{
    uint64_t a = space_karea_alloc(&s, PG);
    uint64_t b = space_karea_alloc(&s, 3 * PG);
    uint64_t c = space_karea_alloc(&s, 1); /* rounds up to a page */
    assert_int_equal(a, CHIME_KAREA_BASE);
    assert_int_equal(b, a + 2 * PG);
    assert_int_equal(c, b + 4 * PG);
    assert_int_equal(s.karea_next, c + 2 * PG);
}

static void test_bad_lengths_get_nothing(void **state)
{
    assert_int_equal(space_karea_alloc(&s, 0), 0);
    assert_int_equal(space_karea_alloc(&s, CHIME_USER_TOP + 1), 0);
    assert_int_equal(s.karea_next, CHIME_KAREA_BASE);
}

static void test_area_past_the_top_is_refused(void **state)
{
    uint64_t room = CHIME_BOOTINFO_VA - PG - CHIME_KAREA_BASE; /* guard page below */
    assert_int_equal(space_karea_alloc(&s, room), 0);          /* its own guard does not fit */
    uint64_t va = space_karea_alloc(&s, room - PG);
    assert_int_equal(va, CHIME_KAREA_BASE);
    assert_int_equal(space_karea_alloc(&s, PG), 0);
    space_karea_free(&s, va, room - PG);
    assert_int_equal(s.karea_next, CHIME_KAREA_BASE);
}

static void test_freeing_the_top_lowers_the_mark(void **state)
{
    uint64_t a = space_karea_alloc(&s, PG);
    uint64_t b = space_karea_alloc(&s, PG);
    space_karea_free(&s, b, PG);
    assert_int_equal(s.karea_next, a + 2 * PG);
    assert_int_equal(holes(), 0);
    space_karea_free(&s, a, PG);
    assert_int_equal(s.karea_next, CHIME_KAREA_BASE);
}

static void test_first_fit_reuses_a_hole(void **state)
{
    uint64_t a = space_karea_alloc(&s, 4 * PG);
    uint64_t b = space_karea_alloc(&s, PG);
    space_karea_free(&s, a, 4 * PG);
    assert_int_equal(holes(), 1);
    /* A smaller area takes the start of the hole, the rest stays a hole. */
    assert_int_equal(space_karea_alloc(&s, PG), a);
    assert_int_equal(holes(), 1);
    assert_int_equal(space_karea_alloc(&s, 2 * PG), a + 2 * PG);
    assert_int_equal(holes(), 0); /* used up exactly: the record is gone */
    /* Nothing fits below b any more: the next area comes from the top. */
    assert_int_equal(space_karea_alloc(&s, PG), b + 2 * PG);
}

static void test_neighbouring_holes_merge(void **state)
{
    uint64_t a = space_karea_alloc(&s, PG);
    uint64_t b = space_karea_alloc(&s, PG);
    uint64_t c = space_karea_alloc(&s, PG);
    uint64_t d = space_karea_alloc(&s, PG);
    space_karea_free(&s, a, PG);
    space_karea_free(&s, c, PG);
    assert_int_equal(holes(), 2);
    space_karea_free(&s, b, PG); /* joins a's hole and c's */
    assert_int_equal(holes(), 1);
    /* One area of a+b+c's size (less its own guard page) fits at a. */
    assert_int_equal(space_karea_alloc(&s, 5 * PG), a);
    assert_int_equal(holes(), 0);
    assert_int_equal(s.karea_next, d + 2 * PG);
}

static void test_hole_below_the_top_merges_into_it(void **state)
{
    uint64_t a = space_karea_alloc(&s, PG);
    uint64_t b = space_karea_alloc(&s, PG);
    uint64_t c = space_karea_alloc(&s, PG);
    space_karea_free(&s, b, PG);
    assert_int_equal(holes(), 1);
    space_karea_free(&s, c, PG); /* b's hole and c reach the top */
    assert_int_equal(holes(), 0);
    assert_int_equal(s.karea_next, a + 2 * PG);
}

static void test_free_without_memory_loses_only_addresses(void **state)
{
    uint64_t a = space_karea_alloc(&s, PG);
    uint64_t b = space_karea_alloc(&s, PG);
    kalloc_fail = 1;
    space_karea_free(&s, a, PG); /* no record for the hole */
    kalloc_fail = 0;
    assert_int_equal(holes(), 0);
    /* a is never handed out again; b's area still comes back. */
    assert_int_equal(space_karea_alloc(&s, PG), b + 2 * PG);
    space_karea_free(&s, 0, PG); /* va 0 is ignored */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_areas_follow_each_other_with_a_guard_page, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_lengths_get_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_area_past_the_top_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_freeing_the_top_lowers_the_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_fit_reuses_a_hole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_neighbouring_holes_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hole_below_the_top_merges_into_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_without_memory_loses_only_addresses, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
