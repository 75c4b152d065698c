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

/* Syscall numbers: plain #defines, so assembly (platform/riscv/trap_entry.S)
 * reads the same ones as C. Each call's arguments and result are in the
 * comment above it. A new syscall takes the next free number of its group
 * and raises SYS_COUNT past it if needed (the kernel's table has SYS_COUNT
 * entries; a number without a handler returns CHIME_ENOSYS). */

/* ---- misc -------------------------------------------------------- */
/* () -> 0: the cheapest round trip (benchmarks) */
#define SYS_NULL 0
/* (buf, len) -> len: write bytes to the console */
#define SYS_DEBUG_WRITE 1
/* () -> ns since boot (monotonic) */
#define SYS_CLOCK_GET 2
/* () -> id of the hart the caller runs on */
#define SYS_HART_SELF 3
/* () -> free frames; a1 = total frames */
#define SYS_MEM_STATS 4
/* (status) root task only: stop the machine, QEMU exits with status */
#define SYS_POWEROFF 5
/* (addr, value, timeout) -> 0 once woken by SYS_FUTEX_WAKE; CHIME_EAGAIN at
 * once if the 32-bit word at addr is not value, CHIME_ETIMEDOUT after
 * timeout ns (0: at once). addr: 4-aligned (else CHIME_EINVAL), readable
 * user memory of the caller (else CHIME_EFAULT). Waking may be spurious:
 * callers re-check their word. */
#define SYS_FUTEX_WAIT 6
/* (addr, n) -> threads woken: up to n threads of the caller's process
 * waiting on addr, oldest first. Same address checks; n < 0: EINVAL */
#define SYS_FUTEX_WAKE 7
/* (thread h) -> times a scheduler started running the thread from a run
 * queue (direct IPC hand-offs not counted): a blocked thread's count stays
 * put */
#define SYS_THREAD_STATS 8

/* ---- threads ----------------------------------------------------- */
/* (space h, pc, sp, arg, tp, hart mask) -> thread h; the thread starts at
 * once at pc with a0 = arg, on a hart in mask (0 = any hart) */
#define SYS_THREAD_CREATE 10
/* () -> no return; the last thread's exit ends the process with status 0 */
#define SYS_THREAD_EXIT 11
/* () -> 0 */
#define SYS_YIELD 12
/* (ns) -> 0 after at least ns */
#define SYS_SLEEP 13
/* (thread h, prio 0..CHIME_PRIO_MAX) -> 0; CHIME_EPERM above its process's ceiling */
#define SYS_THREAD_PRIORITY 14
/* (thread h, hart mask) -> 0; 0 = any hart */
#define SYS_THREAD_AFFINITY 15
/* (thread h) -> kernel-wide thread id */
#define SYS_THREAD_ID 16
/* (space h, ceiling 0..CHIME_PRIO_MAX) -> 0: the most any thread of that
 * process may have; never above the caller's own (CHIME_EPERM); threads
 * above it drop to it */
#define SYS_SPACE_PRIO_CEILING 17

/* ---- address spaces / processes ---------------------------------- */
/* (name, name_len) -> space h: a new empty process whose handle 0 is its own
 * space; the name appears in fault reports */
#define SYS_SPACE_CREATE 20
/* (space h, va, len, prot) -> 0: zeroed frames; len <= CHIME_MAP_ANON_MAX */
#define SYS_SPACE_MAP_ANON 21
/* (space h, frames h, offset, va, len, prot) -> 0: map part of a frames
 * object, which the handle's READ/WRITE/EXEC rights bound for good (PROTECT
 * cannot exceed them); len <= CHIME_MAP_RANGE_MAX */
#define SYS_SPACE_MAP_FRAMES 22
/* (space h, va, len) -> 0; len <= CHIME_MAP_RANGE_MAX */
#define SYS_SPACE_UNMAP 23
/* (space h, va, len, prot) -> 0; CHIME_EPERM past what a page's mapping
 * allows; len <= CHIME_MAP_RANGE_MAX */
#define SYS_SPACE_PROTECT 24
/* (space h, dst va, src, len) -> 0: copy from the caller into another space
 * it holds; only into writable pages (else CHIME_EPERM and nothing written) */
#define SYS_SPACE_WRITE 25
/* (space h, h, rights) -> handle in that space */
#define SYS_SPACE_GRANT 26
/* (space h, timeout) -> exit status 0..255 */
#define SYS_SPACE_WAIT 27
/* (space h, status) -> 0; status & 0xff */
#define SYS_SPACE_KILL 28
/* (status) -> no return: end the process with status & 0xff */
#define SYS_EXIT 29

/* ---- handles ----------------------------------------------------- */
/* (h) -> 0 */
#define SYS_HANDLE_CLOSE 30
/* (h, rights) -> new h with rights & old rights */
#define SYS_HANDLE_DUP 31
/* (h) -> object type; a1 = size for frames */
#define SYS_HANDLE_INFO 32

/* ---- user-mode interrupts (see uintr.h) -------------------------- */
/* (entry, flags) -> state page va */
#define SYS_UINTR_REGISTER_HANDLER 40
/* (flags) -> 0 */
#define SYS_UINTR_UNREGISTER_HANDLER 41
/* (vector 0..63) -> vector h */
#define SYS_UINTR_VECTOR_CREATE 42
/* (vector h) -> sender index */
#define SYS_UINTR_REGISTER_SENDER 43
/* (index) -> 0 */
#define SYS_UINTR_UNREGISTER_SENDER 44
/* (index) -> 0 */
#define SYS_UIPI_SEND 45
/* (timeout) -> 0, a1 = the pending bits it consumed (never 0 on success) */
#define SYS_UINTR_WAIT 46
/* (index, timeout) -> 0, a1 = bits; clobbers t0-t6 and a2-a7 (a call would
 * clobber a2-a7 and t0-t6: the fastpath saves no more) */
