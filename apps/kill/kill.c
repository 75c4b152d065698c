/* kill [-s name | -name | -number] pid... / kill -l: sends a signal
 * (default TERM) to processes. Exit 1 if it could not be sent to one. */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <userland/ulib.h>

int main(int argc, char **argv)
{
    int sig = SIGTERM, i = 1, status = 0;

    ul_init("kill");
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        ul_signal_list(stdout);
        return 0;
    }
    if (i < argc && strcmp(argv[i], "-s") == 0) {
        if (i + 1 == argc)
            ul_usage("[-s signal | -signal] pid... | -l");
        sig = ul_signal_number(argv[i + 1]);
        if (sig < 0) {
            ul_warn("%s: unknown signal", argv[i + 1]);
            return 1;
        }
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' &&
               !(isdigit((unsigned char)argv[i][1]) && i + 1 == argc)) {
        sig = ul_signal_number(argv[i] + 1);
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
