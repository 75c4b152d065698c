/* Host tests for servers/console/ldisc.c: what a user typing at the
 * console sees echoed and what a program reading it gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ldisc.h"

static struct ldisc ld;
static uint8_t echo_buf[4096];
static struct ld_echo echo;

static int setup(void **state)
{
    ld_init(&ld);
    echo = (struct ld_echo){echo_buf, 0, sizeof(echo_buf)};
    return 0;
}

/* Type a string; returns the OR of ld_input's results. */
static unsigned type(const char *s)
{
    unsigned what = 0;

    for (; *s; s++)
        what |= ld_input(&ld, (uint8_t)*s, &echo);
    return what;
}

static void assert_echo(const char *want)
{
    assert_int_equal(echo.len, strlen(want));
    assert_memory_equal(echo_buf, want, echo.len);
    echo.len = 0;
}

/* Read with an n-byte buffer and check what comes (want NULL: must wait). */
static void assert_read(size_t n, const char *want)
{
    uint8_t buf[1024];
    long r = ld_read(&ld, buf, n);

    if (!want) {
        assert_int_equal(r, LD_WAIT);
        return;
    }
    assert_int_equal(r, (long)strlen(want));
    assert_memory_equal(buf, want, (size_t)r);
}

static void test_line_waits_for_newline(void **state)
{
    assert_int_equal(type("hello") & LD_READABLE, 0);
    assert_false(ld_readable(&ld, 100));
    assert_read(100, NULL);
    assert_true(type("\r") & LD_READABLE); /* CR arrives as NL (ICRNL) */
    assert_echo("hello\r\n");              /* and echoes CR NL (ONLCR) */
    assert_read(100, "hello\n");
    assert_read(100, NULL);
}

static void test_one_line_per_read(void **state)
{
    type("ab\ncd\n");
    assert_read(100, "ab\n");
    assert_read(100, "cd\n");
}

static void test_short_buffer_takes_line_in_pieces(void **state)
{
    type("abcdef\n");
    assert_read(4, "abcd");
    assert_read(4, "ef\n");
    assert_read(4, NULL);
}

static void test_backspace_and_delete_erase(void **state)
{
    type("abx\b");
    assert_echo("abx\b \b");
    type("y\x7f\x7f"
         "c\n");
    assert_echo("y\b \b\b \bc\r\n");
    assert_read(100, "ac\n");
}

static void test_backspace_at_line_start_does_nothing(void **state)
{
    type("\b\x7f"
         "a\n");
    assert_echo("a\r\n");
    assert_read(100, "a\n");
}

static void test_kill_erases_the_line(void **state)
{
    type("abc\x15");
    assert_echo("abc\b \b\b \b\b \b");
    type("xy\n");
    assert_read(100, "xy\n");
}

static void test_eof_at_line_start(void **state)
{
    assert_true(type("\x04") & LD_READABLE);
    assert_echo(""); /* ^D is not echoed */
    assert_read(100, "");
    assert_read(100, NULL); /* one end of file per ^D */
}

static void test_eof_mid_line_ends_read_without_newline(void **state)
{
    type("abc\x04");
    assert_read(100, "abc");
    assert_read(100, NULL);
    type("\x04");
    assert_read(100, "");
}

static void test_interrupt_discards_input(void **state)
{
    type("done\nhalf");
    assert_true(type("\x03") & LD_INTR);
    assert_echo("done\r\nhalf^C\r\n");
    assert_read(100, NULL);
    type("next\n");
    assert_read(100, "next\n");
}

static void test_no_isig_passes_ctrl_c(void **state)
{
    ld_set_mode(&ld, CONSOLE_M_DEFAULT & ~CONSOLE_M_ISIG, 1, 0);
    assert_int_equal(type("\x03\n") & LD_INTR, 0);
    assert_read(100, "\x03\n");
}

static void test_no_echo(void **state)
{
    ld_set_mode(&ld, CONSOLE_M_DEFAULT & ~CONSOLE_M_ECHO, 1, 0);
    type("secret\n");
    assert_echo("");
    assert_read(100, "secret\n");
}

