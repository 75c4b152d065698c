/* Host tests for libos/ring.[ch]: the SPSC descriptor rings of an IPC
 * connection and the tag table that matches completions to requests. The
 * rings live in an ordinary struct here, with both ends driven by the test;
 * "the peer" scribbling on shared indices is the test writing to them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../libos/ring.h"

struct shared {
    struct ipc_header hdr;
    struct ipc_slot slot[RING_SLOTS];
};

static struct shared sh;
static struct ring_prod prod;
static struct ring_cons cons;

static void attach(uint32_t start)
{
    memset(&sh, 0, sizeof(sh));
    sh.hdr.req_tail.value = start;
    sh.hdr.req_head.value = start;
    ring_prod_init(&prod, sh.slot, &sh.hdr.req_tail, &sh.hdr.req_head, start);
    ring_cons_init(&cons, sh.slot, &sh.hdr.req_tail, &sh.hdr.req_head, start);
}

static struct ipc_slot make(uint32_t n)
{
    struct ipc_slot s;

    memset(&s, 0, sizeof(s));
    s.opcode = (uint16_t)(n & 0xffff);
    s.tag = n;
    s.offset = (uint64_t)n << 32 | n;
    s.timestamp = ~(uint64_t)n;
    s.arg = n * 7u;
    return s;
}

static void test_push_pop_roundtrip(void **state)
{
    struct ipc_slot in = make(5), out;

    attach(0);
    assert_int_equal(ring_pop(&cons, &out), CHIME_EAGAIN);
    assert_int_equal(ring_push(&prod, &in), 0);
    assert_int_equal(sh.hdr.req_tail.value, 1);
    assert_int_equal(ring_avail(&cons), 1);
    assert_int_equal(ring_pop(&cons, &out), 0);
    assert_memory_equal(&in, &out, sizeof(in));
    assert_int_equal(sh.hdr.req_head.value, 1);
    assert_int_equal(ring_pop(&cons, &out), CHIME_EAGAIN);
    assert_int_equal(ring_avail(&cons), 0);
}

static void test_full_and_empty(void **state)
{
    struct ipc_slot s = make(1), out;

    attach(0);
    for (uint32_t i = 0; i < RING_SLOTS; i++) {
        s = make(i);
        assert_int_equal(ring_push(&prod, &s), 0);
    }
    assert_int_equal(ring_space(&prod), 0);
    assert_int_equal(ring_push(&prod, &s), CHIME_EAGAIN);
    assert_int_equal(sh.hdr.req_tail.value, RING_SLOTS); /* nothing published */
    assert_int_equal(ring_pop(&cons, &out), 0);
    assert_int_equal(out.tag, 0);
    s = make(RING_SLOTS);
    assert_int_equal(ring_push(&prod, &s), 0);
    for (uint32_t i = 1; i <= RING_SLOTS; i++) {
        assert_int_equal(ring_pop(&cons, &out), 0);
        assert_int_equal(out.tag, i);
    }
    assert_int_equal(ring_pop(&cons, &out), CHIME_EAGAIN);
    assert_int_equal(ring_space(&prod), RING_SLOTS);
}

/* Free-running 32-bit indices: crossing 2^32 changes nothing. */
static void test_index_wrap(void **state)
{
    struct ipc_slot s, out;
    uint32_t pushed = 0, popped = 0;

    attach(0xffffffffu - 100);
    while (popped < 1000) {
        /* Uneven batches so the wrap happens at every fill level. */
        for (uint32_t k = 0; k < (popped % 7) + 1 && pushed - popped < RING_SLOTS; k++) {
            s = make(pushed++);
            assert_int_equal(ring_push(&prod, &s), 0);
        }
        for (uint32_t k = 0; k < (pushed % 5) + 1 && popped < pushed; k++) {
            assert_int_equal(ring_pop(&cons, &out), 0);
            assert_int_equal(out.tag, popped);
            assert_int_equal(out.arg, popped * 7u);
            popped++;
        }
    }
    assert_true(sh.hdr.req_tail.value < 1000); /* it did wrap */
}

/* A tail the producer could not have written: more than slots ahead, or
 * behind the consumer. The consumer ignores the ring and copies nothing. */
static void test_corrupt_tail(void **state)
{
    struct ipc_slot s = make(9), out, before;
    const volatile struct ipc_slot *peeked;

    attach(10);
    assert_int_equal(ring_push(&prod, &s), 0);
    memset(&out, 0xa5, sizeof(out));
    before = out;

    sh.hdr.req_tail.value = 10 + RING_SLOTS + 1;
    assert_int_equal(ring_pop(&cons, &out), CHIME_ERANGE);
    assert_int_equal(ring_avail(&cons), CHIME_ERANGE);
    assert_false(ring_peek(&cons, &peeked)); /* nothing to take */
    sh.hdr.req_tail.value = 9;               /* behind our head */
    assert_int_equal(ring_pop(&cons, &out), CHIME_ERANGE);
    sh.hdr.req_tail.value = 0x80000000u;
    assert_int_equal(ring_pop(&cons, &out), CHIME_ERANGE);
    assert_memory_equal(&out, &before, sizeof(out));
    assert_int_equal(sh.hdr.req_head.value, 10);

    /* Exactly slots ahead is a full ring, not corruption. */
    sh.hdr.req_tail.value = 10 + RING_SLOTS;
    assert_int_equal(ring_avail(&cons), RING_SLOTS);

    /* Once the peer writes a sane value again the ring works. */
    sh.hdr.req_tail.value = 11;
    attach(10);
    assert_int_equal(ring_push(&prod, &s), 0);
    assert_int_equal(ring_pop(&cons, &out), 0);
    assert_int_equal(out.tag, 9);
}

