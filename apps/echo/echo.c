/* echo [-n] [string...]: writes its arguments separated by spaces, then a
 * newline unless the first argument is -n. */
#include <stdio.h>
#include <string.h>

#include <userland/ulib.h>

int main(int argc, char **argv)
{
    int newline = 1, i = 1;

    ul_init("echo");
    if (i < argc && strcmp(argv[i], "-n") == 0) {
        newline = 0;
        i++;
    }
    for (int first = i; i < argc; i++) {
        if (i > first)
            putchar(' ');
        fputs(argv[i], stdout);
    }
    if (newline)
        putchar('\n');
    if (fflush(stdout) != 0) {
        ul_warn_errno("write error");
        return 1;
    }
    return 0;
}
