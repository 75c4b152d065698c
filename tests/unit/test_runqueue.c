/* kernel/runqueue.c: each hart's ready threads (one FIFO per priority and a
 * bitmap), where a thread that becomes ready is queued, and stealing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "runqueue.h"

struct cpu *cpu_tp; /* cpu.h: unused by the run queues */

#define ALL_HARTS 0xffffffffu

static struct cpu harts[MAX_HARTS];
static struct thread th[16];

static int setup(void **state)
{
    memset(harts, 0, sizeof(harts));
    memset(th, 0, sizeof(th));
    for (uint32_t h = 0; h < MAX_HARTS; h++) {
        harts[h].hartid = h;
        for (int p = 0; p < NPRIO; p++)
            list_init(&harts[h].rq.queue[p]);
    }
    for (int i = 0; i < 16; i++) {
        th[i].id = (uint64_t)i;
        th[i].hart = -1;
        th[i].affinity = ALL_HARTS;
        list_init(&th[i].link);
    }
    return 0;
}

static struct thread *thread_prio(int i, uint8_t prio)
{
    th[i].prio = prio;
    return &th[i];
}

static void test_highest_priority_first_fifo_within(void **state)
{
    struct cpu *c = &harts[1];
    assert_int_equal(rq_best(c), -1);
    rq_push(c, thread_prio(0, 5), false);
    rq_push(c, thread_prio(1, 20), false);
    rq_push(c, thread_prio(2, 5), false);
    rq_push(c, thread_prio(3, 20), false);
    assert_int_equal(c->rq.count, 4);
    assert_int_equal(th[2].hart, 1); /* queued here */
    assert_int_equal(rq_best(c), 20);
    assert_ptr_equal(rq_pop(c), &th[1]);
    assert_ptr_equal(rq_pop(c), &th[3]);
    assert_int_equal(rq_best(c), 5); /* level 20 emptied: its bit is clear */
    assert_ptr_equal(rq_pop(c), &th[0]);
    assert_ptr_equal(rq_pop(c), &th[2]);
    assert_int_equal(rq_best(c), -1);
    assert_int_equal(c->rq.count, 0);
    assert_int_equal(c->rq.bitmap, 0);
}

static void test_front_push_resumes_first(void **state)
{
    struct cpu *c = &harts[0];
    rq_push(c, thread_prio(0, 10), false);
    rq_push(c, thread_prio(1, 10), false);
    rq_push(c, thread_prio(2, 10), true); /* a preempted thread */
    assert_ptr_equal(rq_pop(c), &th[2]);
    assert_ptr_equal(rq_pop(c), &th[0]);
}

static void test_remove_keeps_bitmap_and_count(void **state)
{
    struct cpu *c = &harts[0];
    rq_push(c, thread_prio(0, 3), false);
    rq_push(c, thread_prio(1, 3), false);
    rq_push(c, thread_prio(2, 0), false);
    rq_remove(c, &th[0]);
    assert_int_equal(c->rq.bitmap, (1u << 3) | 1u); /* th[1] still at 3 */
    rq_remove(c, &th[1]);
    assert_int_equal(c->rq.bitmap, 1u);
    assert_int_equal(c->rq.count, 1);
    assert_int_equal(rq_best(c), 0);
    assert_ptr_equal(rq_pop(c), &th[2]);
}

static void test_pick_least_loaded_allowed_hart(void **state)
{
    uint32_t online = 0xf; /* harts 0..3 */
    rq_push(&harts[0], thread_prio(0, 1), false);
    rq_push(&harts[1], thread_prio(1, 1), false);
    harts[2].current = &th[2]; /* running counts as load */
    struct thread *t = thread_prio(5, 1);
    assert_ptr_equal(rq_pick_hart(harts, online, t), &harts[3]);
    t->affinity = 0x3; /* only 0 and 1, equally loaded: the first */
    assert_ptr_equal(rq_pick_hart(harts, online, t), &harts[0]);
}

static void test_pick_prefers_last_hart_unless_another_is_lighter(void **state)
{
    uint32_t online = 0xf;
    struct thread *t = thread_prio(5, 1);
    t->hart = 2;
    assert_ptr_equal(rq_pick_hart(harts, online, t), &harts[2]); /* all idle: stays */
    rq_push(&harts[2], thread_prio(0, 1), false);
    assert_ptr_equal(rq_pick_hart(harts, online, t), &harts[0]); /* 2 is busier */
    t->affinity = 1u << 2;
    assert_ptr_equal(rq_pick_hart(harts, online, t), &harts[2]); /* only 2 allowed */
}

static void test_pick_ignores_offline_harts(void **state)
{
    struct thread *t = thread_prio(5, 1);
    t->affinity = 1u << 6; /* allows only a hart that is not online */
    assert_ptr_equal(rq_pick_hart(harts, 0x3, t), &harts[0]); /* any online hart */
    t->affinity = ALL_HARTS;
    t->hart = 6; /* last ran on a hart now offline */
    rq_push(&harts[0], thread_prio(0, 1), false);
    assert_ptr_equal(rq_pick_hart(harts, 0x3, t), &harts[1]);
}

static void test_steal_takes_highest_allowed(void **state)
{
    uint32_t online = 0x7;
    struct cpu *me = &harts[0];
    rq_push(&harts[1], thread_prio(0, 2), false);
    rq_push(&harts[1], thread_prio(1, 9), false);
    th[1].affinity = 1u << 1; /* pinned to hart 1: not stealable */
    rq_push(&harts[1], thread_prio(2, 7), false);
    struct thread *t = rq_steal(harts, online, me);
    assert_ptr_equal(t, &th[2]); /* the best hart 0 may run */
    assert_int_equal(harts[1].rq.count, 2);
    assert_ptr_equal(rq_steal(harts, online, me), &th[0]);
    assert_null(rq_steal(harts, online, me)); /* only the pinned one is left */
    assert_int_equal(harts[1].rq.count, 1);
}

static void test_steal_skips_self_and_offline(void **state)
{
    rq_push(&harts[0], thread_prio(0, 4), false);
    rq_push(&harts[5], thread_prio(1, 4), false);
    assert_null(rq_steal(harts, 0x3, &harts[0])); /* own queue, offline hart 5 */
    assert_ptr_equal(rq_steal(harts, 0x23, &harts[0]), &th[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_highest_priority_first_fifo_within, setup),
        cmocka_unit_test_setup(test_front_push_resumes_first, setup),
        cmocka_unit_test_setup(test_remove_keeps_bitmap_and_count, setup),
        cmocka_unit_test_setup(test_pick_least_loaded_allowed_hart, setup),
        cmocka_unit_test_setup(test_pick_prefers_last_hart_unless_another_is_lighter, setup),
        cmocka_unit_test_setup(test_pick_ignores_offline_harts, setup),
        cmocka_unit_test_setup(test_steal_takes_highest_allowed, setup),
        cmocka_unit_test_setup(test_steal_skips_self_and_offline, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
