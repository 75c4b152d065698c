/* Host tests for servers/console/outq.c: clients' output reaches the wire
 * in whole lines, never two clients' bytes inside one line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "outq.h"

static struct outq q;
static struct outline a, b;

static int setup(void **state)
{
    memset(&q, 0, sizeof(q));
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    return 0;
}

static size_t feed(struct outline *l, const char *s, int onlcr)
{
    return outq_feed(&q, l, (const uint8_t *)s, strlen(s), onlcr);
}

/* Take everything queued, as the UART would. */
static size_t wire(char *out, size_t cap)
{
    size_t len = 0;

    for (;;) {
        uint32_t n;
        const uint8_t *p = outq_peek(&q, &n);

        if (n == 0)
            break;
        assert_true(len + n <= cap);
        memcpy(out + len, p, n);
        len += n;
        outq_consume(&q, n);
    }
    out[len] = 0;
    return len;
}

static void assert_wire(const char *want)
{
    char got[OUTQ_SIZE + 1];

    wire(got, sizeof(got) - 1);
    assert_string_equal(got, want);
}

static void test_partial_lines_wait(void **state)
{
    assert_int_equal(feed(&a, "hel", 0), 3);
    assert_wire("");
    feed(&a, "lo\nwor", 0);
    assert_wire("hello\n");
    feed(&a, "ld\n", 0);
    assert_wire("world\n");
}

static void test_two_clients_never_mix_inside_a_line(void **state)
{
    feed(&a, "AAAA", 0);
    feed(&b, "BB", 0);
    feed(&b, "BB\n", 0);
    feed(&a, "AAAA\n", 0);
    assert_wire("BBBB\nAAAAAAAA\n");
}

static void test_onlcr(void **state)
{
    feed(&a, "x\ny\n", 1);
    assert_wire("x\r\ny\r\n");
}

static void test_commit_flushes_partial(void **state)
{
    feed(&a, "prompt> ", 0);
    a.full = 1;
    assert_int_equal(outq_commit(&q, &a, 0), 0);
    assert_wire("prompt> ");
    assert_int_equal(a.len, 0);
}

static void test_long_line_is_cut_at_the_limit(void **state)
{
    char line[CONSOLE_LINE_MAX + 11];
    char want[CONSOLE_LINE_MAX + 1];

    memset(line, 'x', sizeof(line) - 1);
    line[sizeof(line) - 1] = 0;
    assert_int_equal(feed(&a, line, 0), sizeof(line) - 1);
    memset(want, 'x', CONSOLE_LINE_MAX);
    want[CONSOLE_LINE_MAX] = 0;
    assert_wire(want);
    assert_int_equal(a.len, 10);
}

static void test_full_queue_keeps_the_line_whole(void **state)
{
    char line[101], bline[101];
    int lines = 0;

    memset(line, 'q', 99);
    line[99] = '\n';
    line[100] = 0;
    memset(bline, 'b', 99);
    bline[99] = '\n';
    bline[100] = 0;
    while (feed(&a, line, 0) == 100 && !a.full)
        lines++;
    /* The queue is full: a's last line waits in a, whole. */
    assert_true(a.full);
    assert_int_equal(a.len, 100);
    assert_int_equal(outq_used(&q), (uint32_t)lines * 100);
    assert_true(outq_room(&q) < 100);
    /* b's line waits in b's buffer, not half in the queue. */
    assert_int_equal(feed(&b, bline, 0), 100);
    assert_true(b.full);
    assert_int_equal(outq_used(&q), (uint32_t)lines * 100);
    /* The UART takes some: both lines go in, each whole. */
    outq_consume(&q, 1000);
    assert_int_equal(outq_commit(&q, &a, 0), 0);
    assert_int_equal(outq_commit(&q, &b, 0), 0);
    {
        char got[OUTQ_SIZE + 1];
        size_t n = wire(got, sizeof(got) - 1);

        assert_int_equal(n % 100, 0);
        assert_memory_equal(got + n - 100, bline, 100);
        assert_memory_equal(got + n - 200, line, 100);
    }
}

static void test_wraps_around(void **state)
{
    char line[64], got[OUTQ_SIZE + 1];

    for (int i = 0; i < 1000; i++) {
        int n = snprintf(line, sizeof(line), "line %d\n", i);

        assert_int_equal(feed(&a, line, 1), (size_t)n);
        wire(got, sizeof(got) - 1);
        line[n - 1] = 0;
        strcat(line, "\r\n");
        assert_string_equal(got, line);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_partial_lines_wait, setup),
        cmocka_unit_test_setup(test_two_clients_never_mix_inside_a_line, setup),
        cmocka_unit_test_setup(test_onlcr, setup),
        cmocka_unit_test_setup(test_commit_flushes_partial, setup),
        cmocka_unit_test_setup(test_long_line_is_cut_at_the_limit, setup),
        cmocka_unit_test_setup(test_full_queue_keeps_the_line_whole, setup),
        cmocka_unit_test_setup(test_wraps_around, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
