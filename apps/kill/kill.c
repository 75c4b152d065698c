/* kill [-s name | -name | -number] pid... / kill -l: sends a signal
 * (default TERM) to processes. Exit 1 if it could not be sent to one. */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <userland/ulib.h>

static const struct {
    const char *name;
    int number;
} signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ABRT", SIGABRT}, {"KILL", SIGKILL},
    {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
};

#define NSIGNALS (int)(sizeof(signals) / sizeof(signals[0]))

/* A signal by name ("TERM", "SIGTERM", any case) or number; -1 if unknown. */
static int signal_number(const char *s)
{
    long n;

    if (ul_parse_long(s, &n) == 0)
        return n >= 0 && n < 65 ? (int)n : -1;
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (int i = 0; i < NSIGNALS; i++)
        if (strcasecmp(s, signals[i].name) == 0)
            return signals[i].number;
    return -1;
}

int main(int argc, char **argv)
{
    int sig = SIGTERM, i = 1, status = 0;

    ul_init("kill");
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        for (int k = 0; k < NSIGNALS; k++)
            printf("%d %s\n", signals[k].number, signals[k].name);
        return 0;
    }
    if (i < argc && strcmp(argv[i], "-s") == 0) {
        if (i + 1 == argc)
            ul_usage("[-s signal | -signal] pid... | -l");
        sig = signal_number(argv[i + 1]);
        if (sig < 0) {
            ul_warn("%s: unknown signal", argv[i + 1]);
            return 1;
        }
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' &&
               !(isdigit((unsigned char)argv[i][1]) && i + 1 == argc)) {
        sig = signal_number(argv[i] + 1);
        if (sig < 0) {
            ul_warn("%s: unknown signal", argv[i] + 1);
            return 1;
        }
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i == argc)
        ul_usage("[-s signal | -signal] pid... | -l");
    for (; i < argc; i++) {
        long pid;
        if (ul_parse_long(argv[i], &pid) < 0) {
            ul_warn("%s: not a process id", argv[i]);
            status = 1;
        } else if (kill((pid_t)pid, sig) < 0) {
            ul_warn_errno(argv[i]);
            status = 1;
        }
    }
    return status;
}