#define SYS_UINTR_SEND_WAIT 47
/* () -> resumes the interrupted code */
#define SYS_URET 48
/* (irq h, vector) -> 0 */
#define SYS_IRQ_BIND 49
/* (irq h) -> 0: unmask the line */
#define SYS_IRQ_ACK 50

/* ---- IPC (see ipc.h) --------------------------------------------- */
/* (name, name_len, vector) -> service h; a1 = control page va */
#define SYS_IPC_SERVE 60
/* (name, name_len, buf size, vector, struct ipc_conn_info *out) -> conn h */
#define SYS_IPC_CONNECT 61
/* (conn h) -> 0 */
#define SYS_IPC_DISCONNECT 62
/* (conn h, va, len, prot) -> va in the server */
#define SYS_IPC_LEND 63
/* (conn h, server va) -> 0 */
#define SYS_IPC_UNLEND 64
/* (server conn h, struct ipc_conn_state *out) -> IPC_CONN_LIVE (out written)
 * or IPC_CONN_GONE (the client has gone) */
#define SYS_IPC_CONN_STATE 65

/* ---- DMA, for drivers (see docs/write-a-driver.md) ---------------
 * dma h: a handle to the caller's own space carrying CHIME_R_DMA
 * (CHIME_SELF never does); without it these fail with CHIME_EPERM. */
/* (dma h, space h) -> handle, in that space, to itself with CHIME_R_DMA;
 * space h needs CHIME_R_MANAGE */
#define SYS_DMA_GRANT 70
/* (dma h, len) -> va: zeroed, physically contiguous, pinned read-write
 * memory (up to 1 MiB) in the kernel-placed area, freed when unmapped or at
 * exit; a1 = its physical address */
#define SYS_DMA_ALLOC 71
/* (dma h, va, len, uint64_t *out, max) -> pages: out[i] = physical address
 * of page i of [va, va+len), which must be kernel-placed memory (connection
 * buffers, lends, DMA memory) and mapped; CHIME_ERANGE if more than max (or
 * 512) pages. In a lend window the lend must be live and hold the range
 * (else CHIME_EFAULT), and the whole lend's frames get pinned (once per
 * lend): if the client unlends, unmaps or exits, they are not reused until
 * SYS_DMA_RELEASE or the server's side of the connection closes */
#define SYS_DMA_PHYS 72
/* (dma h, lend va, gen) -> 0: drop the pin SYS_DMA_PHYS took on the lend
 * with lend-table generation gen in the slot holding va (call it when the
 * device is done with that lend); CHIME_EINVAL (va in no lend window the
 * caller serves), CHIME_ENOENT (no such pin) */
#define SYS_DMA_RELEASE 73

/* ---- pipes (see pipe.h) ------------------------------------------ */
/* (flags = 0) -> read-end h; a1 = write-end h */
#define SYS_PIPE_CREATE 80
/* (end h) -> va of the pipe's area in the caller (one counted mapping per process and pipe) */
#define SYS_PIPE_MAP 81
/* (end h) -> 0: drop one count of the mapping; the last unmaps it and ends
 * its watches; CHIME_ENOENT when the caller maps none */
#define SYS_PIPE_UNMAP 82
/* (end h, vector h) -> 0: raise the vector when the far side notifies or
 * closes; needs a mapping (CHIME_ENOENT) and a vector with WRITE;
 * CHIME_ENOMEM when the side has CHIME_PIPE_WATCHES live watches */
#define SYS_PIPE_WATCH 83
/* (end h) -> 0: raise the far side's watches */
#define SYS_PIPE_NOTIFY 84

/* ---- system information (see sysinfo.h) ------------------------- */
/* (kind, first, buf, max) -> records of that kind; records first.. written
 * to buf (at most max <= SYSINFO_MAX) */
#define SYS_SYSINFO 91
/* () root task only: restart the machine (SBI system reset, cold reboot) */
#define SYS_REBOOT 92
/* (ns since the Unix epoch) root task only -> 0: set the wall clock (the
 * info page's realtime_base) so CLOCK_REALTIME reads ns now */
#define SYS_CLOCK_SET_REALTIME 93

/* One past the highest number: the size of the kernel's table. */
#define SYS_COUNT 94

/* The most one mapping call covers: the kernel does a call's work under
 * its one lock, so each is bounded. MAP_ANON zeroes at most
 * CHIME_MAP_ANON_MAX bytes of fresh frames (and refuses with CHIME_ENOMEM,
 * before any work, more pages than are free); MAP_FRAMES, UNMAP and
 * PROTECT cover at most CHIME_MAP_RANGE_MAX bytes, skipping absent page
 * tables whole. A longer request is CHIME_EINVAL: split it. */
#define CHIME_MAP_ANON_MAX  (2ull << 20)
#define CHIME_MAP_RANGE_MAX (64ull << 20)

/* Priorities: higher runs first; round robin within one priority. New
 * threads start at CHIME_PRIO_DEFAULT (or their ceiling, if lower). Every
 * process has a priority ceiling its threads cannot exceed: init's is
 * CHIME_PRIO_MAX; a new process gets its creator's or CHIME_PRIO_DEFAULT,
 * whichever is lower, until its creator sets another (at most its own,
 * SYS_SPACE_PRIO_CEILING). So a process can only starve threads of
 * priorities its parent let it reach. */
#define CHIME_PRIO_MAX     31
#define CHIME_PRIO_DEFAULT 10

#endif
