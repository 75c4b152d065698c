/* Process start-up: TLS, arguments, constructors, main, exit. */
#include "fdinherit.h"
#include "libos.h"
#include "private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/syscall.h>

/* Linker symbols (libos/user.ld). */
extern char __tdata_start[], __tdata_size[], __tbss_size[], __tbss_offset[], __tls_size[];
extern void (*__preinit_array_start[])(void), (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void), (*__init_array_end[])(void);

extern char **environ;
int main(int argc, char **argv, char **envp);
void libos_start(long a0, char **a1, void *tls) __attribute__((noreturn));

static char *empty_env[] = {NULL};

size_t libos_tls_size(void)
{
    return ((size_t)__tls_size + LIBOS_TLS_ALIGN - 1) & ~(size_t)(LIBOS_TLS_ALIGN - 1);
}

void libos_tls_init(void *block)
{
    memcpy(block, __tdata_start, (size_t)__tdata_size);
    memset((char *)block + (size_t)__tbss_offset, 0, (size_t)__tbss_size);
}

/* A startup block is believable when a0 points into the stack above sp and
 * carries the magic: the root task gets argc in a0 instead. */
static const struct libos_startup *startup_block(long a0, const void *tls)
{
    const struct libos_startup *s = (const struct libos_startup *)a0;

    if ((uint64_t)a0 < CHIME_USER_BASE || (uintptr_t)s < (uintptr_t)tls || (a0 & 15) != 0)
        return NULL;
    if (s->magic != LIBOS_STARTUP_MAGIC || s->version != LIBOS_STARTUP_VERSION)
        return NULL;
    return s;
}

static void run_constructors(void)
{
    for (void (**f)(void) = __preinit_array_start; f < __preinit_array_end; f++)
        (*f)();
    for (void (**f)(void) = __init_array_start; f < __init_array_end; f++)
        (*f)();
}

static void flush_stdio(void)
{
    fflush(stdout);
    fflush(stderr);
}

void libos_start(long a0, char **a1, void *tls)
{
    const struct libos_startup *s;
    int argc;
    char **argv, **envp;

    libos_tls_init(tls);
    s = startup_block(a0, tls);
    if (s != NULL) {
        argc = (int)s->argc;
        argv = (char **)s->argv;
        envp = s->envp != 0 ? (char **)s->envp : empty_env;
        libos_set_archive_handle(s->archive_h);
        fd_inherit_start((const struct libos_fd_record *)s->fds, s->nfds);
    } else {
        /* The root task: the kernel gave it the archive at a fixed index. */
        argc = (int)a0;
        argv = a1;
        envp = empty_env;
        libos_set_archive_handle(CHIME_BOOT_H_ARCHIVE);
    }
    environ = envp;
    atexit(flush_stdio);
    run_constructors();
    exit(main(argc, argv, envp));
}
