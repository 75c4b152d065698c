/* Kernel console output and panic. kprintf knows %s %c %d %u %x %p and the
 * l/ll/z length modifiers, with width and zero padding: all the kernel needs. */
#include <stdarg.h>
#include "lib.h"
#include "cpu.h"
#include "lock.h"
#include <platform/platform.h>

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            platform_putc('\r');
        platform_putc(s[i]);
    }
}

struct outbuf {
    char buf[256];
    size_t len;
};

static void out_flush(struct outbuf *o)
{
    console_write(o->buf, o->len);
    o->len = 0;
}

static void out_char(struct outbuf *o, char c)
{
    if (o->len == sizeof(o->buf))
        out_flush(o);
    o->buf[o->len++] = c;
}

static void out_number(struct outbuf *o, uint64_t v, unsigned base, bool neg, int width, char pad)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    while (width-- > n)
        out_char(o, pad);
    while (n)
        out_char(o, tmp[--n]);
}

static void vformat(struct outbuf *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*fmt == '0')
            pad = '0';
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            longs++;
            fmt++;
        }
        uint64_t u;
        int64_t s;
        switch (*fmt) {
        case 'd':
            s = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            out_number(o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, s < 0, width, pad);
            break;
        case 'u':
        case 'x':
            u = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            out_number(o, u, *fmt == 'u' ? 10 : 16, false, width, pad);
            break;
        case 'p':
            out_char(o, '0');
            out_char(o, 'x');
            out_number(o, (uint64_t)va_arg(ap, void *), 16, false, width, pad);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            for (str = str ? str : "(null)"; *str; str++)
                out_char(o, *str);
            break;
        }
        case 'c':
            out_char(o, (char)va_arg(ap, int));
            break;
        default:
            out_char(o, '%');
            if (*fmt)
                out_char(o, *fmt);
            else
                fmt--;
        }
    }
}

/* Print to the console. Callers hold the kernel lock or are alone (boot),
 * so lines from different harts never interleave. */
void kprintf(const char *fmt, ...)
{
    struct outbuf o;
    o.len = 0;
    va_list ap;
    va_start(ap, fmt);
    vformat(&o, fmt, ap);
    va_end(ap);
    out_flush(&o);
}

/* Walk the frame-pointer chain: gcc's RISC-V frames keep ra at fp-8 and the
 * caller's fp at fp-16. scripts/backtrace.sh turns the addresses into names. */
static void backtrace(void)
{
    uint64_t fp = (uint64_t)__builtin_frame_address(0);
    extern char __kernel_start[], __stack_top[];
    kprintf("backtrace (decode: scripts/backtrace.sh ADDR...):\n");
    for (int depth = 0; depth < 16; depth++) {
        if (fp < (uint64_t)__kernel_start || fp > (uint64_t)__stack_top || (fp & 7))
            break;
        uint64_t ra = ((uint64_t *)fp)[-1];
        uint64_t next = ((uint64_t *)fp)[-2];
        if (ra == 0)
            break;
        kprintf("  #%d 0x%lx\n", depth, ra);
        if (next <= fp)
            break;
        fp = next;
    }
}

void panic(const char *fmt, ...)
{
    struct outbuf o;
    o.len = 0;
    va_list ap;
    va_start(ap, fmt);
    kprintf("\nchime: PANIC on hart %u: ", this_cpu()->hartid);
    vformat(&o, fmt, ap);
    va_end(ap);
    out_flush(&o);
    kprintf("\n");
    backtrace();
    platform_poweroff(99);
}