/* A head the consumer could not have written: ahead of our tail, or more
 * than slots behind. The producer writes nothing. */
static void test_corrupt_head(void **state)
{
    struct ipc_slot s = make(3);
    struct shared copy;

    attach(0);
    sh.hdr.req_head.value = 5; /* ahead of tail 0 */
    copy = sh;
    assert_int_equal(ring_push(&prod, &s), CHIME_ERANGE);
    assert_int_equal(ring_space(&prod), CHIME_ERANGE);
    assert_memory_equal(&sh, &copy, sizeof(sh));

    sh.hdr.req_head.value = 0;
    for (uint32_t i = 0; i < RING_SLOTS; i++)
        assert_int_equal(ring_push(&prod, &s), 0);
    sh.hdr.req_head.value = (uint32_t)-1; /* 65 behind */
    assert_int_equal(ring_push(&prod, &s), CHIME_ERANGE);
    assert_int_equal(sh.hdr.req_tail.value, RING_SLOTS);
}

/* A consumer that advances its head is seen; a stale cached head only ever
 * makes the producer reload, never overwrite an unread slot. */
static void test_producer_sees_progress(void **state)
{
    struct ipc_slot s = make(0), out;

    attach(0);
    for (uint32_t i = 0; i < RING_SLOTS; i++)
        assert_int_equal(ring_push(&prod, &s), 0);
    assert_int_equal(ring_push(&prod, &s), CHIME_EAGAIN);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ring_pop(&cons, &out), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ring_push(&prod, &s), 0);
    assert_int_equal(ring_push(&prod, &s), CHIME_EAGAIN);
}

static void test_push_in_place(void **state)
{
    volatile struct ipc_slot *slot;
    struct ipc_slot out;

    attach(0);
    slot = ring_push_begin(&prod);
    assert_non_null(slot);
    slot->tag = 77;
    slot->length = 4096;
    assert_int_equal(ring_pop(&cons, &out), CHIME_EAGAIN); /* not committed */
    ring_push_commit(&prod);
    assert_int_equal(ring_pop(&cons, &out), 0);
    assert_int_equal(out.tag, 77);
    assert_int_equal(out.length, 4096);

    for (uint32_t i = 1; i < RING_SLOTS; i++) {
        assert_non_null(ring_push_begin(&prod));
        ring_push_commit(&prod);
    }
    assert_non_null(ring_push_begin(&prod)); /* one was popped */
    ring_push_commit(&prod);
    assert_null(ring_push_begin(&prod));
}

static void test_tags(void **state)
{
    struct ring_tags t;
    uint32_t tags[RING_SLOTS];
    uint64_t seen = 0;

    ring_tags_init(&t);
    assert_int_equal(RING_SLOTS - t.nfree, 0);
    for (uint32_t i = 0; i < RING_SLOTS; i++) {
        long tag = ring_tag_alloc(&t);

        assert_true(tag >= 0);
        assert_false((uint32_t)tag & RING_TAG_SYNC);
        tags[i] = (uint32_t)tag;
        assert_int_equal(ring_tag_find(&t, tags[i]), RING_TAG_INDEX(tags[i]));
        assert_false((seen >> RING_TAG_INDEX(tags[i])) & 1);
        seen |= 1ull << RING_TAG_INDEX(tags[i]);
    }
    assert_int_equal(ring_tag_alloc(&t), CHIME_EAGAIN);
    assert_int_equal(RING_SLOTS - t.nfree, RING_SLOTS);

    /* A completed tag is stale: a duplicate completion finds nothing. */
    ring_tag_free(&t, RING_TAG_INDEX(tags[3]));
    assert_int_equal(ring_tag_find(&t, tags[3]), CHIME_ENOENT);
    ring_tag_free(&t, RING_TAG_INDEX(tags[3])); /* double free: no effect */
    assert_int_equal(RING_SLOTS - t.nfree, RING_SLOTS - 1);

    /* The slot's next tag differs from the stale one. */
    {
        long again = ring_tag_alloc(&t);

        assert_true(again >= 0);
        assert_int_equal(RING_TAG_INDEX((uint32_t)again), RING_TAG_INDEX(tags[3]));
        assert_int_not_equal((uint32_t)again, tags[3]);
        assert_int_equal(ring_tag_find(&t, tags[3]), CHIME_ENOENT);
    }

    /* Invented tags: sync bit, wrong generation. */
    assert_int_equal(ring_tag_find(&t, tags[5] | RING_TAG_SYNC), CHIME_ENOENT);
    assert_int_equal(ring_tag_find(&t, tags[5] + RING_SLOTS), CHIME_ENOENT);
    assert_int_equal(ring_tag_find(&t, 0), CHIME_ENOENT);
    assert_int_equal(ring_tag_find(&t, 0xffffffffu), CHIME_ENOENT);
}

