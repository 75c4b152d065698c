/* What the three IPC files (ipc_service.c, ipc_conn.c, ipc_lend.c) share;
 * the rest of the kernel includes ipc.h only. */
#ifndef KERNEL_IPC_PRIV_H
#define KERNEL_IPC_PRIV_H

#include "ipc.h"

/* A connection's lend window in the server: every slot, back to back. */
#define LEND_WINDOW ((uint64_t)IPC_LEND_SLOTS * IPC_LEND_SLOT_SIZE)
/* A connection end's rights: everything but GRANT, which it never gains. */
#define CONN_RIGHTS (CHIME_R_ALL & ~CHIME_R_GRANT)

/* ---- ipc_service.c ---- */
/* The published service called name, or NULL. */
struct service *service_find(const char *name, size_t len);
/* Unpublish every service s serves. */
void services_unpublish(struct space *s);
/* Tell c's server that the connection on its handle changed (see the
 * control page in include/chime/ipc.h). Cannot fail and loses nothing. */
void ctl_mark(struct conn *c);
/* Copy a service name argument: its length, or a negative error. */
long name_from_user(char *name, uint64_t uname, uint64_t len);

/* ---- ipc_conn.c ---- */
/* The connection behind h in the caller's table, seen from `side`, while
 * the caller still is that side (CHIME_EPIPE once it was disconnected). */
struct conn *conn_from_handle(int64_t h, int side, int *err);

/* ---- ipc_lend.c ---- */
/* The server-side address of c's lend slot i. */
uint64_t lend_slot_va(const struct conn *c, int i);
/* Clear lend i's record and table entry (the pages stay as they are). */
void lend_forget(struct conn *c, int i);
/* Revoke every lend of c, with one shootdown. */
void lends_revoke_all(struct conn *c);
/* Drop every DMA pin of c. */
void lend_pins_drop_all(struct conn *c);
/* c's server side (srv) closes: its pins become srv's orphans. True when
 * there were any: the lend window's range then stays reserved in srv. */
bool lend_pins_orphan(struct conn *c, struct space *srv);
/* s exits: its orphan pins go. */
void lend_orphans_drop(struct space *s);

#endif
