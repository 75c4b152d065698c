/* stress: 8 clients on separate processes send 100,000 echo requests in
 * total to one echo server, half synchronous, half in asynchronous windows
 * whose completions run in the clients' uintr handlers. Each payload is
 * unique to (client, sequence number), so a reply that was lost, duplicated
 * or meant for another client fails its check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/proto/echo.h>

#include "ipctest.h"
#include "libos/spawn.h"
#include "libos/uintr.h"

#define STRESS_CLIENTS 8
#define STRESS_TOTAL   100000
#define PAYLOAD        64
#define REGION         256 /* payload at +0, copy back at +128 */
#define WINDOW         16  /* asynchronous requests in flight per batch */
#define BUF_SIZE       (64 * 1024)

struct stress {
    struct ipc_conn *c;
    uint32_t id;
    uint8_t *seen; /* per sequence number: completions received */
    uint32_t count;
    volatile uint32_t done;
    volatile uint32_t bad;
};

struct async_req {
    struct stress *s;
    uint32_t seq;
    uint32_t region;
};

static void fill(uint8_t *p, uint32_t id, uint32_t seq)
{
    uint64_t x = ((uint64_t)id << 32 | seq) * 0x9e3779b97f4a7c15ull + 1;

    for (int i = 0; i < PAYLOAD; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(p + i, &x, 8);
    }
    memcpy(p, &id, 4);
    memcpy(p + 4, &seq, 4);
}

static uint64_t aux_of(uint32_t id, uint32_t seq)
{
    return (uint64_t)id << 20 | seq;
}

static void request(struct stress *s, uint32_t seq, uint32_t region, struct ipc_slot *req)
{
    uint8_t *data = ipc_data(s->c);

    fill(data + region * REGION, s->id, seq);
    memset(data + region * REGION + 128, 0, PAYLOAD);
    memset(req, 0, sizeof(*req));
    req->opcode = ECHO_OP_ECHO;
    req->data = region * REGION;
    req->length = PAYLOAD;
    req->offset = region * REGION + 128;
    req->aux = (uint32_t)aux_of(s->id, seq);
}

/* Check one completion against what request seq in region must get. */
static int check(struct stress *s, const struct ipc_slot *cpl, uint32_t seq, uint32_t region)
{
    uint8_t want[PAYLOAD];
    const uint8_t *copy = (const uint8_t *)ipc_data(s->c) + region * REGION + 128;
    int ok;

    fill(want, s->id, seq);
    ok = cpl->result == PAYLOAD && cpl->arg == echo_checksum(want, PAYLOAD) &&
         cpl->aux == (uint32_t)aux_of(s->id, seq) && memcmp(copy, want, PAYLOAD) == 0;
    if (seq < s->count && s->seen[seq]++)
        ok = 0; /* a second completion for one request */
    s->done++;
    if (!ok)
        s->bad++;
    return ok;
}

static void async_done(struct ipc_conn *c, const struct ipc_slot *cpl, void *ctx)
{
    struct async_req *a = ctx;

    check(a->s, cpl, a->seq, a->region);
}

int stress_client(int argc, char **argv)
{
    static struct async_req reqs[WINDOW];
    struct stress s = {0};
    uint32_t seq = 0;
    long r;

    if (argc < 5)
        return 100;
    s.id = (uint32_t)atoi(argv[3]);
    s.count = (uint32_t)atoi(argv[4]);
    s.seen = calloc(s.count, 1);
    r = ipc_connect_wait(&s.c, argv[2], BUF_SIZE, 0, 5000000000ull);
    if (r < 0 || !s.seen) {
        printf("# stress client %u: connect: error %ld\n", s.id, r);
        return 101;
    }
    uintr_register_handler(ipc_client_handler, 0);
    while (seq < s.count) {
        struct ipc_slot req, reply;

        if ((seq / WINDOW) % 2 == 0) {
            request(&s, seq, 0, &req);
            r = ipc_call(s.c, &req, &reply);
            if (r < 0)
                printf("# stress client %u: call %u: error %ld\n", s.id, seq, r);
            /* The counters are shared with the callbacks in the handler. */
            {
                unsigned was = uintr_disable();

                check(&s, &reply, seq, 0);
                uintr_restore(was);
            }
            seq++;
            continue;
        }
        for (uint32_t k = 0; k < WINDOW && seq < s.count; k++, seq++) {
            reqs[k] = (struct async_req){&s, seq, k + 1};
            request(&s, seq, k + 1, &req);
            r = ipc_queue(s.c, &req, async_done, &reqs[k]);
            if (r < 0) {
                printf("# stress client %u: queue %u: error %ld\n", s.id, seq, r);
                s.bad++;
            }
        }
        ipc_flush(s.c);
        r = ipc_drain(s.c, 10000000000ull);
        if (r < 0) {
            printf("# stress client %u: drain: error %ld\n", s.id, r);
            break;
        }
    }
    uintr_unregister_handler(0);
    fflush(stdout);
    for (uint32_t i = 0; i < s.count; i++)
        if (s.seen[i] != 1)
            s.bad++;
    if (s.bad || s.done != s.count || s.c->dropped)
        printf("# stress client %u: %u done, %u bad, %llu dropped\n", s.id, s.done, s.bad,
               (unsigned long long)s.c->dropped);
    ipc_disconnect(s.c);
    return s.bad || s.done != s.count || s.c->dropped ? 1 : 0;
}

int test_stress(int argc, char **argv)
{
    int clients = argc > 2 ? atoi(argv[2]) : STRESS_CLIENTS;
    int total = argc > 3 ? atoi(argv[3]) : STRESS_TOTAL;
    struct ipc_slot stats = {.opcode = IPC_OP_STATS}, reply;
    pid_t pids[STRESS_CLIENTS];
    struct ipc_conn *c;
    uint64_t served0, t0;
    pid_t srv;
    int ok = 0;

    if (clients > STRESS_CLIENTS)
        clients = STRESS_CLIENTS;
    srv = echo_start("t-stress", 0, &c, 0, 0);
    if (srv < 0)
        return 1;
    ipc_call(c, &stats, &reply);
    served0 = (uint64_t)reply.result;
    t0 = now_ns();
    for (int i = 0; i < clients; i++) {
        char id[8], n[16];
        char *args[] = {"ipctest", "stress-client", "t-stress", id, n, NULL};

        snprintf(id, sizeof(id), "%d", i);
        snprintf(n, sizeof(n), "%d", total / clients + (i < total % clients));
        pids[i] = self_spawn(args, 0);
    }
    for (int i = 0; i < clients; i++) {
        long st = pids[i] < 0 ? -1 : chime_wait(pids[i], 120000000000ull);

        if (st == CHIME_ETIMEDOUT) {
            printf("# stress: client %d still running after 120 s: killed\n", i);
            proc_stop(pids[i]);
        }

        ok += tap(st == 0, "stress: client %d: every reply checked, none lost or duplicated (%ld)",
                  i, st);
    }
    ipc_call(c, &stats, &reply);
    tap((uint64_t)reply.result - served0 == (uint64_t)total + 1,
        "stress: the server served %llu requests for %d sent",
        (unsigned long long)((uint64_t)reply.result - served0 - 1), total);
    printf("# stress: %d clients, %d requests in %llu ms\n", clients, total,
           (unsigned long long)((now_ns() - t0) / 1000000));
    ipc_disconnect(c);
    proc_stop(srv);
    return 0;
}
