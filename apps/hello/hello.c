/* hello: the first program to run on every hart. It names itself, the hart
 * it runs on and its arguments, in one line, so the console shows which
 * process printed what and where. */
#include <stdio.h>
#include <unistd.h>

#include <libos/libos.h>

int main(int argc, char **argv)
{
    char line[512];
    int n = snprintf(line, sizeof(line), "hello[%d]: hart %d: argv = {", (int)getpid(),
                     libos_hart_self());

    for (int i = 0; i < argc && n < (int)sizeof(line); i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, "%s\"%s\"", i > 0 ? ", " : "", argv[i]);
    printf("%s}\n", line);
    return 0;
}
