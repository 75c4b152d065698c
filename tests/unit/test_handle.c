/* kernel/handle.c: per-process handle tables with rights. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "handle.h"
#include "sim_phys.h"
#include <chime/errno.h>

static int released;
static struct kobj *last_released;

void kobj_release(struct kobj *o)
{
    released++;
    last_released = o;
}

static struct handle_table table;

static int setup(void **state)
{
    sim_phys_reset();
    released = 0;
    last_released = NULL;
    assert_int_equal(handle_table_init(&table), 0);
    return 0;
}

static void test_install_lookup_close(void **state)
{
    struct kobj a, b;
    kobj_init(&a, CHIME_OBJ_SPACE);
    kobj_init(&b, CHIME_OBJ_THREAD);
    int ha = handle_install(&table, &a, CHIME_R_READ | CHIME_R_MANAGE);
    int hb = handle_install(&table, &b, CHIME_R_ALL);
    assert_int_equal(ha, 0);
    assert_int_equal(hb, 1);
    assert_int_equal(a.refs, 2);
    int err = 0;
    assert_ptr_equal(handle_lookup(&table, ha, CHIME_OBJ_SPACE, CHIME_R_MANAGE, &err), &a);
    assert_ptr_equal(handle_lookup(&table, ha, 0, 0, &err), &a);
    assert_null(handle_lookup(&table, ha, CHIME_OBJ_THREAD, 0, &err));
    assert_int_equal(err, CHIME_EBADH);
    assert_null(handle_lookup(&table, ha, CHIME_OBJ_SPACE, CHIME_R_WRITE, &err));
    assert_int_equal(err, CHIME_EPERM);
    assert_int_equal(handle_close(&table, ha), 0);
    assert_int_equal(a.refs, 1);
    assert_int_equal(handle_close(&table, ha), CHIME_EBADH); /* closed twice */
    assert_null(handle_lookup(&table, ha, 0, 0, &err));
    assert_int_equal(err, CHIME_EBADH);
    /* The freed slot is reused first. */
    assert_int_equal(handle_install(&table, &a, CHIME_R_READ), 0);
}

static void test_bad_indices(void **state)
{
    int err = 0;
    const int64_t bad[] = {-1, -2, HANDLE_MAX, HANDLE_MAX + 1, 1ll << 40, 5};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = 0;
        assert_null(handle_lookup(&table, bad[i], 0, 0, &err));
        assert_int_equal(err, CHIME_EBADH);
        assert_int_equal(handle_close(&table, bad[i]), CHIME_EBADH);
    }
}

static void test_last_reference_releases(void **state)
{
    struct kobj a;
    kobj_init(&a, CHIME_OBJ_FRAMES);
    int h = handle_install(&table, &a, CHIME_R_READ);
    kobj_put(&a); /* the creator lets the handle own it */
    assert_int_equal(released, 0);
    handle_close(&table, h);
    assert_int_equal(released, 1);
    assert_ptr_equal(last_released, &a);
}

static void test_full_table(void **state)
{
    struct kobj a;
    kobj_init(&a, CHIME_OBJ_FRAMES);
    for (int i = 0; i < HANDLE_MAX; i++)
        assert_int_equal(handle_install(&table, &a, CHIME_R_READ), i);
    assert_int_equal(handle_install(&table, &a, CHIME_R_READ), CHIME_ENOMEM);
    assert_int_equal(a.refs, HANDLE_MAX + 1);
    uint64_t before = sim_pool.nfree;
    handle_table_destroy(&table);
    assert_int_equal(a.refs, 1);
    assert_int_equal(sim_pool.nfree, before + HANDLE_PAGES); /* the table's frames */
}

static void test_weak_slot(void **state)
{
    struct kobj a;
    kobj_init(&a, CHIME_OBJ_SPACE);
    int h = handle_install(&table, &a, CHIME_R_ALL);
    handle_slot(&table, h)->reserved = HANDLE_WEAK;
    a.refs--; /* a weak slot holds no reference */
    assert_int_equal(handle_close(&table, h), 0);
    assert_int_equal(a.refs, 1);
    assert_int_equal(released, 0);
}

static void test_rights_masked(void **state)
{
    struct kobj a;
    kobj_init(&a, CHIME_OBJ_VECTOR);
    int h = handle_install(&table, &a, 0xffffffffu);
    assert_int_equal(handle_rights(&table, h), CHIME_R_ALL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_install_lookup_close, setup),
        cmocka_unit_test_setup(test_bad_indices, setup),
        cmocka_unit_test_setup(test_last_reference_releases, setup),
        cmocka_unit_test_setup(test_full_table, setup),
        cmocka_unit_test_setup(test_weak_slot, setup),
        cmocka_unit_test_setup(test_rights_masked, setup),
    };
    return cmocka_run_group_tests_name("handle", tests, NULL, NULL);
}
