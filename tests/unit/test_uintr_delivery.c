/* Host tests for libos/uintr_delivery.c: the user side of uintr masking and
 * dispatch. The receiver state page is ordinary memory here; "the kernel
 * posting a vector" is the test ORing a bit into pending, and "the kernel
 * entering the handler" is the test calling uintr_dispatch the way
 * uintr_entry.S does (enabled = 0, bits swapped out of pending). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../libos/uintr.h"

static struct uintr_state page;

/* What the handler saw, call by call. */
static uint64_t calls[16];
static uint32_t enabled_during[16];
static int ncalls;
static uint64_t post_during_first; /* bits "the kernel" posts during call 1 */

static void handler(uint64_t bits)
{
    if (ncalls < 16) {
        calls[ncalls] = bits;
        enabled_during[ncalls] = page.enabled;
    }
    ncalls++;
    if (ncalls == 1 && post_during_first)
        __atomic_fetch_or(&page.pending, post_during_first, __ATOMIC_RELAXED);
}

static void kernel_post(uint64_t bits)
{
    __atomic_fetch_or(&page.pending, bits, __ATOMIC_RELAXED);
}

static int setup(void **state)
{
    memset(&page, 0, sizeof(page));
    memset(calls, 0, sizeof(calls));
    ncalls = 0;
    post_during_first = 0;
    uintr_self.state = &page;
    uintr_self.handler = handler;
    uintr_self.handled = 0;
    page.enabled = 1;
    return 0;
}

static void test_enable_nothing_pending(void **state)
{
    page.enabled = 0;
    uintr_enable();
    assert_int_equal(page.enabled, 1);
    assert_int_equal(ncalls, 0);
}

static void test_disable_returns_previous(void **state)
{
    assert_int_equal(uintr_disable(), 1);
    assert_int_equal(page.enabled, 0);
    assert_int_equal(uintr_disable(), 0);
    uintr_restore(0); /* still masked: restoring "was masked" */
    assert_int_equal(page.enabled, 0);
    uintr_restore(1);
    assert_int_equal(page.enabled, 1);
}

/* stui semantics: bits posted while masked are handled by the enable
 * itself, with delivery masked during the handler, and nothing stays
 * pending. */
static void test_enable_runs_handler_for_masked_bits(void **state)
{
    unsigned was = uintr_disable();

    kernel_post(1u << 3);
    kernel_post(1u << 7);
    assert_int_equal(ncalls, 0);
    uintr_restore(was);
    assert_int_equal(ncalls, 1);
    assert_int_equal(calls[0], (1u << 3) | (1u << 7));
    assert_int_equal(enabled_during[0], 0);
    assert_int_equal(page.pending, 0);
    assert_int_equal(page.enabled, 1);
    assert_int_equal(uintr_self.handled, 1);
}

/* Bits that arrive while the handler runs make it run again, with just
 * those bits: interrupts coalesce but are not lost. */
static void test_handler_loops_until_empty(void **state)
{
    post_during_first = 1ull << 40;
    uintr_disable();
    kernel_post(1);
    uintr_enable();
    assert_int_equal(ncalls, 2);
    assert_int_equal(calls[0], 1);
    assert_int_equal(calls[1], 1ull << 40);
    assert_int_equal(page.pending, 0);
    assert_int_equal(page.enabled, 1);
}

/* The kernel's entry path: uintr_entry.S calls uintr_dispatch with the bits
 * the kernel swapped out and enabled already 0. It must drain pending. */
static void test_dispatch_from_kernel_entry(void **state)
{
    page.enabled = 0;
    post_during_first = 1u << 2;
    uintr_dispatch(1u << 9);
    assert_int_equal(ncalls, 2);
    assert_int_equal(calls[0], 1u << 9);
    assert_int_equal(calls[1], 1u << 2);
    assert_int_equal(page.pending, 0);
    assert_int_equal(page.enabled, 0); /* SYS_URET re-enables, not dispatch */
}

/* Without a handler, pending bits wait for uintr_wait: enabling must not
 * consume them. */
static void test_no_handler_keeps_bits(void **state)
{
    uintr_self.handler = NULL;
    uintr_disable();
    kernel_post(1u << 5);
    uintr_enable();
    assert_int_equal(page.pending, 1u << 5);
    assert_int_equal(page.enabled, 1);
    assert_int_equal(ncalls, 0);
}

/* clui + read_pending: polling without a syscall, the handler never sees
 * the bits taken. */
static void test_read_pending_takes_bits(void **state)
{
    unsigned was = uintr_disable();

    kernel_post(0x30);
    assert_int_equal(uintr_read_pending(), 0x30);
    assert_int_equal(page.pending, 0);
    assert_int_equal(uintr_read_pending(), 0);
    uintr_restore(was);
    assert_int_equal(ncalls, 0);
}

/* Bits a wait took on behalf of someone else go back through repost: at
 * once when delivery is enabled, at the next enable when masked. */
static void test_repost(void **state)
{
    uintr_repost(1u << 4);
    assert_int_equal(ncalls, 1);
    assert_int_equal(calls[0], 1u << 4);

    uintr_disable();
    uintr_repost(1u << 6);
    assert_int_equal(ncalls, 1);
    assert_int_equal(page.pending, 1u << 6);
    uintr_enable();
    assert_int_equal(ncalls, 2);
    assert_int_equal(calls[1], 1u << 6);

    uintr_repost(0);
    assert_int_equal(ncalls, 2);
}

/* A thread that never registered: every operation is a harmless no-op. */
static void test_no_state_page(void **state)
{
    uintr_self.state = NULL;
    assert_int_equal(uintr_disable(), 0);
    uintr_enable();
    uintr_repost(1);
    assert_int_equal(uintr_read_pending(), 0);
    assert_int_equal(ncalls, 0);
}

/* Nested masking: an inner disable/restore pair leaves the outer mask on,
 * and bits posted inside are handled when the outer restore unmasks. */
static void test_nested_masking(void **state)
{
    unsigned outer = uintr_disable();
    unsigned inner = uintr_disable();

    kernel_post(1u << 1);
    uintr_restore(inner);
    assert_int_equal(page.enabled, 0);
    assert_int_equal(ncalls, 0);
    uintr_restore(outer);
    assert_int_equal(ncalls, 1);
    assert_int_equal(page.enabled, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_enable_nothing_pending, setup),
        cmocka_unit_test_setup(test_disable_returns_previous, setup),
        cmocka_unit_test_setup(test_enable_runs_handler_for_masked_bits, setup),
        cmocka_unit_test_setup(test_handler_loops_until_empty, setup),
        cmocka_unit_test_setup(test_dispatch_from_kernel_entry, setup),
        cmocka_unit_test_setup(test_no_handler_keeps_bits, setup),
        cmocka_unit_test_setup(test_read_pending_takes_bits, setup),
        cmocka_unit_test_setup(test_repost, setup),
        cmocka_unit_test_setup(test_no_state_page, setup),
        cmocka_unit_test_setup(test_nested_masking, setup),
    };

    return cmocka_run_group_tests_name("uintr_delivery", tests, NULL, NULL);
}
