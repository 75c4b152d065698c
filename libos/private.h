/* libos internals shared by its C and assembly files (not for programs).
 * Only #defines here: crt0.S and thread_entry.S include it too. */
#ifndef LIBOS_PRIVATE_H
#define LIBOS_PRIVATE_H

/* Syscall numbers and CHIME_SELF for the assembly, checked against the
 * headers in thread.c. */
#define LIBOS_SYS_THREAD_EXIT 11
#define LIBOS_SYS_FUTEX_WAKE  7
#define LIBOS_SYS_SPACE_UNMAP 23
#define LIBOS_CHIME_SELF      (-1)

/* Offset of the done flag in struct chime_thread (checked in thread.c). */
#define LIBOS_THREAD_DONE_OFFSET 0

/* Alignment of TLS blocks: more than any .tdata/.tbss in a program needs
 * (user.ld checks __tls_align against it). */
#define LIBOS_TLS_ALIGN 64

#ifndef __ASSEMBLER__
#include <stddef.h>

/* Bytes a TLS block needs (the TLS segment, rounded to LIBOS_TLS_ALIGN). */
size_t libos_tls_size(void);

/* Fill a TLS block (LIBOS_TLS_ALIGN-aligned, libos_tls_size() bytes) with
 * the program's .tdata image and zeroed .tbss. */
void libos_tls_init(void *block);

/* Called by the spawn code and start.c: the archive handle to use. */
void libos_set_archive_handle(int h);
#endif

#endif
