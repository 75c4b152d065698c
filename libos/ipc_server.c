/* libos IPC, server side: the loop (ipc_server_run).
 *
 * The loop, on the server's one receiver thread:
 *
 *   1. control page: for each handle the kernel marked, ask its state
 *      (SYS_IPC_CONN_STATE): a new live connection is added, a gone one
 *      removed (level-triggered: nothing is lost while we are busy)
 *   2. serve a batch: stage (copy out once) the oldest request of every
 *      connection that has one and room for its completion; serve the staged
 *      request with the smallest timestamp; repeat until none is left
 *   3. tell the clients that got completions (unless they poll: client_awake)
 *   4. nothing to do: poll a while (more than one hart), then clear
 *      server_awake, fence, re-check, and sleep in uintr_wait. The last
 *      client notification rides on the same kernel entry
 *      (uintr_send_wait): reply and wait, as seL4's ReplyRecv. */
#include "ipc_server.h"

#include <stdlib.h>
#include <string.h>

#include "libos.h"

__thread __attribute__((tls_model("local-exec"))) struct ipc_server *ipc_current_server;

void ipc_server_stop(void)
{
    if (ipc_current_server)
        ipc_current_server->stop = 1;
}

/* Anything to do? (control events, or requests on any connection.) */
static int any_ready(struct ipc_server *s)
{
    if (__atomic_load_n(&s->ctl->seq.value, __ATOMIC_ACQUIRE) != s->ctl_next)
        return 1;
    for (uint32_t i = 0; i < s->nconns; i++) {
        struct ipc_sconn *c = s->conns[i];

        if (c->staged_ok || ring_avail(&c->req) > 0)
            return 1;
    }
    return 0;
}

static long server_start(struct ipc_server *s, const struct ipc_handlers *h)
{
    struct sysret2 r;
    unsigned vector = h->vector;

    if (!h->name || !h->request || vector >= CHIME_UINTR_VECTORS)
        return CHIME_EINVAL;
    memset(s, 0, sizeof(*s));
    s->h = h;
    s->vector_bit = 1ull << vector;
    /* The loop takes its bits with uintr_wait: keep a handler (if the
     * program has one) from stealing them. */
    if (uintr_state_page())
        uintr_disable();
    uintr_self.syscalls++;
    r = syscall3_2(SYS_IPC_SERVE, (long)h->name, (long)strlen(h->name), vector);
    if (r.a0 < 0)
        return r.a0;
    s->service = (int32_t)r.a0;
    s->ctl = (struct ipc_ctl_page *)(uintptr_t)r.a1;
    s->ctl_next = 0; /* the page starts at seq 0: a client may be marked already */
    if (h->poll_ns != IPC_POLL_NEVER && libos_nharts() > 1) {
        uint64_t ns = h->poll_ns ? h->poll_ns : IPC_POLL_NS_DEFAULT;

        s->poll_ticks = ns * libos_info()->timebase_hz / 1000000000ull;
        if (!s->poll_ticks)
            s->poll_ticks = 1;
    }
    return 0;
}

/* After ipc_server_stop: answer what is owed, unpublish the name, drop every
 * connection (their clients see closed and fail with CHIME_EPIPE). */
static void server_stop(struct ipc_server *s)
{
    srv_notify_clients(s, 0);
    ipc_srv_syscall1(SYS_HANDLE_CLOSE, s->service);
    while (s->nconns)
        srv_conn_remove(s, s->conns[s->nconns - 1]->handle);
    free(s->conns);
    free(s->owed);
    free(s->by_handle);
}

long ipc_server_run(const struct ipc_handlers *h)
{
    struct ipc_server s;
    struct ipc_server *outer = ipc_current_server;
    struct loop_counts cnt = {0};
    uint64_t idle_since = 0;
    long r = server_start(&s, h);

    if (r < 0)
        return r;
    ipc_current_server = &s;
    while (!s.stop) {
        uint32_t n = 0;

        if (__atomic_load_n(&s.ctl->seq.value, __ATOMIC_ACQUIRE) != s.ctl_next)
            n = srv_ctl_events(&s);
        if (!s.poll_ticks && s.nconns == 1) {
            srv_run_single(&s, s.conns[0]);
            continue;
        }
        n += srv_serve_batch(&s);
        if (!s.poll_ticks) {
            /* One hart: nobody can add work while we run, and a request
             * that comes later is notified (server_awake stays 0), so sleep
             * right away, carrying the last client notification along. */
            if (s.nowed > 1)
                srv_notify_clients(&s, 1);
            server_sleep(&s, owed_take(&s), &cnt);
            counts_flush(&s, &cnt);
            continue;
        }
        if (s.nowed)
            srv_notify_clients(&s, 0);
        if (n) {
            idle_since = 0;
            continue;
        }
        {
            uint64_t now = ipc_now();

            if (!idle_since)
                idle_since = now;
            if (now - idle_since < s.poll_ticks) {
                if (!s.awake)
                    srv_set_awake(&s, 1);
                continue;
            }
            idle_since = 0;
        }
        /* Going to sleep: from here clients must notify. Clear the flag,
         * then look once more (the other half of the handshake in
         * ipc_client.h). */
        if (s.awake) {
            srv_set_awake(&s, 0);
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            if (any_ready(&s))
                continue;
        }
        server_sleep(&s, owed_take(&s), &cnt);
        counts_flush(&s, &cnt);
    }
    server_stop(&s);
    ipc_current_server = outer;
    return 0;
}
