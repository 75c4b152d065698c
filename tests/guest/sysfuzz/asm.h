/* Numbers the assembly of sysfuzz needs (stub.S, blob.S). The enum in
 * include/chime/syscall.h cannot be used from assembly; calls.c checks
 * every value here against it with _Static_assert. */
#ifndef SYSFUZZ_ASM_H
#define SYSFUZZ_ASM_H

#define FZ_SYS_YIELD               12
#define FZ_SYS_SLEEP               13
#define FZ_SYS_THREAD_EXIT         11
#define FZ_SYS_EXIT                29
#define FZ_SYS_HANDLE_CLOSE        30
#define FZ_SYS_HANDLE_INFO         32
#define FZ_SYS_UINTR_VECTOR_CREATE 42
#define FZ_SYS_UINTR_WAIT          46
#define FZ_SYS_URET                48

/* Values the stub loads into the registers a syscall must preserve; one
 * pattern per register so a swap shows too (see stub.S). */
#define FZ_CANARY(reg) (0x5a5a0000 + (reg))

/* Offsets of the blobs in the code page of a created space (blob.S). */
#define FZ_BLOB_EXIT  0x0  /* exit with status a0 & 0xff */
#define FZ_BLOB_YIELD 0x40 /* yield (a0 & 0x3ff) + 1 times, then thread exit */
#define FZ_BLOB_CALLS 0x80 /* a few handle and uintr calls, then exit 0 */
#define FZ_BLOB_SIZE  0x100

#endif
