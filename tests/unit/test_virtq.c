/* Host tests for servers/blk/virtq.c: descriptor chains, the available
 * ring, and used entries from a device the test plays, including one that
 * names ids it was never given, repeats them, claims more bytes than the
 * chain holds, or runs its used index far ahead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/blk/virtq.h"

#define QSIZE 16

static struct vq_desc desc[VQ_SIZE_MAX];
static struct vq_avail avail;
static struct vq_used used;
static struct virtq q;

static void setup_q(void)
{
    memset(desc, 0, sizeof(desc));
    memset(&avail, 0, sizeof(avail));
    memset(&used, 0, sizeof(used));
    assert_int_equal(virtq_init(&q, QSIZE, desc, &avail, &used), 0);
}

/* The device returns chain head with len bytes written. */
static void device_use(uint32_t id, uint32_t len)
{
    used.ring[used.idx % QSIZE].id = id;
    used.ring[used.idx % QSIZE].len = len;
    used.idx++;
}

static int chain3(uint32_t wlen)
{
    struct vq_seg s[3] = {{0x1000, 16, 0}, {0x2000, wlen, 1}, {0x3000, 1, 1}};

    return virtq_chain(&q, s, 3);
}

static void test_init_sizes(void **state)
{
    assert_int_equal(virtq_init(&q, 0, desc, &avail, &used), -1);
    assert_int_equal(virtq_init(&q, 12, desc, &avail, &used), -1);
    assert_int_equal(virtq_init(&q, 512, desc, &avail, &used), -1);
    assert_int_equal(virtq_init(&q, 256, desc, &avail, &used), 0);
    assert_int_equal(q.nfree, 256);
}

static void test_chain_links_and_flags(void **state)
{
    setup_q();
    int h = chain3(4096);

    assert_true(h >= 0);
    assert_int_equal(q.nfree, QSIZE - 3);
    const struct vq_desc *d0 = &desc[h];
    assert_int_equal(d0->addr, 0x1000);
    assert_int_equal(d0->flags, VQ_DESC_F_NEXT);
    const struct vq_desc *d1 = &desc[d0->next];
    assert_int_equal(d1->addr, 0x2000);
    assert_int_equal(d1->len, 4096);
    assert_int_equal(d1->flags, VQ_DESC_F_NEXT | VQ_DESC_F_WRITE);
    const struct vq_desc *d2 = &desc[d1->next];
    assert_int_equal(d2->addr, 0x3000);
    assert_int_equal(d2->flags, VQ_DESC_F_WRITE);
}

static void test_chain_refuses_when_short(void **state)
{
    struct vq_seg s[QSIZE + 1];

    setup_q();
    for (int i = 0; i < QSIZE + 1; i++)
        s[i] = (struct vq_seg){0x1000u * (uint64_t)i + 0x1000, 512, 0};
    assert_int_equal(virtq_chain(&q, s, QSIZE + 1), -1);
    assert_int_equal(virtq_chain(&q, s, 0), -1);
    s[1].len = 0;
    assert_int_equal(virtq_chain(&q, s, 2), -1);
    assert_int_equal(q.nfree, QSIZE);
    s[1].len = 512;
    assert_true(virtq_chain(&q, s, QSIZE) >= 0);
    assert_int_equal(q.nfree, 0);
    assert_int_equal(virtq_chain(&q, s, 1), -1);
}

static void test_publish_and_pop(void **state)
{
    uint16_t head;
    uint32_t len;
    int ok;

    setup_q();
    int h = chain3(4096);
    virtq_publish(&q, (uint16_t)h);
    assert_int_equal(avail.idx, 1);
    assert_int_equal(avail.ring[0], h);
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), 0);
    device_use((uint32_t)h, 4097);
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), 1);
    assert_int_equal(head, h);
    assert_int_equal(len, 4097);
    assert_true(ok);
    assert_int_equal(q.nfree, QSIZE);
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), 0);
}

/* Chains freed out of order are all reusable: the free list stays whole. */
static void test_out_of_order_reuse(void **state)
{
    uint16_t head;
    uint32_t len;
    int ok, h[5];

    setup_q();
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 5; i++) {
            h[i] = chain3(512);
            assert_true(h[i] >= 0);
            virtq_publish(&q, (uint16_t)h[i]);
        }
        for (int i = 4; i >= 0; i -= 2)
            device_use((uint32_t)h[i], 513);
        for (int i = 3; i >= 0; i -= 2)
            device_use((uint32_t)h[i], 513);
        for (int i = 0; i < 5; i++)
            assert_int_equal(virtq_pop(&q, &head, &len, &ok), 1);
        assert_int_equal(q.nfree, QSIZE);
    }
}

static void test_bad_ids_dropped(void **state)
{
    uint16_t head;
    uint32_t len;
    int ok;

    setup_q();
    int h = chain3(512);
    virtq_publish(&q, (uint16_t)h);
    device_use(QSIZE + 3, 1);       /* out of range */
    device_use(0xffffffffu, 1);     /* far out of range */
    device_use((uint32_t)h + 1, 1); /* inside a chain, not its head */
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), -1);
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), -1);
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), -1);
    assert_int_equal(q.bad, 3);
    assert_int_equal(q.nfree, QSIZE - 3);
    device_use((uint32_t)h, 513);
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), 1);
    /* The same id again, after it was returned: not in flight any more. */
    device_use((uint32_t)h, 513);
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), -1);
    assert_int_equal(q.nfree, QSIZE);
}

static void test_bad_length_flagged(void **state)
{
    uint16_t head;
    uint32_t len;
    int ok;

    setup_q();
    int h = chain3(512);
    virtq_publish(&q, (uint16_t)h);
    device_use((uint32_t)h, 514); /* one byte more than the chain can take */
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), 1);
    assert_false(ok);
    assert_int_equal(q.bad, 1);
    h = chain3(512);
    virtq_publish(&q, (uint16_t)h);
    device_use((uint32_t)h, 0xffffffffu);
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), 1);
    assert_false(ok);
}

static void test_used_index_runs_ahead(void **state)
{
    uint16_t head;
    uint32_t len;
    int ok;

    setup_q();
    used.idx = QSIZE + 1;
    assert_int_equal(virtq_pop(&q, &head, &len, &ok), -2);
}

static void test_index_wraps(void **state)
{
    uint16_t head;
    uint32_t len;
    int ok;

    setup_q();
    q.avail_idx = 0xfffe;
    avail.idx = 0xfffe;
    q.used_seen = 0xfffe;
    used.idx = 0xfffe;
    for (int i = 0; i < 4; i++) {
        int h = chain3(512);

        virtq_publish(&q, (uint16_t)h);
        device_use((uint32_t)h, 513);
        assert_int_equal(virtq_pop(&q, &head, &len, &ok), 1);
        assert_int_equal(head, h);
    }
    assert_int_equal(avail.idx, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_sizes),
        cmocka_unit_test(test_chain_links_and_flags),
        cmocka_unit_test(test_chain_refuses_when_short),
        cmocka_unit_test(test_publish_and_pop),
        cmocka_unit_test(test_out_of_order_reuse),
        cmocka_unit_test(test_bad_ids_dropped),
        cmocka_unit_test(test_bad_length_flagged),
        cmocka_unit_test(test_used_index_runs_ahead),
        cmocka_unit_test(test_index_wraps),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
