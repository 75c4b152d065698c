/* bench: pipe_4k, 4 KiB through a pipe between two processes (DESIGN §7:
 * target 4,000 guest instructions). On one hart: a helper process (this
 * program in the pipe-helper role) is blocked in read() on the pipe; the
 * figure runs from just before the writer's write(fd, buf, 4096) to the
 * moment the helper's read() returns with the 4 KiB (rdinstret counts the
 * hart, so both processes and the kernel are in it: the writer's copy
 * into the ring, its wake-up of the reader, the writer going to sleep on
 * the reply pipe, the switch, and the reader's copy out). The helper sends
 * its instant back through a second pipe, outside the figure. */
#define _GNU_SOURCE /* pipe2 */
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

#include <chime/syscall.h>
#include <libos/spawn.h>

#include "bench.h"

#define CHUNK 4096

int bench_pipe_helper(void)
{
    static char buf[CHUNK];

    for (;;) {
        size_t got = 0;

        while (got < CHUNK) {
            ssize_t r = read(0, buf + got, CHUNK - got);

            if (r <= 0)
                return 0;
            got += (size_t)r;
        }
        uint64_t t1 = rdinstret();

        if (write(1, &t1, sizeof(t1)) != (ssize_t)sizeof(t1))
            return 1;
    }
}

void bench_pipe_4k(void)
{
    static char buf[CHUNK];
    char *argv[] = {"bench", "pipe-helper", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    uint64_t s[SAMPLES];
    int to[2], back[2], err;
    pid_t pid;

    if (pipe2(to, O_CLOEXEC) < 0 || pipe2(back, O_CLOEXEC) < 0) {
        fail("pipe", -1);
        return;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to[0], 0);
    posix_spawn_file_actions_adddup2(&fa, back[1], 1);
    posix_spawnattr_init(&attr);
    chime_spawnattr_setaffinity(&attr, 1);
    err = posix_spawn(&pid, "bench", &fa, &attr, argv, NULL);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(to[0]);
    close(back[1]);
    if (err != 0) {
        fail("spawn pipe helper", err);
        return;
    }
    memset(buf, 'p', sizeof(buf));
    for (int i = 0; i < 10 + SAMPLES; i++) {
        uint64_t t1 = 0, t0 = rdinstret();

        if (write(to[1], buf, CHUNK) != CHUNK || read(back[0], &t1, sizeof(t1)) != sizeof(t1)) {
            fail("pipe transfer", i);
            break;
        }
        if (i >= 10)
            s[i - 10] = t1 - t0;
    }
    close(to[1]);
    close(back[0]);
    chime_wait(pid, CHIME_FOREVER);
    report("pipe_4k", (double)median(s, SAMPLES), "insns", "<= 4000",
           "write 4 KiB to a pipe until the reader's read returns, two processes");
}
