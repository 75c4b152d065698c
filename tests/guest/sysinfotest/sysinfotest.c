/* sysinfotest: SYS_SYSINFO from a program's side (include/chime/sysinfo.h,
 * docs/sysinfo.md). Prints TAP lines; exits with the number of failures.
 *
 *   - bad kinds and lengths are CHIME_EINVAL, bad buffers CHIME_EFAULT
 *     (NULL, kernel addresses, past the user range, a read-only page), and
 *     nothing is written then; max = 0 only counts;
 *   - the process records: this one (name, parent init, running, one
 *     thread, pages), init (1, parent 0), a child while it lives, after it
 *     was killed (dead, status 137) and gone once reaped;
 *   - a connection to an echo server this program starts: its service has
 *     one client, the connection counts the requests and replies made on
 *     it, the notifications sent with SYS_UIPI_SEND, and the descriptors
 *     the server rejected when the ring was corrupted. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <chime/errno.h>
#include <chime/layout.h>
#include <chime/syscall.h>
#include <chime/sysinfo.h>

#include <libos/ipc.h>
#include <libos/libos.h>
#include <libos/spawn.h>
#include <libos/syscall.h>
#include <libos/uintr.h>

#define SVC "sysinfo-echo"

static int failures;

static void tap(int ok, const char *fmt, ...)
{
    va_list ap;

    printf("%s - sysinfo: ", ok ? "ok" : "not ok");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    failures += !ok;
}

static long info(long kind, long first, void *buf, long max)
{
    return syscall4(SYS_SYSINFO, kind, first, (long)buf, max);
}

static struct sysinfo_proc procs[256];
static size_t nprocs;

static void read_procs(void)
{
    long n = info(SYSINFO_PROCS, 0, procs, SYSINFO_MAX);
    size_t have = 0;

    while (n > (long)have + SYSINFO_MAX && have + 2 * SYSINFO_MAX <= 256) {
        have += SYSINFO_MAX;
        n = info(SYSINFO_PROCS, (long)have, procs + have, SYSINFO_MAX);
    }
    nprocs = n < 0 ? 0 : (size_t)n < 256 ? (size_t)n : 256;
}

static const struct sysinfo_proc *proc(uint64_t id)
{
    for (size_t i = 0; i < nprocs; i++)
        if (procs[i].id == id)
            return &procs[i];
    return NULL;
}

/* The child of this process named name, or NULL. */
static const struct sysinfo_proc *child_named(const char *name)
{
    for (size_t i = 0; i < nprocs; i++)
        if (procs[i].parent == (uint64_t)getpid() && strcmp(procs[i].name, name) == 0)
            return &procs[i];
    return NULL;
}

static void errors(void)
{
    static struct sysinfo_proc one[2];
    long n;

    tap(info(3, 0, one, 1) == CHIME_EINVAL, "kind 3 is EINVAL");
    tap(info(-1, 0, one, 1) == CHIME_EINVAL, "kind -1 is EINVAL");
    tap(info(SYSINFO_PROCS, 0, one, SYSINFO_MAX + 1) == CHIME_EINVAL, "max 65 is EINVAL");
    tap(info(SYSINFO_PROCS, 0, one, -1) == CHIME_EINVAL, "max -1 is EINVAL");
    tap(info(SYSINFO_PROCS, 0, NULL, 1) == CHIME_EFAULT, "a NULL buffer is EFAULT");
    tap(info(SYSINFO_PROCS, 0, (void *)0xffffffc080200000ul, 1) == CHIME_EFAULT,
        "a kernel address is EFAULT");
    tap(info(SYSINFO_CONNS, 0, (void *)(CHIME_USER_TOP - 8), 1) == CHIME_EFAULT,
        "a buffer past the user range is EFAULT");
    tap(info(SYSINFO_PROCS, 0, (void *)CHIME_INFO_VA, 1) == CHIME_EFAULT,
        "the read-only info page is EFAULT");
    tap(info(SYSINFO_SERVICES, 0, (void *)0x1000, 1) == CHIME_EFAULT,
        "an unmapped buffer is EFAULT");
    n = info(SYSINFO_PROCS, 0, NULL, 0);
    tap(n >= 2, "max 0 counts the processes without a buffer (%ld)", n);
    memset(one, 0x5a, sizeof(one));
    tap(info(SYSINFO_PROCS, n + 5, one, 1) == n && one[0].id == 0x5a5a5a5a5a5a5a5aull,
        "first past the end writes nothing and still counts");
    tap(info(SYSINFO_PROCS, 0, one, 1) == n && one[1].id == 0x5a5a5a5a5a5a5a5aull && one[0].id == 1,
        "max 1 writes one record, init's, first");
}

