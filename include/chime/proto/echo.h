/* The echo protocol: the smallest complete IPC protocol, served by
 * servers/echod (the program echod) and used by apps/echo_client, the benchmark and the IPC
 * system tests. A new protocol copies this file's shape: a service name, an
 * opcode list, and for each opcode what every struct ipc_slot field means in
 * the request and in the completion (fields not listed are ignored in
 * requests and zero in completions).
 *
 * Payloads are named by (data, length): with IPC_F_LENT clear, data is an
 * offset into the connection's data area; with IPC_F_LENT set, data is the
 * server address of memory the client lent (ipc_lend). */
#ifndef CHIME_PROTO_ECHO_H
#define CHIME_PROTO_ECHO_H

#include <stdint.h>

#define ECHO_SERVICE "echo"

enum echo_op {
    /* Copy a payload back and checksum it.
     *   request:    data, length  the payload (at most ECHO_MAX bytes)
     *               offset        where to write the copy: a data-area offset,
     *                             or a server address in a lend (IPC_F_LENT);
     *                             ECHO_NO_COPY: checksum only
     *               aux           any value: returned as is
     *   completion: result        length, or CHIME_EFAULT / CHIME_ERANGE
     *               arg           echo_checksum(payload, length)
     *               aux           the request's aux */
    ECHO_OP_ECHO = 1,

    /* Reply after a delay: keeps a request in flight on purpose (tests).
     *   request:    arg           nanoseconds to wait (at most ECHO_DELAY_MAX)
     *   completion: result        0 */
    ECHO_OP_DELAY = 2,
};

#define ECHO_MAX       (1024u * 1024)
#define ECHO_NO_COPY   (~0ull)
#define ECHO_DELAY_MAX (60ull * 1000000000ull)

/* 64-bit FNV-1a over n bytes, continuing from h (start with ECHO_CHECKSUM_SEED). */
#define ECHO_CHECKSUM_SEED 0xcbf29ce484222325ull
static inline uint64_t echo_checksum_more(uint64_t h, const void *p, uint64_t n)
{
    const uint8_t *b = (const uint8_t *)p;

    for (uint64_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static inline uint64_t echo_checksum(const void *p, uint64_t n)
{
    return echo_checksum_more(ECHO_CHECKSUM_SEED, p, n);
}

#endif
