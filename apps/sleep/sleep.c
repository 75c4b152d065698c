/* sleep seconds: waits that long; seconds may have a fraction ("0.5"). */
#include <ctype.h>
#include <errno.h>
#include <time.h>

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
    while (nanosleep(&ts, &ts) < 0) {
        if (errno != EINTR) {
            ul_warn_errno("nanosleep");
            return 1;
        }
    }
    return 0;
}
