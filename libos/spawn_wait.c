/* waitpid, wait and chime_wait: reaping the children posix_spawn made. */
#include "spawn_child.h"

#include <errno.h>
#include <sys/wait.h>

#include "libos.h"
#include "lock.h"
#include "syscall.h"

/* Children spawned and not yet reaped, for waitpid(-1). */
#define MAX_CHILDREN 64
static pid_t children[MAX_CHILDREN];
static struct libos_lock children_lock;

void spawn_children_update(pid_t old, pid_t new)
{
    libos_lock(&children_lock);
    for (int i = 0; i < MAX_CHILDREN; i++) {
        if (children[i] == old) {
            children[i] = new;
            break;
        }
    }
    libos_unlock(&children_lock);
}

/* ---- waiting --------------------------------------------------------- */

int chime_wait_status(long raw)
{
    if (raw == CHIME_STATUS_FAULT)
        return SIGSEGV;
    if (raw == CHIME_STATUS_KILLED)
        return SIGKILL;
    return (int)((raw & 0xff) << 8);
}

long chime_wait(pid_t pid, uint64_t timeout_ns)
{
    long r = syscall2(SYS_SPACE_WAIT, pid, (long)timeout_ns);

    if (r >= 0) {
        syscall1(SYS_HANDLE_CLOSE, pid);
        spawn_children_update(pid, 0);
    }
    return r;
}

/* waitpid(-1): poll every child, pausing 1 ms between rounds. */
static pid_t wait_any(int *status, int options)
{
    for (;;) {
        int any = 0;

        for (int i = 0; i < MAX_CHILDREN; i++) {
            pid_t c = __atomic_load_n(&children[i], __ATOMIC_RELAXED);
            long r;

            if (c == 0)
                continue;
            any = 1;
            r = chime_wait(c, 0);
            if (r >= 0) {
                if (status != NULL)
                    *status = chime_wait_status(r);
                return c;
            }
        }
        if (!any) {
            errno = ECHILD;
            return -1;
        }
        if (options & WNOHANG)
            return 0;
        syscall1(SYS_SLEEP, 1000000);
    }
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    long r;

    if (pid == -1)
        return wait_any(status, options);
    if (pid <= 0) {
        errno = pid == 0 ? ENOSYS : ECHILD;
        return -1;
    }
    r = chime_wait(pid, (options & WNOHANG) ? 0 : CHIME_FOREVER);
    if (r == CHIME_ETIMEDOUT && (options & WNOHANG))
        return 0;
    if (r < 0) {
        errno = r == CHIME_EBADH ? ECHILD : libos_errno(r);
        return -1;
    }
    if (status != NULL)
        *status = chime_wait_status(r);
    return pid;
}

pid_t wait(int *status)
{
    return waitpid(-1, status, 0);
}
