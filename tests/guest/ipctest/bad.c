/* bad: wrong arguments and a misbehaving client get errors or are ignored,
 * and disturb nobody else.
 *   - uintr calls with indices and handles that name nothing of ours
 *   - a vector handle number that belongs to another process
 *   - a client (A) that corrupts its ring indices, sends nonsense
 *     descriptors, names memory it never lent (or lent on another
 *     connection), and floods without reading completions; meanwhile a
 *     second client (B) of the same server must see every call succeed. */
#include <string.h>

#include <chime/proto/echo.h>
#include <chime/types.h>

#include "ipctest.h"
#include "libos/spawn.h"
#include "libos/syscall.h"
#include "libos/uintr.h"

static void uintr_args(void)
{
    long vh;

    tap(uipi_send(37) == CHIME_EINVAL, "bad: uipi_send on a sender index never registered");
    tap(uipi_send(-1) == CHIME_EINVAL && uipi_send(1 << 20) == CHIME_EINVAL,
        "bad: uipi_send on indices out of range");
    tap(uintr_unregister_sender(50) == CHIME_EINVAL, "bad: unregister a sender never registered");
    tap(uintr_vector_create(64) == CHIME_EINVAL, "bad: vector 64 does not exist");
    vh = uintr_vector_create(9);
    tap(vh >= 0 && uintr_vector_create(9) == CHIME_EEXIST, "bad: a vector has one handle");
    tap(uintr_register_sender(0) == CHIME_EBADH, "bad: a space handle is not a vector handle");
    tap(uintr_register_sender(4000) < 0, "bad: a handle number we do not have");
    uint64_t bits;
    tap(uintr_send_wait(41, 0, &bits) == CHIME_EINVAL, "bad: uintr_send_wait on a bad index");
}

int vec_child(int argc, char **argv)
{
    long h = 0;

    /* Burn a few numbers so the handle lands above the parent's. */
    for (int v = 10; v < 20; v++)
        h = uintr_vector_create((unsigned)v);
    return h < 0 ? 255 : (int)h;
}

static void foreign_vector(void)
{
    char *args[] = {"ipctest", "vec-child", NULL};
    pid_t pid = self_spawn(args, 0);
    long h = pid < 0 ? -1 : chime_wait(pid, CHIME_FOREVER);

    if (h < 0 || h == 255) {
        tap(0, "bad: child made no vector (%ld)", h);
        return;
    }
    if (syscall1(SYS_HANDLE_INFO, h) == CHIME_OBJ_VECTOR) {
        tap_skip("bad: another process's vector handle", "number taken here");
        return;
    }
    tap(uintr_register_sender((int)h) < 0,
        "bad: another process's vector handle number (%ld) is no vector here", h);
}

/* B's health check: n echo calls, each checked. */
static int b_works(struct ipc_conn *b, int n)
{
    char *data = ipc_data(b);

    for (int i = 0; i < n; i++) {
        struct ipc_slot req = {0}, reply;

        memset(data, 'a' + i % 26, 32);
        req.opcode = ECHO_OP_ECHO;
        req.length = 32;
        req.offset = ECHO_NO_COPY;
        if (ipc_call(b, &req, &reply) != 32 || reply.arg != echo_checksum(data, 32))
            return 0;
    }
    return 1;
}

static long call(struct ipc_conn *c, uint16_t op, uint16_t flags, uint64_t data, uint64_t len,
                 uint64_t off)
{
    struct ipc_slot req = {0}, reply;

    req.opcode = op;
    req.flags = flags;
    req.data = data;
    req.length = len;
    req.offset = off;
    return ipc_call(c, &req, &reply);
}

static volatile int a_done;
static volatile long a_result;

static void a_cb(struct ipc_conn *c, const struct ipc_slot *cpl, void *ctx)
{
    a_result = cpl->result;
    a_done++;
}

/* A corrupt cpl_head: the server only ever writes slots an earlier, valid
 * head freed, and reloads the head only when its cached one says the ring
 * is full; then it holds A's requests back. Either way A gets its
 * completion exactly once when the head is sane again. b, if not NULL, must
 * not notice meanwhile. who prefixes the test names. */
