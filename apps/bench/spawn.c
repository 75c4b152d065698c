/* bench: spawn_exit_wait, a program started from the disk and reaped
 * (DESIGN §7: target 300,000 guest instructions; xv6's fork + exec of the
 * same kind: 1,618,247). On one hart with the rootfs disk (scripts/bench.sh,
 * the "spawn" boot): posix_spawn of /bin/true, which the fs server reads
 * from its cache after the first round, then waitpid until it has exited.
 * rdinstret counts the hart, so the figure holds everything: libos's spawn
 * (the ELF read over IPC, the image copied into the new space), the
 * kernel's space and thread creation, true's start-up and exit, init... */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libos/spawn.h>

#include "bench.h"

#define ROUNDS 21

extern char **environ;

/* Where the last round's instructions went: posix_spawn until it
 * returned, then waitpid (the child's whole life and its reaping). */
static uint64_t last_spawn, last_wait;

/* One round: the instructions from posix_spawn to waitpid's return, or 0
 * after a failure. archive: spawn "true" from the boot archive instead. */
static uint64_t spawn_once(char *path, int archive)
{
    char *argv[] = {path, NULL};
    pid_t pid;
    int st;
    uint64_t t0 = rdinstret();
    int err =
        archive ? chime_spawn(&pid, argv, 0) : posix_spawn(&pid, path, NULL, NULL, argv, environ);
    uint64_t t1 = rdinstret();

    if (err) {
        fail("posix_spawn /bin/true", -err);
        return 0;
    }
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fail("waitpid /bin/true", -1);
        return 0;
    }
    last_wait = rdinstret() - t1;
    last_spawn = t1 - t0;
    return last_wait + last_spawn;
}

/* What posix_spawn's reading of the file costs alone: open, fstat, read
 * it whole, close (libos/spawn_file.c does the same). */
static uint64_t read_once(const char *path)
{
    static char buf[256 * 1024];
    struct stat st;
    uint64_t t0 = rdinstret();
    int fd = open(path, O_RDONLY);

    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size > (off_t)sizeof(buf) ||
        read(fd, buf, (size_t)st.st_size) != (ssize_t)st.st_size) {
        fail("read /bin/true", -1);
        return 0;
    }
    close(fd);
    return rdinstret() - t0;
}

void bench_spawn_exit_wait(void)
{
    uint64_t s[ROUNDS], sp[ROUNDS], w[ROUNDS];

    if (access("/bin/true", X_OK) != 0) {
        printf("bench: /bin/true is not on a disk: spawn_exit_wait needs the rootfs disk\n");
        fail("spawn_exit_wait", -1);
        return;
    }
    if (!spawn_once("/bin/true", 0)) /* warm the fs server's cache */
        return;
    for (int i = 0; i < ROUNDS; i++) {
        if (!(s[i] = spawn_once("/bin/true", 0)))
            return;
        sp[i] = last_spawn;
        w[i] = last_wait;
    }
    report("spawn_exit_wait", (double)median(s, ROUNDS), "insns", "<= 300000",
           "posix_spawn(/bin/true) from the disk + waitpid");
    /* Where they go (no targets): posix_spawn itself (on one hart the
     * child has not run when it returns), then the child's life, exit and
     * teardown; the file read alone; and the same spawn from the boot
     * archive, with no file read. */
    report("spawn_part_posix_spawn", (double)median(sp, ROUNDS), "insns", "-",
           "until posix_spawn returns (the child has not run)");
    report("spawn_part_waitpid", (double)median(w, ROUNDS), "insns", "-",
           "the child's life, its exit and the wake-up");
    for (int i = 0; i < ROUNDS; i++)
        if (!(s[i] = read_once("/bin/true")))
            return;
    report("spawn_part_read_file", (double)median(s, ROUNDS), "insns", "-",
           "open + fstat + read + close of the program, as posix_spawn does");
    for (int i = 0; i < ROUNDS; i++)
        if (!(s[i] = spawn_once("true", 1)))
            return;
    report("spawn_exit_wait_archive", (double)median(s, ROUNDS), "insns", "-",
           "the same from the boot archive: no file read");
}
