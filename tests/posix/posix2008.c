/* A POSIX.1-2008 program, compiled (not run) for the guest by
 * tests/posix/headers.sh with -D_POSIX_C_SOURCE=200809L, with no feature
 * macro and with _XOPEN_SOURCE=700: every header POSIX lists that picolibc
 * plus libos provide must be there and declare what POSIX says. The
 * headers POSIX lists that Chime does not have (sockets, mmap, dlopen,
 * message queues, semaphores, ...) are in docs/posix.md. */
#include <aio.h>
#include <assert.h>
#include <complex.h>
#include <cpio.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fenv.h>
#include <float.h>
#include <fnmatch.h>
#include <glob.h>
#include <grp.h>
#include <iconv.h>
#include <inttypes.h>
#include <iso646.h>
#include <langinfo.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <regex.h>
#include <sched.h>
#include <search.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <tar.h>
#include <tgmath.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include <wchar.h>
#include <wctype.h>
#include <wordexp.h>

/* Types and macros POSIX promises. */
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC};
static const int consts[] = {PTHREAD_CREATE_DETACHED,
                             PTHREAD_MUTEX_RECURSIVE,
                             PTHREAD_MUTEX_ERRORCHECK,
                             PTHREAD_PROCESS_PRIVATE,
                             POLLIN,
                             POLLOUT,
                             POLLERR,
                             POLLHUP,
                             POLLNVAL,
                             AIO_CANCELED,
                             LIO_READ,
                             LIO_WRITE,
                             LIO_WAIT,
                             LIO_NOWAIT,
                             SIGEV_NONE,
                             SIGEV_THREAD,
                             TIMER_ABSTIME,
                             ETIMEDOUT,
                             EDEADLK};

/* Functions POSIX declares in those headers (as libos provides them or
 * will): taking their addresses fails to compile when one is missing. */
void (*const posix2008_funcs[])(void) = {
    (void (*)(void))pthread_create,
    (void (*)(void))pthread_join,
    (void (*)(void))pthread_detach,
    (void (*)(void))pthread_exit,
    (void (*)(void))pthread_self,
    (void (*)(void))pthread_equal,
    (void (*)(void))pthread_attr_init,
    (void (*)(void))pthread_attr_setdetachstate,
    (void (*)(void))pthread_attr_setstacksize,
    (void (*)(void))pthread_mutex_init,
    (void (*)(void))pthread_mutex_timedlock,
    (void (*)(void))pthread_mutex_trylock,
    (void (*)(void))pthread_mutexattr_settype,
    (void (*)(void))pthread_cond_timedwait,
    (void (*)(void))pthread_cond_broadcast,
    (void (*)(void))pthread_condattr_setclock,
    (void (*)(void))pthread_rwlock_timedwrlock,
    (void (*)(void))pthread_rwlock_tryrdlock,
    (void (*)(void))pthread_once,
    (void (*)(void))pthread_key_create,
    (void (*)(void))pthread_setspecific,
    (void (*)(void))pthread_getspecific,
    (void (*)(void))pthread_key_delete,
    (void (*)(void))pthread_sigmask,
    (void (*)(void))sched_yield,
    (void (*)(void))clock_gettime,
    (void (*)(void))clock_getres,
    (void (*)(void))clock_nanosleep,
    (void (*)(void))nanosleep,
    (void (*)(void))lstat,
    (void (*)(void))stat,
    (void (*)(void))fstatat,
    (void (*)(void))opendir,
    (void (*)(void))readdir,
    (void (*)(void))closedir,
    (void (*)(void))rewinddir,
    (void (*)(void))poll,
    (void (*)(void))readv,
    (void (*)(void))writev,
    (void (*)(void))aio_read,
    (void (*)(void))aio_write,
    (void (*)(void))aio_error,
    (void (*)(void))aio_return,
    (void (*)(void))aio_suspend,
    (void (*)(void))aio_cancel,
    (void (*)(void))aio_fsync,
    (void (*)(void))lio_listio,
    (void (*)(void))posix_spawn,
    (void (*)(void))waitpid,
    (void (*)(void))openat,
    (void (*)(void))pipe,
    (void (*)(void))dup2,
    (void (*)(void))fcntl,
    (void (*)(void))getcwd,
    (void (*)(void))sigaction,
    (void (*)(void))getenv,
};

static void *thread_body(void *arg)
{
    struct dirent *d = arg;
    struct iovec iov = {.iov_base = d->d_name, .iov_len = sizeof(d->d_name)};
    struct pollfd p = {.fd = 0, .events = POLLIN};
    struct aiocb cb = {.aio_fildes = 0, .aio_buf = iov.iov_base, .aio_nbytes = iov.iov_len};
    struct timespec ts;
    pthread_t self = pthread_self();

    cb.aio_sigevent.sigev_notify = SIGEV_THREAD;
    cb.aio_sigevent.sigev_notify_function = NULL;
    cb.aio_sigevent.sigev_notify_attributes = NULL;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    pthread_mutex_lock(&m);
    pthread_cond_timedwait(&c, &m, &ts);
    pthread_mutex_unlock(&m);
    pthread_rwlock_rdlock(&rw);
    pthread_rwlock_unlock(&rw);
    pthread_once(&once, NULL);
    return (void *)(uintptr_t)(p.revents + cb.aio_nbytes + (size_t)pthread_equal(self, self) +
                               sizeof(posix2008_funcs) + sizeof(consts) + sizeof(clocks));
}

int main(void)
{
    pthread_t t;
    struct dirent d = {.d_ino = 0};

    return pthread_create(&t, NULL, thread_body, &d);
}