static void test_raw_vmin(void **state)
{
    ld_set_mode(&ld, CONSOLE_M_ONLCR, 3, 0);
    type("a\x04");
    assert_false(ld_readable(&ld, 100));
    assert_true(ld_readable(&ld, 2)); /* a smaller buffer is satisfied */
    assert_read(100, NULL);
    type("\r");
    assert_read(100, "a\x04\r"); /* no ICRNL: CR stays */
}

static void test_raw_vmin_zero_returns_at_once(void **state)
{
    ld_set_mode(&ld, 0, 0, 0);
    assert_true(ld_readable(&ld, 10));
    assert_read(10, "");
    type("q");
    assert_read(10, "q");
}

static void test_raw_erase_is_data(void **state)
{
    ld_set_mode(&ld, CONSOLE_M_ECHO, 1, 0);
    type("x\x7f");
    assert_read(10, "x\x7f");
}

static void test_cooked_to_raw_keeps_partial_line(void **state)
{
    type("one\ntw");
    ld_set_mode(&ld, 0, 1, 0);
    assert_read(100, "one\ntw");
}

static void test_raw_to_cooked_makes_a_record(void **state)
{
    ld_set_mode(&ld, 0, 1, 0);
    type("xy");
    ld_set_mode(&ld, CONSOLE_M_DEFAULT, 1, 0);
    assert_read(100, "xy");
    assert_read(100, NULL);
}

static void test_long_line_is_cut_with_bell(void **state)
{
    for (unsigned i = 0; i < LD_EDIT_MAX + 10; i++)
        ld_input(&ld, 'z', &echo);
    assert_int_equal(echo_buf[echo.len - 1], '\a');
    type("\n");
    {
        uint8_t buf[LD_EDIT_MAX + 16];
        long r = ld_read(&ld, buf, sizeof(buf));

        assert_int_equal(r, LD_EDIT_MAX);
        assert_int_equal(buf[r - 1], '\n');
    }
}

static void test_full_input_drops_lines_not_memory(void **state)
{
    /* Lines nobody reads fill the queue; later ones are refused. */
    unsigned dropped = 0;

    for (int i = 0; i < 200; i++)
        dropped |= type("0123456789\n") & LD_DROPPED;
    assert_true(dropped);
    for (int i = 0; i < (int)LD_RECORDS; i++) {
        uint8_t buf[32];

        if (ld_read(&ld, buf, sizeof(buf)) == LD_WAIT)
            break;
        assert_memory_equal(buf, "0123456789\n", 11);
    }
    /* Room again: new lines go through. */
    ld_flush_input(&ld);
    type("ok\n");
    assert_read(100, "ok\n");
}

static void test_echo_overflow_is_bounded(void **state)
{
    uint8_t tiny[4];
    struct ld_echo e = {tiny, 0, sizeof(tiny)};

    for (const char *s = "abcdefgh"; *s; s++)
        ld_input(&ld, (uint8_t)*s, &e);
    assert_int_equal(e.len, sizeof(tiny));
    assert_memory_equal(tiny, "abcd", 4);
}

#define T LD_VTIME_NS /* one VTIME unit (0.1 s) in ns */

static void assert_expired(size_t n, const char *want)
{
    uint8_t buf[1024];
    long r = ld_read_expired(&ld, buf, n);

    assert_int_equal(r, (long)strlen(want));
    assert_memory_equal(buf, want, (size_t)r);
}

static void test_vmin0_vtime0_polls(void **state)
{
    ld_set_mode(&ld, 0, 0, 0);
    assert_int_equal(ld_read_deadline(&ld, 1000, 0), LD_NO_DEADLINE);
    assert_read(10, ""); /* nothing there: 0 at once */
    type("ab");
    assert_read(1, "a");
    assert_read(10, "b");
}

