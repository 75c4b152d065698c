/* Chime syscall ABI.
 *
 * ecall with a7 = number, a0..a5 = arguments. On return a0 = result (>= 0) or
 * a negative CHIME_E* code, a1 = a second result where noted. All other
 * registers are preserved. Pointer arguments must lie wholly in user space
 * (below CHIME_USER_TOP); anything else returns CHIME_EFAULT.
 *
 * Handles (h) are indices in the caller's handle table; CHIME_SELF names the
 * caller's own thread or space. Times are in nanoseconds of the monotonic
 * clock; a timeout of CHIME_FOREVER waits without limit, 0 polls. */
#ifndef CHIME_SYSCALL_H
#define CHIME_SYSCALL_H

#define CHIME_FOREVER (~0ull)

enum chime_sysno {
    /* ---- misc -------------------------------------------------------- */
    SYS_NULL = 0,            /* () -> 0: the cheapest round trip (benchmarks) */
    SYS_DEBUG_WRITE = 1,     /* (buf, len) -> len: write bytes to the console */
    SYS_CLOCK_GET = 2,       /* () -> ns since boot (monotonic) */
    SYS_HART_SELF = 3,       /* () -> id of the hart the caller runs on */
    SYS_MEM_STATS = 4,       /* () -> free frames; a1 = total frames */
    SYS_POWEROFF = 5,        /* (status) root task only: stop the machine,
                                QEMU exits with status */

    /* ---- threads ----------------------------------------------------- */
    SYS_THREAD_CREATE = 10,  /* (space h, pc, sp, arg, tp, hart mask) -> thread h;
                                the thread starts at once at pc with a0 = arg,
                                on a hart in mask (0 = any hart) */
    SYS_THREAD_EXIT = 11,    /* () -> no return; the last thread's exit
                                ends the process with status 0 */
    SYS_YIELD = 12,          /* () -> 0 */
    SYS_SLEEP = 13,          /* (ns) -> 0 after at least ns */
    SYS_THREAD_PRIORITY = 14,/* (thread h, prio 0..CHIME_PRIO_MAX) -> 0 */
    SYS_THREAD_AFFINITY = 15,/* (thread h, hart mask) -> 0; 0 = any hart */
    SYS_THREAD_ID = 16,      /* (thread h) -> kernel-wide thread id */

    /* ---- address spaces / processes ---------------------------------- */
    SYS_SPACE_CREATE = 20,   /* (name, name_len) -> space h: a new empty
                                process whose handle 0 is its own space; the
                                name appears in fault reports */
    SYS_SPACE_MAP_ANON = 21, /* (space h, va, len, prot) -> 0: zeroed frames */
    SYS_SPACE_MAP_FRAMES = 22, /* (space h, frames h, offset, va, len, prot)
                                -> 0: map part of a frames object */
    SYS_SPACE_UNMAP = 23,    /* (space h, va, len) -> 0 */
    SYS_SPACE_PROTECT = 24,  /* (space h, va, len, prot) -> 0 */
    SYS_SPACE_WRITE = 25,    /* (space h, dst va, src, len) -> 0: copy from the
                                caller into another space it holds */
    SYS_SPACE_GRANT = 26,    /* (space h, h, rights) -> handle in that space */
    SYS_SPACE_WAIT = 27,     /* (space h, timeout) -> exit status */
    SYS_SPACE_KILL = 28,     /* (space h, status) -> 0 */
    SYS_EXIT = 29,           /* (status) -> no return: end the process */

    /* ---- handles ----------------------------------------------------- */
    SYS_HANDLE_CLOSE = 30,   /* (h) -> 0 */
    SYS_HANDLE_DUP = 31,     /* (h, rights) -> new h with rights & old rights */
    SYS_HANDLE_INFO = 32,    /* (h) -> object type; a1 = size for frames */

    /* ---- user-mode interrupts (see uintr.h) -------------------------- */
    SYS_UINTR_REGISTER_HANDLER = 40,   /* (entry, flags) -> state page va */
    SYS_UINTR_UNREGISTER_HANDLER = 41, /* (flags) -> 0 */
    SYS_UINTR_VECTOR_CREATE = 42,      /* (vector 0..63) -> vector h */
    SYS_UINTR_REGISTER_SENDER = 43,    /* (vector h) -> sender index */
    SYS_UINTR_UNREGISTER_SENDER = 44,  /* (index) -> 0 */
    SYS_UIPI_SEND = 45,                /* (index) -> 0 */
    SYS_UINTR_WAIT = 46,               /* (timeout) -> 0, a1 = the pending bits
                                          it consumed (never 0 on success) */
    SYS_UINTR_SEND_WAIT = 47,          /* (index, timeout) -> 0, a1 = bits;
                                          clobbers t0-t6 and a2-a7 (a call
                                          would clobber a2-a7 and t0-t6: the
                                          fastpath saves no more) */
    SYS_URET = 48,                     /* () -> resumes the interrupted code */
    SYS_IRQ_BIND = 49,                 /* (irq h, vector) -> 0 */
    SYS_IRQ_ACK = 50,                  /* (irq h) -> 0: unmask the line */

    /* ---- IPC (see ipc.h) --------------------------------------------- */
    SYS_IPC_SERVE = 60,      /* (name, name_len, vector) -> service h;
                                a1 = control ring va */
    SYS_IPC_CONNECT = 61,    /* (name, name_len, buf size, vector,
                                struct ipc_conn_info *out) -> conn h */
    SYS_IPC_DISCONNECT = 62, /* (conn h) -> 0 */
    SYS_IPC_LEND = 63,       /* (conn h, va, len, prot) -> va in the server */
    SYS_IPC_UNLEND = 64,     /* (conn h, server va) -> 0 */

    /* ---- pipes (see pipe.h) ------------------------------------------ */
    SYS_PIPE_CREATE = 80,    /* (flags = 0) -> read-end h; a1 = write-end h */
    SYS_PIPE_MAP = 81,       /* (end h) -> va of the pipe's area in the caller
                                (one counted mapping per process and pipe) */
    SYS_PIPE_UNMAP = 82,     /* (end h) -> 0: drop one count of the mapping;
                                the last unmaps it and ends its watches;
                                CHIME_ENOENT when the caller maps none */
    SYS_PIPE_WATCH = 83,     /* (end h, vector h) -> 0: raise the vector when
                                the far side notifies or closes; needs a
                                mapping (CHIME_ENOENT) and a vector with
                                WRITE; CHIME_ENOMEM when the side has
                                CHIME_PIPE_WATCHES live watches */
    SYS_PIPE_NOTIFY = 84,    /* (end h) -> 0: raise the far side's watches */

    SYS_COUNT = 90
};

/* Priorities: higher runs first; round robin within one priority. */
#define CHIME_PRIO_MAX 31
#define CHIME_PRIO_DEFAULT 10

#endif
