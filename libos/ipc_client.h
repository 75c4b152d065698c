/* libos IPC, client side: what the client files share (not an API).
 *
 *   ipc_connect.c  connect, disconnect, lend
 *   ipc_call.c     synchronous calls, with the fastpath ipc_call_end
 *   ipc_async.c    asynchronous requests, completions and their callbacks
 *
 * Notification protocol (the server side mirrors it, see ipc_serve.c):
 *
 *   client                               server
 *   push request; release req_tail       server_awake = 0 before sleeping
 *   fence                                fence
 *   if !server_awake: uipi_send          re-check every request ring, then wait
 *
 * Either the client sees server_awake == 0 and notifies (pending bits are
 * sticky, so a notification sent just before the server's wait makes that wait
 * return at once), or the server's re-check sees the new tail. No wakeup is
 * lost. Completions use the same pattern with client_awake.
 *
 * Delivery is masked (uintr_disable, one store) while a call checks the
 * completion ring and waits: otherwise the thread's handler could take the
 * notification between the check and the wait, and the wait would sleep on a
 * completion that had already arrived. */
#ifndef LIBOS_IPC_CLIENT_H
#define LIBOS_IPC_CLIENT_H

#include "ipc.h"
#include "uintr.h"

/* This thread's connections, for ipc_client_dispatch, and how many
 * asynchronous requests it has in flight over all of them (ipc_connect.c).
 * The fastpath reads ipc_thread_async: local-exec, one tp-relative load. */
#define IPC_TLS __thread __attribute__((tls_model("local-exec")))
extern IPC_TLS struct ipc_conn *ipc_thread_conns;
extern IPC_TLS unsigned ipc_thread_async;

/* Mask delivery while touching state the handler also touches (rings,
 * tags). A thread without a handler has nothing to mask. */
static inline unsigned ipc_mask(void)
{
    return uintr_self.handler ? uintr_disable() : 0;
}

/* rdtime ticks in ns nanoseconds (not on any fast path: it divides). */
uint64_t ipc_ticks_of_ns(uint64_t ns);

/* Hand one completion that is not an awaited synchronous reply to its
 * asynchronous request (ipc_async.c). */
void ipc_complete_async(struct ipc_conn *c, const struct ipc_slot *cpl);

/* Complete every asynchronous request still in flight with CHIME_EPIPE
 * (the connection is closed: their completions can never come). */
void ipc_fail_async(struct ipc_conn *c);

/* Run every completion waiting, and fail what is left in flight once the
 * connection is closed; returns how many. Delivery is masked. */
long ipc_take_all(struct ipc_conn *c);

#endif
