/* sleep seconds: waits that long; seconds may have a fraction ("0.5"). */
#include <ctype.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <userland/ulib.h>

/* Parses "N" or "N.fff" into ts; 0, or -1 if it is not such a number. */
static int parse_duration(const char *s, struct timespec *ts)
{
    long sec = 0, nsec = 0, scale = 100000000;

    if (*s == '\0')
        return -1;
    for (; isdigit((unsigned char)*s); s++) {
        if (sec > 100000000)
            return -1;
        sec = sec * 10 + (*s - '0');
    }
    if (*s == '.')
        for (s++; isdigit((unsigned char)*s); s++, scale /= 10)
            nsec += (*s - '0') * scale;
    if (*s != '\0')
        return -1;
    ts->tv_sec = (time_t)sec;
    ts->tv_nsec = nsec;
    return 0;
}

int main(int argc, char **argv)
{
    struct timespec ts;

    ul_init("sleep");
    if (argc != 2)
        ul_usage("seconds");
    if (parse_duration(argv[1], &ts) < 0) {
        ul_warn("invalid time interval '%s'", argv[1]);
        return 1;
    }
    /* Chime hands a ^C to a process at its next call into the console
     * (docs/console.md), and the foreground is the newest console client.
     * So on a terminal sleep asks it something (tcgetpgrp) at the start,
     * becoming the foreground, and again every 100 ms: ^C ends it at once
     * with status 130, as a user expects. */
    int tty = isatty(0);
    if (tty)
        (void)tcgetpgrp(0);
    while (ts.tv_sec > 0 || ts.tv_nsec > 0) {
        struct timespec slice = ts, rem = {0, 0};
        if (tty && (slice.tv_sec > 0 || slice.tv_nsec > 100000000L))
            slice = (struct timespec){0, 100000000L};
        if (nanosleep(&slice, &rem) < 0 && errno != EINTR) {
            ul_warn_errno("nanosleep");
            return 1;
        }
        /* ts -= slice - rem */
        long ns = (long)ts.tv_nsec - slice.tv_nsec + rem.tv_nsec;
        ts.tv_sec += rem.tv_sec - slice.tv_sec;
        for (; ns < 0; ns += 1000000000L)
            ts.tv_sec--;
        for (; ns >= 1000000000L; ns -= 1000000000L)
            ts.tv_sec++;
        ts.tv_nsec = ns;
        if (ts.tv_sec < 0)
            break;
        if (tty)
            (void)tcgetpgrp(0);
    }
    return 0;
}
