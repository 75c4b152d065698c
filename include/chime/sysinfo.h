/* SYS_SYSINFO: what ps, servers and ipcstat show (kernel/sys_info.c).
 *
 *   SYS_SYSINFO(kind, first, buf, max) -> n
 *
 * n is how many records of that kind exist now; the kernel wrote records
 * first .. first + min(n - first, max) - 1 of them to buf, one struct per
 * record (the struct of kind below), taken in one snapshot under the kernel
 * lock. Ask again from first = the records read so far (or with a larger
 * buffer) when n says there are more; records may come and go between two
 * calls. max = 0 only counts (buf is not touched).
 *
 * Errors: CHIME_EINVAL for an unknown kind or max > SYSINFO_MAX; CHIME_EFAULT
 * when buf .. buf + max * record size is not writable user memory of the
 * caller. Any process may ask: the records hold names, ids and counters,
 * never the contents of another process's memory. */
#ifndef CHIME_SYSINFO_H
#define CHIME_SYSINFO_H

#include <stdint.h>

#define SYSINFO_PROCS    0  /* struct sysinfo_proc: every process not yet reaped */
#define SYSINFO_SERVICES 1  /* struct sysinfo_service: every published service */
#define SYSINFO_CONNS    2  /* struct sysinfo_conn: every connection to one */
#define SYSINFO_MAX      64 /* records one call copies at most */

/* sysinfo_proc.state */
#define SYSINFO_RUNNING 0 /* a thread runs on a hart now */
#define SYSINFO_READY   1 /* a thread waits for a hart, none runs */
#define SYSINFO_BLOCKED 2 /* every thread waits (sleep, IPC, futex, wait) */
#define SYSINFO_EXITING 3 /* exit begun: threads are still leaving */
#define SYSINFO_DEAD    4 /* exited; its parent still holds its handle */

/* One process (address space), in creation order. */
struct sysinfo_proc {
    uint64_t id;      /* kernel-wide process id (SYS_SPACE_CREATE order) */
    uint64_t parent;  /* id of the process that created it; 0: the kernel (init) */
    char name[32];    /* as given to SYS_SPACE_CREATE, NUL-terminated */
    uint32_t state;   /* SYSINFO_RUNNING .. SYSINFO_DEAD */
    int32_t hart;     /* hart its running (else first live) thread is on; -1: none */
    uint32_t threads; /* threads not yet ended */
    int32_t status;   /* exit status once EXITING or DEAD, else 0 */
    uint64_t pages;   /* user pages mapped (4 KiB each; shared ones count in each) */
};
_Static_assert(sizeof(struct sysinfo_proc) == 72, "sysinfo_proc layout");

/* One published service. */
struct sysinfo_service {
    char name[32];    /* the published name, NUL-terminated */
    uint64_t server;  /* process id of the server */
    uint32_t clients; /* live connections: client and server both still hold it */
    uint32_t conns;   /* connections through it, half-closed ones too */
};
_Static_assert(sizeof(struct sysinfo_service) == 48, "sysinfo_service layout");

/* One connection to a published service, by service then age. */
struct sysinfo_conn {
    char service[32];    /* name of the service it was made through */
    uint64_t client;     /* client process id; 0 once the client has gone */
    uint64_t server;     /* server process id; 0 once the server has gone */
    uint32_t requests;   /* requests the client queued: the request ring's
                           tail (client-written, so only as honest as it) */
    uint32_t replies;    /* completions the server queued: the completion
                           ring's tail (server-written) */
    uint32_t notify_in;  /* notifications the client sent the server through
                           the kernel's general path (SYS_UIPI_SEND,
                           SYS_UINTR_SEND_WAIT); direct fastpath hand-offs
                           are not counted (kernel/fastpath.c has no room) */
    uint32_t notify_out; /* the same, server to client */
    uint32_t rejected;   /* descriptors the server rejected on it: what the
                            libos server loop publishes in ipc_header.rejected */
    uint32_t size;       /* buffer bytes */
};
_Static_assert(sizeof(struct sysinfo_conn) == 72, "sysinfo_conn layout");

#endif