static void test_vmin0_vtime_is_a_read_timeout(void **state)
{
    ld_set_mode(&ld, 0, 0, 5);
    /* Nothing there: the read waits, for 5 tenths from its start. */
    assert_false(ld_readable(&ld, 10));
    assert_read(10, NULL);
    assert_int_equal(ld_read_deadline(&ld, 1000, 0), 1000 + 5 * T);
    /* The timer does not move with input. */
    assert_int_equal(ld_read_deadline(&ld, 1000, 1000 + 3 * T), 1000 + 5 * T);
    /* It ran out: 0 bytes. */
    assert_expired(10, "");
    /* One byte is enough, before the timer ends. */
    type("x");
    assert_true(ld_readable(&ld, 10));
    assert_read(10, "x");
}

static void test_vmin_vtime_inter_byte_timer(void **state)
{
    ld_set_mode(&ld, 0, 4, 2);
    /* No byte yet: no timer, the read waits for the first one. */
    assert_int_equal(ld_read_deadline(&ld, 1000, 0), LD_NO_DEADLINE);
    assert_false(ld_readable(&ld, 10));
    type("a");
    /* The timer starts at the byte and restarts at each one. */
    assert_int_equal(ld_read_deadline(&ld, 1000, 5000), 5000 + 2 * T);
    type("b");
    assert_int_equal(ld_read_deadline(&ld, 1000, 9000), 9000 + 2 * T);
    assert_read(10, NULL); /* 2 of VMIN 4: still waits */
    assert_expired(10, "ab");
    /* Bytes there before the read: its timer starts with the read. */
    type("c");
    assert_int_equal(ld_read_deadline(&ld, 20000, 100), 20000 + 2 * T);
    /* VMIN bytes end it at once, and a smaller buffer sooner. */
    assert_true(ld_readable(&ld, 1));
    type("def");
    assert_true(ld_readable(&ld, 10));
    assert_read(3, "cde");
    assert_expired(1, "f");
    assert_expired(1, "");
}

static void test_vtime_ignored_in_cooked_mode(void **state)
{
    ld_set_mode(&ld, CONSOLE_M_DEFAULT, 1, 9);
    type("ab");
    assert_int_equal(ld_read_deadline(&ld, 1000, 2000), LD_NO_DEADLINE);
    assert_read(10, NULL);
    type("\n");
    assert_expired(10, "ab\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_line_waits_for_newline, setup),
        cmocka_unit_test_setup(test_one_line_per_read, setup),
        cmocka_unit_test_setup(test_short_buffer_takes_line_in_pieces, setup),
        cmocka_unit_test_setup(test_backspace_and_delete_erase, setup),
        cmocka_unit_test_setup(test_backspace_at_line_start_does_nothing, setup),
        cmocka_unit_test_setup(test_kill_erases_the_line, setup),
        cmocka_unit_test_setup(test_eof_at_line_start, setup),
        cmocka_unit_test_setup(test_eof_mid_line_ends_read_without_newline, setup),
        cmocka_unit_test_setup(test_interrupt_discards_input, setup),
        cmocka_unit_test_setup(test_no_isig_passes_ctrl_c, setup),
        cmocka_unit_test_setup(test_no_echo, setup),
        cmocka_unit_test_setup(test_raw_vmin, setup),
        cmocka_unit_test_setup(test_raw_vmin_zero_returns_at_once, setup),
        cmocka_unit_test_setup(test_raw_erase_is_data, setup),
        cmocka_unit_test_setup(test_cooked_to_raw_keeps_partial_line, setup),
        cmocka_unit_test_setup(test_raw_to_cooked_makes_a_record, setup),
        cmocka_unit_test_setup(test_long_line_is_cut_with_bell, setup),
        cmocka_unit_test_setup(test_full_input_drops_lines_not_memory, setup),
        cmocka_unit_test_setup(test_echo_overflow_is_bounded, setup),
        cmocka_unit_test_setup(test_vmin0_vtime0_polls, setup),
        cmocka_unit_test_setup(test_vmin0_vtime_is_a_read_timeout, setup),
        cmocka_unit_test_setup(test_vmin_vtime_inter_byte_timer, setup),
        cmocka_unit_test_setup(test_vtime_ignored_in_cooked_mode, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
