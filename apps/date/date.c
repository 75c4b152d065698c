/* date [-u] [+format]: prints the current date and time, in local time or
 * (-u) UTC, as "Tue Dec  1 22:08:51 UTC 2026" or by a strftime format. */
#include <stdio.h>
#include <time.h>

#include <userland/ulib.h>

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    const char *format = "%a %b %e %H:%M:%S %Z %Y";
    int c, utc = 0;

    ul_init("date");
    while ((c = ul_getopt(&o, argc, argv, "u")) != -1) {
        if (c == 'u')
            utc = 1;
        else
            ul_usage("[-u] [+format]");
    }
    if (o.index < argc) {
        if (argv[o.index][0] != '+' || o.index + 1 < argc)
            ul_usage("[-u] [+format]");
        format = argv[o.index] + 1;
    }
    time_t now = time(NULL);
    struct tm *tm = utc ? gmtime(&now) : localtime(&now);
    char buf[512];
    if (now == (time_t)-1 || tm == NULL) {
        ul_warn_errno("time");
        return 1;
    }
    size_t n = strftime(buf, sizeof(buf), format, tm);
    if (n == 0 && format[0] != '\0') {
        ul_warn("format too long");
        return 1;
    }
    printf("%s\n", buf);
    return 0;
}
