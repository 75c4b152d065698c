/* libos IPC, client side: connect, disconnect and lend (libos/ipc.h). */
#include "ipc_client.h"

#include <stdlib.h>
#include <string.h>

#include <chime/layout.h>

#include "libos.h"
#include "syscall.h"

IPC_TLS struct ipc_conn *ipc_thread_conns;
IPC_TLS unsigned ipc_thread_async;

static long ipc_syscall1(long n, long a)
{
    uintr_self.syscalls++;
    return syscall1(n, a);
}

uint64_t ipc_ticks_of_ns(uint64_t ns)
{
    uint64_t hz = libos_info()->timebase_hz;

    if (ns == CHIME_FOREVER)
        return ~0ull;
    return ns / 1000000000ull * hz + ns % 1000000000ull * hz / 1000000000ull;
}

static uint64_t default_poll_ticks(unsigned flags)
{
    if (flags & IPC_CONNECT_NOPOLL)
        return 0;
    if (!(flags & IPC_CONNECT_POLL) && libos_nharts() <= 1)
        return 0;
    return ipc_ticks_of_ns(IPC_POLL_NS_DEFAULT);
}

long ipc_connect(struct ipc_conn **out, const char *name, size_t size, unsigned flags)
{
    unsigned vsel = flags & IPC_CONNECT_VECTOR_MASK;
    unsigned vector = vsel ? vsel - 1 : IPC_CLIENT_VECTOR;
    struct ipc_conn_info info;
    struct ipc_conn *c;
    uint8_t *buf;
    long h;

    if (!size)
        size = CHIME_IPC_BUF_DEFAULT;
    /* Reposting bits (ipc_call) needs our state page: learn it now. */
    if (!uintr_state_page())
        return CHIME_ENOMEM;
    c = calloc(1, sizeof(*c));
    if (!c)
        return CHIME_ENOMEM;
    memset(&info, 0, sizeof(info));
    uintr_self.syscalls++;
    h = syscall5(SYS_IPC_CONNECT, (long)name, (long)strlen(name), (long)size, vector, (long)&info);
    if (h < 0) {
        free(c);
        return h;
    }
    if (!info.buffer || info.size < CHIME_IPC_BUF_MIN || info.size > CHIME_IPC_BUF_MAX) {
        ipc_syscall1(SYS_IPC_DISCONNECT, h);
        free(c);
        return CHIME_EINVAL;
    }
    buf = (uint8_t *)(uintptr_t)info.buffer;
    c->hdr = (struct ipc_header *)buf;
    c->size = info.size;
    c->data = buf + IPC_DATA_OFFSET;
    c->data_size = info.size - IPC_DATA_OFFSET;
    ring_prod_init(&c->req, buf + IPC_REQ_OFFSET, &c->hdr->req_tail, &c->hdr->req_head, 0);
    ring_cons_init(&c->cpl, buf + IPC_CPL_OFFSET, &c->hdr->cpl_tail, &c->hdr->cpl_head, 0);
    ring_tags_init(&c->tags);
    c->send_index = info.send_index;
    c->handle = (int32_t)h;
    c->vector = vector;
    c->others = ~(1ull << vector);
    c->poll_ticks = default_poll_ticks(flags);
    c->next = ipc_thread_conns;
    /* c is complete before the handler can find it through the list. */
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    ipc_thread_conns = c;
    *out = c;
    return 0;
}

long ipc_connect_wait(struct ipc_conn **out, const char *name, size_t size, unsigned flags,
                      uint64_t timeout_ns)
{
    uint64_t waited = 0;
    const uint64_t step = 1000000; /* 1 ms */

    for (;;) {
        long r = ipc_connect(out, name, size, flags);

        if (r != CHIME_ENOENT || waited >= timeout_ns)
            return r;
        ipc_syscall1(SYS_SLEEP, step);
        waited += step;
    }
}

long ipc_disconnect(struct ipc_conn *c)
{
    unsigned was = ipc_mask();
    struct ipc_conn **pp;
    long r;

    for (pp = &ipc_thread_conns; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    /* Whatever arrived is still theirs; the rest can never complete. */
    ipc_take_all(c);
    r = ipc_syscall1(SYS_IPC_DISCONNECT, c->handle);
    ipc_fail_async(c);
    uintr_restore(was);
    free(c);
    return r;
}

long ipc_lend(struct ipc_conn *c, const void *va, size_t len, unsigned prot)
{
    uintr_self.syscalls++;
    return syscall4(SYS_IPC_LEND, c->handle, (long)va, (long)len, prot);
}

long ipc_unlend(struct ipc_conn *c, uint64_t server_va)
{
    uintr_self.syscalls++;
    return syscall2(SYS_IPC_UNLEND, c->handle, (long)server_va);
}
