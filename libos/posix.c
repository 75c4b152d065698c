/* The OS layer picolibc calls into: process identity, kill, _exit.
 * Descriptors are in fd.c, files of the fs server in fs_file.c and
 * fs_path.c, signals in signal.c. */
#include "libos.h"
#include "syscall.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <chime/layout.h>

/* The kernel's id of this process, as fault reports print it: the info
 * page names the space running on our hart while we run there. Read it
 * between two SYS_HART_SELF calls that agree, so no migration hides in
 * between, and remember it. If the page does not say, the main thread's id
 * stands in. */
pid_t getpid(void)
{
    static pid_t self;

    for (int tries = 0; self == 0 && tries < 4; tries++) {
        long h = syscall0(SYS_HART_SELF);
        uint64_t id;

        if (h < 0 || h >= CHIME_MAX_HARTS)
            break;
        id = libos_info()->hart[h].running_space;
        if (syscall0(SYS_HART_SELF) == h && id != 0)
            self = (pid_t)id;
    }
    if (self == 0)
        self = (pid_t)syscall1(SYS_THREAD_ID, CHIME_SELF);
    return self;
}

/* kill(pid, 0) asks whether pid lives; any signal ends it. */
int kill(pid_t pid, int sig)
{
    long r;

    if (sig == 0) {
        r = syscall2(SYS_SPACE_WAIT, pid, 0);
        return r == CHIME_ETIMEDOUT ? 0 : (int)libos_ret(r < 0 ? r : CHIME_ESRCH);
    }
    if (sig < 0 || sig >= NSIG) {
        errno = EINVAL;
        return -1;
    }
    r = syscall2(SYS_SPACE_KILL, pid, CHIME_STATUS_KILLED);
    if (r == CHIME_EBADH)
        r = CHIME_ESRCH;
    return (int)libos_ret(r);
}

void _exit(int status)
{
    /* POSIX keeps the low 8 bits; larger values are the kernel's own. */
    syscall1(SYS_EXIT, status & 0xff);
    for (;;)
        ;
}