/* Generations wrap without ever producing a sync-looking or zero tag. */
static void test_tag_generation_wrap(void **state)
{
    struct ring_tags t;

    ring_tags_init(&t);
    t.gen[0] = (RING_TAG_SYNC >> RING_TAG_BITS) - 2;
    for (int i = 0; i < 4; i++) {
        long tag = ring_tag_alloc(&t);

        assert_int_equal(RING_TAG_INDEX((uint32_t)tag), 0);
        assert_false((uint32_t)tag & RING_TAG_SYNC);
        assert_int_not_equal((uint32_t)tag >> RING_TAG_BITS, 0);
        assert_int_equal(ring_tag_find(&t, (uint32_t)tag), 0);
        ring_tag_free(&t, 0);
    }
}

/* The fastpath steps: peek in place, take privately, release later; a peek
 * never believes a tail more than RING_SLOTS ahead. */
static void test_peek_take_release(void **state)
{
    const volatile struct ipc_slot *slot = NULL;
    struct ipc_slot in = make(9);

    attach(RING_SLOTS - 1); /* the indices wrap during the test */
    assert_false(ring_peek(&cons, &slot));
    assert_int_equal(ring_push(&prod, &in), 0);
    assert_true(ring_peek(&cons, &slot));
    assert_int_equal(slot->tag, 9);
    ring_take(&cons);
    /* Taken but not released: the producer still sees the slot in use. */
    assert_int_equal(sh.hdr.req_head.value, RING_SLOTS - 1);
    assert_true(ring_prod_unread(&prod));
    assert_int_equal(ring_space(&prod), RING_SLOTS - 1);
    ring_release(&cons);
    assert_int_equal(sh.hdr.req_head.value, RING_SLOTS);
    assert_false(ring_prod_unread(&prod));
    assert_int_equal(ring_space(&prod), RING_SLOTS);
    assert_false(ring_peek(&cons, &slot));
    /* A corrupt tail: nothing to peek, and the cached tail is not moved. */
    sh.hdr.req_tail.value = cons.next + RING_SLOTS + 1;
    assert_false(ring_peek(&cons, &slot));
    assert_int_equal(cons.tail_seen, RING_SLOTS);
    sh.hdr.req_tail.value = cons.next + RING_SLOTS;
    assert_true(ring_peek(&cons, &slot));
}

/* One side's two rings, published together: the consumer's head of one and
 * the producer's tail of the other, and the tail read with a second word. */
static void test_pair(void **state)
{
    static struct shared other;
    struct ring_prod cpl_prod;
    struct ring_cons cpl_cons;
    struct ring_pair pub;
    struct ipc_slot in = make(3), out;
    uint32_t word = 77, seen = 0;

    attach(0);
    memset(&other, 0, sizeof(other));
    ring_prod_init(&cpl_prod, other.slot, &other.hdr.cpl_tail, &other.hdr.cpl_head, 0);
    ring_cons_init(&cpl_cons, other.slot, &other.hdr.cpl_tail, &other.hdr.cpl_head, 0);
    assert_int_equal(ring_push(&prod, &in), 0);

    /* "Server": read the request tail with another word, answer in place. */
    assert_int_equal(ring_load_pair(&cons, &word, &seen), 1);
    assert_int_equal(seen, 77);
    assert_true(ring_some_valid(1));
    assert_false(ring_some_valid(0));
    assert_false(ring_some_valid(RING_SLOTS + 1));
    assert_true(ring_count_valid(RING_SLOTS));
    assert_false(ring_count_valid(RING_SLOTS + 1));
    ring_copy_out(ring_prod_slot(&cpl_prod), &in);
    ring_take(&cons);
    ring_prod_advance(&cpl_prod);
    pub = ring_pair_of(&cons, &cpl_prod);
    /* Nothing is visible before the publish... */
    assert_int_equal(sh.hdr.req_head.value, 0);
    assert_int_equal(other.hdr.cpl_tail.value, 0);
    ring_publish_pair(pub);
    /* ...and both indices are after it. */
    assert_int_equal(sh.hdr.req_head.value, 1);
    assert_int_equal(other.hdr.cpl_tail.value, 1);
    ring_forget_tail(&cons);
    assert_int_equal(ring_pop(&cons, &out), CHIME_EAGAIN);
    assert_int_equal(ring_pop(&cpl_cons, &out), 0);
    assert_memory_equal(&in, &out, sizeof(in));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_pop_roundtrip),
        cmocka_unit_test(test_full_and_empty),
        cmocka_unit_test(test_index_wrap),
        cmocka_unit_test(test_corrupt_tail),
        cmocka_unit_test(test_corrupt_head),
        cmocka_unit_test(test_producer_sees_progress),
        cmocka_unit_test(test_push_in_place),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_tag_generation_wrap),
        cmocka_unit_test(test_peek_take_release),
        cmocka_unit_test(test_pair),
    };

    return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