static void corrupt_cpl_head(struct ipc_conn *a, struct ipc_conn *b, const char *who)
{
    struct ipc_header *h = a->hdr;
    struct ipc_slot req = {.opcode = IPC_OP_NULL};

    h->cpl_head.value = a->cpl.next + 77777;
    a_done = 0;
    tap(ipc_submit(a, &req, a_cb, NULL) >= 0, "bad: %sA submits with a corrupt cpl_head", who);
    if (b)
        tap(b_works(b, 20), "bad: cpl_head corrupt on A: B unaffected");
    h->cpl_head.value = a->cpl.next;
    uipi_send(a->send_index);
    for (int i = 0; i < 100 && !a_done; i++)
        ipc_wait(a, 20000000ull);
    tap(a_done == 1 && a_result == 0, "bad: %sA's request completes once cpl_head is sane", who);
}

/* Junk requests pushed behind libos's back until the ring is full, with a
 * notification now and then. Returns how many went in. */
static int flood_junk(struct ipc_conn *a)
{
    struct ipc_slot junk;
    int pushed = 0;

    memset(&junk, 0x5a, sizeof(junk));
    for (int i = 0; i < 400; i++) {
        if (ring_push(&a->req, &junk) == 0)
            pushed++;
        if (i % 16 == 0)
            uipi_send(a->send_index);
    }
    return pushed;
}

static void corrupt_indices(struct ipc_conn *a, struct ipc_conn *b)
{
    struct ipc_header *h = a->hdr;

    h->req_tail.value = a->req.next + 1000;
    uipi_send(a->send_index);
    tap(b_works(b, 20), "bad: req_tail far ahead on A: B unaffected");
    h->req_tail.value = a->req.next - 1;
    uipi_send(a->send_index);
    tap(b_works(b, 20), "bad: req_tail behind the head on A: B unaffected");
    h->req_tail.value = a->req.next;
    tap(call(a, IPC_OP_NULL, 0, 0, 0, 0) == 0, "bad: A works again once its indices are sane");

    corrupt_cpl_head(a, b, "");
}

static void bad_descriptors(struct ipc_conn *a, struct ipc_conn *b)
{
    uint64_t dsz = ipc_data_size(a);

    tap(call(a, 999, 0, 0, 0, 0) == CHIME_ENOSYS, "bad: unknown opcode: ENOSYS");
    tap(call(a, 0xff01, 0, 0, 0, 0) == CHIME_ENOSYS, "bad: reserved libos opcode: ENOSYS");
    tap(call(a, ECHO_OP_ECHO, 0, dsz, 1, ECHO_NO_COPY) == CHIME_EFAULT,
        "bad: payload past the data area: EFAULT");
    tap(call(a, ECHO_OP_ECHO, 0, ~0ull - 10, 64, ECHO_NO_COPY) == CHIME_EFAULT,
        "bad: payload offset that wraps: EFAULT");
    tap(call(a, ECHO_OP_ECHO, 0, 0, 64, dsz - 8) == CHIME_EFAULT,
        "bad: copy-back past the data area: EFAULT");
    tap(call(a, ECHO_OP_ECHO, 0, 0, ECHO_MAX + 1, ECHO_NO_COPY) == CHIME_ERANGE,
        "bad: length over the protocol limit: ERANGE");
    tap(call(a, ECHO_OP_ECHO, IPC_F_LENT, 0x2000000000ull, 64, ECHO_NO_COPY) == CHIME_EFAULT,
        "bad: IPC_F_LENT naming memory never lent: EFAULT");
    tap(b_works(b, 20), "bad: after nonsense descriptors on A, B unaffected");
}

