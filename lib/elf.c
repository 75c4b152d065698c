/* ELF64 executable parser: see elf.h. Field layouts from the System V gABI
 * (ELF-64 object file format) and the RISC-V psABI. Fields are read byte by
 * byte as little-endian, so the file needs no particular alignment. */
#include "lib/elf.h"

#include <chime/types.h>
#include <stdbool.h>
#include <string.h>

#define EI_NIDENT     16
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ET_EXEC       2
#define EM_RISCV      243
#define PT_LOAD       1
#define PT_DYNAMIC    2
#define PT_INTERP     3
#define PF_X          1u
#define PF_W          2u
#define PF_R          4u
#define ELF_EHDR_SIZE 64u
#define ELF_PHDR_SIZE 56u

struct elf64_ehdr {
    uint8_t ident[EI_NIDENT];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t phoff;
    uint16_t phentsize;
    uint16_t phnum;
};

struct elf64_phdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t filesz;
    uint64_t memsz;
};

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* p holds ELF_EHDR_SIZE bytes. */
static void read_ehdr(const uint8_t *p, struct elf64_ehdr *h)
{
    memcpy(h->ident, p, EI_NIDENT);
    h->type = le16(p + 16);
    h->machine = le16(p + 18);
    h->version = le32(p + 20);
    h->entry = le64(p + 24);
    h->phoff = le64(p + 32);
    h->phentsize = le16(p + 54);
    h->phnum = le16(p + 56);
}

/* p holds ELF_PHDR_SIZE bytes. */
static void read_phdr(const uint8_t *p, struct elf64_phdr *ph)
{
    ph->type = le32(p);
    ph->flags = le32(p + 4);
    ph->offset = le64(p + 8);
    ph->vaddr = le64(p + 16);
    ph->filesz = le64(p + 32);
    ph->memsz = le64(p + 40);
}

static int check_ehdr(const uint8_t *f, size_t len, struct elf64_ehdr *h)
{
    if (len < ELF_EHDR_SIZE)
        return ELF_ERR_TRUNC;
    read_ehdr(f, h);
    if (memcmp(h->ident, "\177ELF", 4) != 0)
        return ELF_ERR_MAGIC;
    if (h->ident[EI_CLASS] != ELFCLASS64)
        return ELF_ERR_CLASS;
    if (h->ident[EI_DATA] != ELFDATA2LSB)
        return ELF_ERR_DATA;
    if (h->ident[EI_VERSION] != EV_CURRENT || h->version != EV_CURRENT)
        return ELF_ERR_VERSION;
    if (h->machine != EM_RISCV)
        return ELF_ERR_MACHINE;
    if (h->type != ET_EXEC)
        return ELF_ERR_TYPE;
    if (h->phentsize != ELF_PHDR_SIZE || h->phnum == 0 || h->phnum > ELF_MAX_PHNUM ||
        h->phoff > len || (uint64_t)h->phnum * ELF_PHDR_SIZE > len - h->phoff)
        return ELF_ERR_PHDR;
    return 0;
}

static uint32_t prot_of(uint32_t flags)
{
    return ((flags & PF_R) ? CHIME_PROT_READ : 0) | ((flags & PF_W) ? CHIME_PROT_WRITE : 0) |
           ((flags & PF_X) ? CHIME_PROT_EXEC : 0);
}

/* Check one PT_LOAD header against the file and the address window. */
static int check_load(const struct elf64_phdr *ph, size_t len, uint64_t min_va, uint64_t max_va)
{
    if (ph->filesz > ph->memsz)
        return ELF_ERR_FILESZ;
    if (ph->offset > len || ph->filesz > len - ph->offset)
        return ELF_ERR_FILERANGE;
    if (ph->vaddr > UINT64_MAX - ph->memsz || ph->vaddr < min_va || ph->vaddr > max_va ||
        ph->memsz > max_va - ph->vaddr)
        return ELF_ERR_ADDR;
    if (ph->vaddr % ELF_PAGE_SIZE != ph->offset % ELF_PAGE_SIZE)
        return ELF_ERR_ALIGN;
    return 0;
}

