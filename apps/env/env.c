/* env [-i] [name=value...] [command [arg...]]: runs command (found through
 * PATH) with the environment changed by the assignments (-i: only them), or
 * prints that environment without a command. Exit: the command's status;
 * 127 if it was not found, 126 if it could not be run. */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <userland/ulib.h>

extern char **environ;

int main(int argc, char **argv)
{
    int i = 1;
    char *empty[] = {NULL};

    ul_init("env");
    if (i < argc && strcmp(argv[i], "-i") == 0) {
        environ = empty;
        i++;
    } else if (i < argc && strcmp(argv[i], "--") == 0) {
        i++;
    }
    for (; i < argc && strchr(argv[i], '=') != NULL; i++) {
        char *eq = strchr(argv[i], '=');
        *eq = '\0';
        if (argv[i][0] == '\0' || setenv(argv[i], eq + 1, 1) < 0) {
            *eq = '=';
            ul_warn("%s: cannot set", argv[i]);
            return 125;
        }
    }
    if (i == argc) {
        for (char **e = environ; *e != NULL; e++)
            printf("%s\n", *e);
        return 0;
    }
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[i], NULL, NULL, argv + i, environ);
    if (rc != 0) {
        ul_warn("%s: %s", argv[i], strerror(rc));
        return rc == ENOENT ? 127 : 126;
    }
    int raw;
    while (waitpid(pid, &raw, 0) < 0) {
        if (errno != EINTR) {
            ul_warn_errno("waitpid");
            return 125;
        }
    }
    if (WIFSIGNALED(raw))
        return 128 + WTERMSIG(raw);
    return WEXITSTATUS(raw);
}