static void processes(void)
{
    syscall2(SYS_THREAD_AFFINITY, CHIME_SELF, 1); /* on hart 0 from here on */
    syscall0(SYS_YIELD);
    read_procs();
    const struct sysinfo_proc *me = proc((uint64_t)getpid());
    const struct sysinfo_proc *init = proc(1);

    tap(me && strcmp(me->name, "sysinfotest") == 0, "this process is listed by name");
    tap(me && me->state == SYSINFO_RUNNING && me->threads == 1 && me->hart == 0 &&
            syscall0(SYS_HART_SELF) == 0,
        "running on hart 0, where it is pinned, with one thread (state %u, hart %d)",
        me ? me->state : 9u, me ? (int)me->hart : -9);
    tap(me && me->parent == 1 && me->pages >= 8 && me->pages < 4096,
        "its parent is init and it maps some pages (%llu)",
        me ? (unsigned long long)me->pages : 0ull);
    tap(init && strcmp(init->name, "init") == 0 && init->parent == 0 && init->threads >= 1,
        "init is 1, made by the kernel");
    tap(init && init->state == SYSINFO_BLOCKED, "init waits (for this program)");
}

static void connection(void)
{
    char *argv[] = {"echod", SVC, NULL};
    struct ipc_conn *c;
    struct sysinfo_service svcs[SYSINFO_MAX];
    struct sysinfo_conn conns[SYSINFO_MAX], *mine = NULL;
    const struct sysinfo_service *svc = NULL;
    pid_t pid;
    long n;

    if (chime_spawn(&pid, argv, 0) != 0 || ipc_connect_wait(&c, SVC, 0, 0, 5000000000ull) < 0) {
        tap(0, "start and connect to echod");
        return;
    }
    for (int i = 0; i < 5; i++) {
        struct ipc_slot req = {.opcode = IPC_OP_NULL}, reply;
        ipc_call(c, &req, &reply);
    }
    for (int i = 0; i < 3; i++)
        uipi_send(c->send_index);
    read_procs();
    const struct sysinfo_proc *echod = child_named("echod");
    tap(echod != NULL && echod->state != SYSINFO_DEAD, "the echo server is listed as a child");

    n = info(SYSINFO_SERVICES, 0, svcs, SYSINFO_MAX);
    for (long i = 0; i < n && i < SYSINFO_MAX; i++)
        if (strcmp(svcs[i].name, SVC) == 0)
            svc = &svcs[i];
    tap(svc && echod && svc->server == echod->id && svc->clients == 1 && svc->conns == 1,
        "its service has one client");

    n = info(SYSINFO_CONNS, 0, conns, SYSINFO_MAX);
    for (long i = 0; i < n && i < SYSINFO_MAX; i++)
        if (strcmp(conns[i].service, SVC) == 0)
            mine = &conns[i];
    tap(mine && mine->client == (uint64_t)getpid() && echod && mine->server == echod->id,
        "the connection names this client and the server");
    tap(mine && mine->requests == 5 && mine->replies == 5, "5 requests and 5 replies (%u, %u)",
        mine ? mine->requests : 0, mine ? mine->replies : 0);
    tap(mine && mine->notify_in >= 3 && mine->notify_in <= 8,
        "the 3 uipi_sends are counted as notifications to the server (%u)",
        mine ? mine->notify_in : 0);
    tap(mine && mine->rejected == 0 && mine->size == c->size, "nothing rejected yet");

    /* A corrupt request ring: the server rejects it and says so. */
    uint32_t good = c->hdr->req_tail.value;
    c->hdr->req_tail.value = good + 1000;
    for (int i = 0; i < 20 && (!mine || mine->rejected == 0); i++) {
        uipi_send(c->send_index);
        syscall1(SYS_SLEEP, 10000000);
        n = info(SYSINFO_CONNS, 0, conns, SYSINFO_MAX);
        mine = NULL;
        for (long j = 0; j < n && j < SYSINFO_MAX; j++)
            if (strcmp(conns[j].service, SVC) == 0)
                mine = &conns[j];
    }
    c->hdr->req_tail.value = good;
    tap(mine && mine->rejected >= 1, "a corrupted ring is counted as rejected (%u)",
        mine ? mine->rejected : 0);

    /* Killed: dead with its status until reaped, then gone. */
    ipc_disconnect(c);
    kill(pid, SIGKILL);
    int dead = 0;
    for (int i = 0; i < 100 && !dead; i++) {
        read_procs();
        echod = child_named("echod");
        dead = echod && echod->state == SYSINFO_DEAD;
        if (!dead)
            syscall1(SYS_SLEEP, 10000000);
    }
    tap(dead && echod->status == CHIME_STATUS_KILLED && echod->threads == 0 && echod->pages == 0,
        "killed, it is dead with status 137 until reaped");
    chime_wait(pid, CHIME_FOREVER);
    read_procs();
    tap(child_named("echod") == NULL, "reaped, it is gone");
    n = info(SYSINFO_SERVICES, 0, svcs, SYSINFO_MAX);
    svc = NULL;
    for (long i = 0; i < n && i < SYSINFO_MAX; i++)
        if (strcmp(svcs[i].name, SVC) == 0)
            svc = &svcs[i];
    tap(svc == NULL, "and its service is unpublished");
}

int main(void)
{
    errors();
    processes();
    connection();
    printf("sysinfotest: %d failure%s\n", failures, failures == 1 ? "" : "s");
    return failures;
}