static bool overlaps(const struct elf_segment *a, const struct elf_segment *b)
{
    return a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

/* Add a checked segment to img, refusing overlaps and overflow. */
static int add_segment(struct elf_image *img, const struct elf64_phdr *ph)
{
    struct elf_segment s = {
        .vaddr = ph->vaddr,
        .memsz = ph->memsz,
        .offset = ph->offset,
        .filesz = ph->filesz,
        .prot = prot_of(ph->flags),
    };

    for (int i = 0; i < img->nseg; i++)
        if (overlaps(&img->seg[i], &s))
            return ELF_ERR_OVERLAP;
    if (img->nseg == ELF_MAX_SEGMENTS)
        return ELF_ERR_TOOMANY;
    img->seg[img->nseg++] = s;
    if (s.vaddr + s.memsz > img->end)
        img->end = s.vaddr + s.memsz;
    return 0;
}

static bool entry_ok(const struct elf_image *img)
{
    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if ((s->prot & CHIME_PROT_EXEC) && img->entry >= s->vaddr &&
            img->entry - s->vaddr < s->memsz)
            return true;
    }
    return false;
}

int elf_parse(const void *file, size_t len, uint64_t min_va, uint64_t max_va, struct elf_image *out)
{
    const uint8_t *f = file;
    struct elf64_ehdr h;
    struct elf_image img;
    int err = check_ehdr(f, len, &h);

    if (err != 0)
        return err;
    memset(&img, 0, sizeof(img));
    img.entry = h.entry;
    for (uint16_t i = 0; i < h.phnum; i++) {
        struct elf64_phdr ph;
        read_phdr(f + h.phoff + (size_t)i * ELF_PHDR_SIZE, &ph);
        if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
            return ELF_ERR_DYNAMIC;
        if (ph.type != PT_LOAD)
            continue;
        err = check_load(&ph, len, min_va, max_va);
        if (err == 0 && ph.memsz != 0)
            err = add_segment(&img, &ph);
        if (err != 0)
            return err;
    }
    if (img.nseg == 0)
        return ELF_ERR_NOLOAD;
    if (!entry_ok(&img))
        return ELF_ERR_ENTRY;
    *out = img;
    return 0;
}

const char *elf_strerror(int err)
{
    switch (err) {
    case 0:
        return "success";
    case ELF_ERR_TRUNC:
        return "file shorter than an ELF header";
    case ELF_ERR_MAGIC:
        return "not an ELF file";
    case ELF_ERR_CLASS:
        return "not a 64-bit ELF file";
    case ELF_ERR_DATA:
        return "not a little-endian ELF file";
    case ELF_ERR_VERSION:
        return "unknown ELF version";
    case ELF_ERR_MACHINE:
        return "not a RISC-V ELF file";
    case ELF_ERR_TYPE:
        return "not an executable (ET_EXEC)";
    case ELF_ERR_PHDR:
        return "bad program header table";
    case ELF_ERR_DYNAMIC:
        return "dynamically linked executables are not supported";
    case ELF_ERR_FILESZ:
        return "segment file size exceeds its memory size";
    case ELF_ERR_FILERANGE:
        return "segment extends past the end of the file";
    case ELF_ERR_ADDR:
        return "segment address outside the user address range";
    case ELF_ERR_ALIGN:
        return "segment address and file offset not congruent modulo the page size";
    case ELF_ERR_OVERLAP:
        return "segments overlap";
    case ELF_ERR_NOLOAD:
        return "no loadable segment";
    case ELF_ERR_TOOMANY:
        return "too many loadable segments";
    case ELF_ERR_ENTRY:
        return "entry point outside an executable segment";
    default:
        return "unknown ELF error";
    }
}
