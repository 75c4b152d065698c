/* Processes: exit statuses reach waitpid, WNOHANG, kill, waitpid(-1),
 * arguments and environment arrive intact, spawn refuses what it cannot
 * run (no such program, not an ELF) with an errno instead of crashing. */
#include "systest.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <libos/libos.h>
#include <libos/spawn.h>
#include <libos/syscall.h>

#include "lib/cpio.h"

static void exit_status(void)
{
    pid_t pid;
    int st = -1, err;
    char *args42[] = {"exit", "42", NULL};
    char *args0[] = {"exit", "0", NULL};

    err = child_start(&pid, args42, 0);
    check(err == 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42,
          "process: child exits 42, waitpid sees 42 (status 0x%x)", st);
    check(child_run(args0, 0) == 0, "process: child exits 0, the raw status is 0");
    check(waitpid(pid, &st, 0) == -1 && errno == ECHILD,
          "process: waitpid on a reaped pid fails with ECHILD");
    check(waitpid(77, &st, 0) == -1 && errno == ECHILD,
          "process: waitpid on a pid never spawned fails with ECHILD");
}

/* Statuses are 0..255 whatever a process passes to SYS_EXIT or
 * SYS_SPACE_KILL: never a negative number a waiter would take for an
 * error. */
static void status_range(void)
{
    char *minus9[] = {"rawexit", "-9", NULL};
    char *big[] = {"rawexit", "300", NULL};
    char *spin_args[] = {"spin", NULL};
    pid_t pid;
    int st = -1;
    long r;

    r = child_run(minus9, 0);
    check(r == 247, "process: SYS_EXIT(-9) gives the waiter status 247 (got %ld)", r);
    if (child_start(&pid, minus9, 0) == 0) {
        pid_t w = waitpid(pid, &st, 0);
        check(w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 247,
              "process: waitpid sees SYS_EXIT(-9) as exit status 247 (pid %d, 0x%x)", (int)w, st);
    } else {
        check(0, "process: spawn a child for waitpid");
    }
    r = child_run(big, 0);
    check(r == 300 % 256, "process: SYS_EXIT(300) gives status 44 (got %ld)", r);
    if (child_start(&pid, spin_args, 0) == 0) {
        r = syscall2(SYS_SPACE_KILL, pid, -1);
        long w = chime_wait(pid, CHIME_FOREVER);
        check(r == 0 && w == 255, "process: SPACE_KILL(status -1) gives status 255 (%ld, %ld)", r,
              w);
    } else {
        check(0, "process: spawn a spinning child to kill");
    }
}

static void nohang_and_kill(void)
{
    char *sleep_args[] = {"sleep", "300", NULL};
    char *spin_args[] = {"spin", NULL};
    pid_t pid, any;
    int st = -1;

    if (child_start(&pid, sleep_args, 0) == 0) {
        check(waitpid(pid, &st, WNOHANG) == 0, "process: WNOHANG on a running child returns 0");
        check(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 7,
              "process: blocking waitpid then gets its status 7 (0x%x)", st);
    } else {
        check(0, "process: spawn a sleeping child");
    }
    if (child_start(&pid, spin_args, 0) == 0) {
        check(kill(pid, 0) == 0, "process: kill(pid, 0) says a spinning child lives");
        check(kill(pid, SIGKILL) == 0, "process: kill(pid, SIGKILL) = 0");
        any = wait(&st);
        check(any == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
              "process: wait() reaps the killed child as SIGKILL (pid %d, 0x%x)", (int)any, st);
    } else {
        check(0, "process: spawn a spinning child");
    }
}

static void arguments(void)
{
    char *args[] = {"argv", "alpha", "two words", "", "x=1;y=2", "\t\"q\"\n", NULL};
    char *env[] = {"CHIME_TEST=1", "EMPTY=", NULL};
    char *argv[10] = {"systest_child"};
    char *big[] = {"systest_child", NULL, NULL};
    pid_t pid;
    int st = -1, err;

    for (int i = 0; args[i] != NULL; i++)
        argv[i + 1] = args[i];
    err = posix_spawn(&pid, "systest_child", NULL, NULL, argv, env);
    check(err == 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "process: argv and envp reach the child intact (err %d, status 0x%x)", err, st);
    big[1] = malloc(LIBOS_ARGS_MAX + 1);
    if (big[1] != NULL) {
        memset(big[1], 'a', LIBOS_ARGS_MAX);
        big[1][LIBOS_ARGS_MAX] = '\0';
        err = posix_spawn(&pid, "systest_child", NULL, NULL, big, NULL);
        check(err == E2BIG, "process: arguments over %u bytes give E2BIG (got %d)", LIBOS_ARGS_MAX,
              err);
        free(big[1]);
    }
}

static void bad_programs(void)
{
    static const char garbage[] = "this is not an ELF file, just text in the heap\n";
    char *argv[] = {"x", NULL};
    struct cpio_entry e;
    const void *archive;
    size_t len;
    pid_t pid;
    char *copy;

    check(posix_spawn(&pid, "no-such-program", NULL, NULL, argv, NULL) == ENOENT,
          "process: spawning a program not in the archive gives ENOENT");
    check(chime_spawn_image(&pid, "garbage", garbage, sizeof(garbage), NULL, argv, NULL) == ENOEXEC,
          "process: spawning a text file gives ENOEXEC");
    if (libos_archive(&archive, &len) != 0 || cpio_find(archive, len, "hello", &e) != CPIO_OK) {
        check(0, "process: find hello in the boot archive");
        return;
    }
    copy = malloc(e.size);
    if (copy == NULL)
        return;
    check(chime_spawn_image(&pid, "truncated", e.data, 40, NULL, argv, NULL) == ENOEXEC,
          "process: spawning an ELF cut to 40 bytes gives ENOEXEC");
    memcpy(copy, e.data, e.size);
    copy[18] = 0x3e; /* e_machine = x86-64 */
    check(chime_spawn_image(&pid, "wrongarch", copy, e.size, NULL, argv, NULL) == ENOEXEC,
          "process: spawning an x86-64 ELF header gives ENOEXEC");
    memcpy(copy, e.data, e.size);
    memset(copy + 32, 0xff, 8); /* e_phoff far past the end */
    check(chime_spawn_image(&pid, "badphoff", copy, e.size, NULL, argv, NULL) == ENOEXEC,
          "process: spawning an ELF with a bad e_phoff gives ENOEXEC");
    free(copy);
}

static void placement(void)
{
    int n = libos_nharts(), good = 0;

    for (int h = 0; h < n; h++) {
        char *args[] = {"hart", NULL};
        good += child_run(args, 1ull << h) == h;
    }
    check(good == n, "process: a child spawned pinned to each of %d harts ran there (%d did)", n,
          good);
}

static void privileged(void)
{
    long r = syscall1(SYS_POWEROFF, 99);

    check(r == CHIME_EPERM, "process: SYS_POWEROFF from a non-root process = CHIME_EPERM (got %ld)",
          r);
    r = syscall0(999);
    check(r == CHIME_ENOSYS, "process: syscall 999 = CHIME_ENOSYS (got %ld)", r);
}

void test_process(void)
{
    exit_status();
    status_range();
    nohang_and_kill();
    arguments();
    bad_programs();
    placement();
    privileged();
}
