/* Address spaces. In Chime an address space is also the process: it owns
 * the page table, the handle table, the uintr sender table, its threads,
 * its IPC connection ends, and the exit status its waiters receive. */
#ifndef KERNEL_SPACE_H
#define KERNEL_SPACE_H

#include "handle.h"
#include "lib.h"
#include "object.h"
#include <platform/trapframe.h>

enum space_state {
    S_ALIVE,
    S_EXITING, /* exit begun; threads still leaving some hart */
    S_DEAD,    /* memory released; exit_status is final */
};

struct sender_table;
struct cpu;

struct space {
    struct kobj obj;
    uint64_t id; /* kernel-wide, never reused */
    /* sys_info.c: the creator's id; the list of every space until destroyed */
    uint64_t parent;
    struct list all_link;
    char name[32];
    uint64_t root; /* page-table root (pa) */
    uint64_t satp; /* root and ASID as satp wants them */
    uint16_t asid;
    uint8_t state;         /* enum space_state */
    bool root_task;        /* init: may power off */
    bool destroy_deferred; /* last reference went while a hart had it loaded */
    uint8_t prio_ceiling;  /* no thread of it runs above this */
    int exit_status;
    uint32_t stale_harts; /* harts that must flush this ASID before use */
    uint32_t nthreads;    /* threads not yet T_DEAD */
    struct list threads;
    struct list waiters; /* threads in SYS_SPACE_WAIT on this space */
    struct handle_table handles;
    struct sender_table *senders; /* uintr.c, NULL until first sender */
    struct list conns;            /* ipc_conn.c: connection ends this process holds */
    uint64_t karea_next;          /* kernel-placed area: the top of what was handed out */
    struct list karea_holes;      /* karea.c: what was given back below karea_next */
};

struct space *space_create(const char *name, size_t len);
void space_destroy(struct space *s); /* last reference gone (object.c) */
/* Begin ending process s with status (idempotent). */
void space_exit(struct space *s, int status);
/* A thread of s became T_DEAD, or s left a hart: finish the exit when both
 * no thread remains and no hart holds s in satp. */
void space_maybe_finish(struct space *s);
/* Load s (NULL = the kernel's own table) into this hart's satp. */
void space_switch(struct cpu *c, struct space *s);
/* Make every hart forget s's translations (after unmap/protect). */
void space_tlb_flush(struct space *s);
/* Reserve len bytes of kernel-placed user addresses in s; 0 if exhausted. */
uint64_t space_karea_alloc(struct space *s, uint64_t len);
/* Give back an area space_karea_alloc(s, len) returned (nothing may be
 * mapped there any more); va 0 is ignored. */
void space_karea_free(struct space *s, uint64_t va, uint64_t len);
/* Forget every hole (s is being freed). */
void space_karea_destroy(struct space *s);
/* Map a single kernel-owned frame into s at va with CHIME_PROT_* prot. */
int space_map_frame(struct space *s, uint64_t va, uint64_t pa, uint32_t prot);
/* Install a handle to o in holder's table (handle_install). A handle a
 * space holds to itself takes no reference, so no space keeps itself
 * alive; the table goes with the space, so such a handle never dangles. */
int space_handle_install(struct space *holder, struct kobj *o, uint32_t rights);
/* The space named by h in the caller's table (CHIME_SELF = own), or NULL. */
struct space *space_from_handle(int64_t h, uint32_t need, int *err);

/* Fault-safe user memory access for the current thread: 0 or CHIME_EFAULT
 * for NULL, kernel addresses, wrapping ranges and unmapped pages. */
long copy_from_user(void *dst, uint64_t usrc, size_t len);
long copy_to_user(uint64_t udst, const void *src, size_t len);
bool user_range_ok(uint64_t va, uint64_t len);

extern uint64_t kernel_root; /* pa of the kernel's own root table */

long sys_space_create(struct trapframe *tf);
long sys_space_map_anon(struct trapframe *tf);
long sys_space_map_frames(struct trapframe *tf);
long sys_space_unmap(struct trapframe *tf);
long sys_space_protect(struct trapframe *tf);
long sys_space_write(struct trapframe *tf);
long sys_space_grant(struct trapframe *tf);
long sys_space_wait(struct trapframe *tf);
long sys_space_kill(struct trapframe *tf);
long sys_space_prio_ceiling(struct trapframe *tf);
long sys_exit(struct trapframe *tf);

#include "cpu.h"
#include <platform/mmu.h>
#include <platform/platform.h>

/* Load s into this hart's satp and do nothing else: what space_switch does
 * when this hart owes no flush for s (stale_harts) and the space it leaves
 * stays alive. The fastpath checks both in its guards. */
static inline void space_load_satp(struct cpu *c, struct space *s)
{
    c->space = s;
    platform_set_satp(s->satp);
}

#endif