static void lends(struct ipc_conn *a, struct ipc_conn *b)
{
    static char buf[4096] __attribute__((aligned(4096)));
    long sva;

    memset(buf, 'L', sizeof(buf));
    sva = ipc_lend(a, buf, sizeof(buf), CHIME_PROT_READ);
    if (!tap(sva > 0, "bad: A lends a page"))
        return;
    tap(call(a, ECHO_OP_ECHO, IPC_F_LENT, (uint64_t)sva, 4096, ECHO_NO_COPY) == 4096,
        "bad: the lend works on A");
    tap(call(b, ECHO_OP_ECHO, IPC_F_LENT, (uint64_t)sva, 4096, ECHO_NO_COPY) == CHIME_EFAULT,
        "bad: A's lend named on B: EFAULT");
    tap(call(a, ECHO_OP_ECHO, IPC_F_LENT, (uint64_t)sva, 4097, ECHO_NO_COPY) == CHIME_EFAULT,
        "bad: one byte past the lend: EFAULT");
    tap(call(a, ECHO_OP_ECHO, IPC_F_LENT, (uint64_t)sva, 64, (uint64_t)sva) == CHIME_EFAULT,
        "bad: writing into a read-only lend: EFAULT");
    ipc_unlend(a, (uint64_t)sva);
    tap(call(a, ECHO_OP_ECHO, IPC_F_LENT, (uint64_t)sva, 64, ECHO_NO_COPY) == CHIME_EFAULT,
        "bad: a lend after unlend: EFAULT");
}

/* A pushes raw descriptors and never pops a completion. */
static void flood(struct ipc_conn *a, struct ipc_conn *b)
{
    int pushed = flood_junk(a);

    tap(pushed >= (int)RING_SLOTS && pushed < 400,
        "bad: a flooding client is held back by its own rings (%d pushed)", pushed);
    tap(b_works(b, 50), "bad: while A floods, B unaffected");
}

/* A alone: on one hart the server then runs its one-connection loop, which
 * must shrug off the same abuse as the general one. */
static void alone(struct ipc_conn *a)
{
    struct ipc_header *h = a->hdr;
    int pushed;

    h->req_tail.value = a->req.next + 1000;
    uipi_send(a->send_index);
    h->req_tail.value = a->req.next;
    tap(call(a, IPC_OP_NULL, 0, 0, 0, 0) == 0, "bad: alone, A works after a req_tail far ahead");

    corrupt_cpl_head(a, NULL, "alone, ");

    /* Requests with invented tags until both rings are full, completions
     * never read: the server stalls on this connection only. */
    pushed = flood_junk(a);
    tap(pushed >= (int)RING_SLOTS && pushed < 400,
        "bad: alone, a flooding client is held back by its own rings (%d pushed)", pushed);
    /* The server answers the junk as fast as A reads (and drops) the
     * answers; A has to nudge it, having bypassed libos to push. */
    for (int i = 0; i < 10000 && a->dropped < (uint64_t)pushed; i++) {
        ipc_poll(a);
        uipi_send(a->send_index);
        syscall0(SYS_YIELD);
    }
    tap(a->dropped == (uint64_t)pushed, "bad: alone, every junk request was answered (%llu of %d)",
        (unsigned long long)a->dropped, pushed);
    tap(call(a, IPC_OP_NULL, 0, 0, 0, 0) == 0, "bad: alone, after the flood A's calls work again");
}

int test_bad(int argc, char **argv)
{
    struct ipc_conn *a, *b;
    pid_t srv;

    uintr_args();
    foreign_vector();
    srv = echo_start("t-bad", 0, &a, 0, 0);
    if (srv < 0)
        return 1;
    alone(a);
    if (ipc_connect(&b, "t-bad", 0, 0) < 0) {
        tap(0, "bad: second connection");
        return 1;
    }
    corrupt_indices(a, b);
    bad_descriptors(a, b);
    lends(a, b);
    flood(a, b);
    {
        struct ipc_slot stats = {.opcode = IPC_OP_STATS}, reply;

        tap(ipc_call(b, &stats, &reply) >= 0 && reply.aux == 2,
            "bad: the server still has both connections (%u)", reply.aux);
    }
    ipc_disconnect(b);
    ipc_disconnect(a);
    proc_stop(srv);
    return 0;
}
