/* sh: the interactive line editor.
 *
 * The terminal is put in raw mode (no echo, no line discipline, no signals
 * from keys) only while a line is being read, and back in the mode it had
 * before the command runs. Keys: printable characters insert; Backspace
 * deletes left, Delete and ^D (on a non-empty line) delete under the cursor;
 * Left/Right, Home/End, ^A/^E move; ^U/^K kill to the start/end; Up/Down walk
 * the history; ^C drops the line; ^D on an empty line is end of input.
 * The screen is redrawn as "\r prompt line ESC[K" with the cursor moved
 * back, which every VT100-like terminal understands. */
#include "sh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define HISTORY_MAX 100

static char *history[HISTORY_MAX];
static int history_n;

static struct termios saved_mode;
static int raw_on;

static void out(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(2, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void outs(const char *s)
{
    out(s, strlen(s));
}

static int raw_enter(void)
{
    struct termios t;

    if (tcgetattr(0, &saved_mode) < 0)
        return -1;
    t = saved_mode;
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
    t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IXON);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(0, TCSADRAIN, &t) < 0)
        return -1;
    raw_on = 1;
    return 0;
}

void edit_restore(void)
{
    if (raw_on) {
        tcsetattr(0, TCSADRAIN, &saved_mode);
        raw_on = 0;
    }
}

static int read_key(void)
{
    unsigned char c;

    for (;;) {
        ssize_t n = read(0, &c, 1);
        if (n == 1)
            return c;
        if (n < 0 && errno == EINTR)
            continue;
        return -1;
    }
}

enum key {
    K_UP = 1000,
    K_DOWN,
    K_LEFT,
    K_RIGHT,
    K_HOME,
    K_END,
    K_DELETE,
    K_NONE,
};

/* Decodes an escape sequence after ESC: "[A", "OH", "[3~", ... */
static int read_escape(void)
{
    int c = read_key();

    if (c != '[' && c != 'O')
        return K_NONE;
    int d = read_key(), num = 0;
    while (d >= '0' && d <= '9') {
        num = num * 10 + (d - '0');
        d = read_key();
    }
    switch (d) {
    case 'A':
        return K_UP;
    case 'B':
        return K_DOWN;
    case 'C':
        return K_RIGHT;
    case 'D':
        return K_LEFT;
    case 'H':
        return K_HOME;
    case 'F':
        return K_END;
    case '~':
        return num == 1 || num == 7   ? K_HOME
               : num == 4 || num == 8 ? K_END
               : num == 3             ? K_DELETE
                                      : K_NONE;
    default:
        return K_NONE;
    }
}

static void redraw(const char *prompt, const struct strbuf *line, size_t cursor)
{
    struct strbuf b = {0};

    sb_adds(&b, "\r");
    sb_adds(&b, prompt);
    sb_addn(&b, line->s, line->len);
    sb_adds(&b, "\033[K");
    if (cursor < line->len) {
        char move[24];
        size_t back = line->len - cursor;
        int n = 0;
        for (size_t v = back; v > 0; v /= 10)
            n++;
        move[0] = '\033';
        move[1] = '[';
        for (int i = n - 1; i >= 0; i--, back /= 10)
            move[2 + i] = (char)('0' + back % 10);
        move[2 + n] = 'D';
        sb_addn(&b, move, (size_t)n + 3);
    }
    out(b.s, b.len);
    sb_free(&b);
}

static void set_line(struct strbuf *line, const char *s, size_t *cursor)
{
    sb_clear(line);
    sb_adds(line, s);
    *cursor = line->len;
}

static void history_add(const char *s)
{
    if (s[0] == '\0' || (history_n > 0 && strcmp(history[history_n - 1], s) == 0))
        return;
    if (history_n == HISTORY_MAX) {
        free(history[0]);
        memmove(history, history + 1, (HISTORY_MAX - 1) * sizeof(char *));
        history_n--;
    }
    history[history_n++] = xstrdup(s);
}

int edit_line(const char *prompt, struct strbuf *line)
{
    size_t cursor = 0;
    int hpos = history_n; /* history_n: the line being typed */
    char *typed = NULL;   /* that line while walking the history */
    int result = 1;

    sb_clear(line);
    sb_adds(line, "");
    if (raw_enter() < 0) {
        outs(prompt);
        return -1; /* not a terminal after all: the caller reads plainly */
    }
    outs(prompt);
    for (;;) {
        int c = read_key();
        if (c == 27)
            c = read_escape();
        if (c < 0 || (c == 4 && line->len == 0)) {
            result = 0;
            break;
        }
        if (c == '\r' || c == '\n')
            break;
        switch (c) {
        case 3: /* ^C */
            outs("^C");
            sb_clear(line);
            cursor = 0;
            c = '\n';
            break;
        case 127:
        case 8:
            if (cursor > 0) {
                memmove(line->s + cursor - 1, line->s + cursor, line->len - cursor + 1);
                line->len--;
                cursor--;
            }
            break;
        case 4:
        case K_DELETE:
            if (cursor < line->len) {
                memmove(line->s + cursor, line->s + cursor + 1, line->len - cursor);
                line->len--;
            }
            break;
        case 1:
        case K_HOME:
            cursor = 0;
            break;
        case 5:
        case K_END:
            cursor = line->len;
            break;
        case 2:
        case K_LEFT:
            cursor -= cursor > 0;
            break;
        case 6:
        case K_RIGHT:
            cursor += cursor < line->len;
            break;
        case 21: /* ^U */
            memmove(line->s, line->s + cursor, line->len - cursor + 1);
            line->len -= cursor;
            cursor = 0;
            break;
        case 11: /* ^K */
            line->len = cursor;
            line->s[cursor] = '\0';
            break;
        case K_UP:
            if (hpos > 0) {
                if (hpos == history_n) {
                    free(typed);
                    typed = xstrdup(line->s);
                }
                set_line(line, history[--hpos], &cursor);
            }
            break;
        case K_DOWN:
            if (hpos < history_n) {
                hpos++;
                set_line(line, hpos == history_n ? (typed ? typed : "") : history[hpos], &cursor);
            }
            break;
        default:
            if (c >= 32 && c < 256 && c != 127) {
                char ch = (char)c;
                sb_addc(line, ' ');
                memmove(line->s + cursor + 1, line->s + cursor, line->len - cursor - 1);
                line->s[cursor++] = ch;
                if (cursor == line->len) {
                    /* typed at the end, as almost always: the character
                     * itself is the whole update */
                    out(&ch, 1);
                    continue;
                }
            }
            break;
        }
        if (c == '\n')
            break;
        redraw(prompt, line, cursor);
    }
    free(typed);
    outs(result ? "\r\n" : "\r\n");
    edit_restore();
    if (result)
        history_add(line->s);
    return result;
}
