/* ELF64 executable parser: validates a static RISC-V ET_EXEC image and lists
 * the segments to map. Pure C with no system calls: posix_spawn maps what
 * elf_parse() returns. The file is untrusted: nothing outside
 * [file, file + len) is read, and every segment elf_parse() accepts lies in
 * the file (its file part) and in [min_va, max_va) (its memory part). */
#ifndef LIBOS_ELF_H
#define LIBOS_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8  /* PT_LOAD segments with memsz > 0 */
#define ELF_MAX_PHNUM    64 /* program headers, of any type */
#define ELF_PAGE_SIZE    4096u

/* One PT_LOAD segment: memory [vaddr, vaddr + memsz) gets file bytes
 * [offset, offset + filesz) at its start and zeros after them. */
struct elf_segment {
    uint64_t vaddr, memsz, offset, filesz;
    uint32_t prot; /* CHIME_PROT_* from include/chime/types.h */
};

struct elf_image {
    uint64_t entry;
    uint64_t end; /* highest vaddr + memsz of any segment (heap can start above) */
    int nseg;
    struct elf_segment seg[ELF_MAX_SEGMENTS]; /* in program header order */
};

/* Error codes (negative), one per class of defect. */
#define ELF_ERR_TRUNC     (-1)  /* file shorter than the ELF header */
#define ELF_ERR_MAGIC     (-2)  /* not \x7fELF */
#define ELF_ERR_CLASS     (-3)  /* not ELFCLASS64 */
#define ELF_ERR_DATA      (-4)  /* not little-endian */
#define ELF_ERR_VERSION   (-5)  /* ident or e_version is not EV_CURRENT */
#define ELF_ERR_MACHINE   (-6)  /* not EM_RISCV */
#define ELF_ERR_TYPE      (-7)  /* not ET_EXEC */
#define ELF_ERR_PHDR      (-8)  /* bad phentsize, phnum 0 or too big, table past the file */
#define ELF_ERR_DYNAMIC   (-9)  /* PT_INTERP or PT_DYNAMIC: only static images */
#define ELF_ERR_FILESZ    (-10) /* a segment's filesz exceeds its memsz */
#define ELF_ERR_FILERANGE (-11) /* a segment's file bytes run past the file */
#define ELF_ERR_ADDR      (-12) /* a segment wraps, starts below min_va or ends above max_va */
#define ELF_ERR_ALIGN     (-13) /* vaddr and offset differ modulo the page size */
#define ELF_ERR_OVERLAP   (-14) /* two segments share an address */
#define ELF_ERR_NOLOAD    (-15) /* no PT_LOAD segment with memsz > 0 */
#define ELF_ERR_TOOMANY   (-16) /* more than ELF_MAX_SEGMENTS such segments */
#define ELF_ERR_ENTRY     (-17) /* entry point not inside an executable segment */

/* Validate the ELF file (len bytes) and describe it in *out. Segments must
 * lie in [min_va, max_va), e.g. CHIME_USER_BASE and CHIME_KAREA_BASE from
 * include/chime/layout.h. Returns 0 or ELF_ERR_*; *out is filled only on 0. */
int elf_parse(const void *file, size_t len, uint64_t min_va, uint64_t max_va,
              struct elf_image *out);

/* A short English description of an elf_parse() result. */
const char *elf_strerror(int err);

#endif
