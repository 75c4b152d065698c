/* Starting the root task: the kernel loads `init` from the boot archive and
 * hands it handles to the archive and to every device the DTB lists. Every
 * other program is loaded by user space (libos), so this is the kernel's only
 * ELF loader. */
#include "boot.h"
#include "lib/cpio.h"
#include "dma.h"
#include "frame.h"
#include "frames.h"
#include "info.h"
#include "irq.h"
#include <platform/mmu.h>
#include "space.h"
#include "thread.h"
#include "vm.h"
#include "lib/elf.h"
#include <chime/errno.h>
#include <chime/layout.h>

#define INIT_STACK_TOP  0x1000000000ull
#define INIT_STACK_SIZE (256 * 1024ull)

/* Copy len bytes to user va in s (mapped, owned by the kernel's loader). */
static void load_bytes(struct space *s, uint64_t va, const uint8_t *src, uint64_t len)
{
    while (len) {
        uint64_t chunk = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        memcpy(phys_to_virt(pt_translate(s->root, va, 0)), src, chunk);
        va += chunk;
        src += chunk;
        len -= chunk;
    }
}

/* Map a segment's pages (sharing a page with a neighbour adds permissions). */
static int map_segment(struct space *s, const struct elf_segment *seg)
{
    uint64_t first = ALIGN_DOWN(seg->vaddr, PAGE_SIZE);
    uint64_t end = ALIGN_UP(seg->vaddr + seg->memsz, PAGE_SIZE);
    for (uint64_t va = first; va < end; va += PAGE_SIZE) {
        uint64_t *pte = pt_walk(s->root, va, false);
        if (pte && (*pte & PTE_V))
            *pte |= pt_user_flags(seg->prot);
        else if (pt_map_range(s->root, va, PAGE_SIZE, 0, seg->prot) < 0)
            return CHIME_ENOMEM;
    }
    return 0;
}

/* Build argv on the stack from the command line: "init" then its words.
 * Returns the initial sp; *argc and *argv_va describe what it pushed. */
static uint64_t push_args(struct space *s, const char *cmdline, uint64_t *argc, uint64_t *argv_va)
{
    char strings[320];
    uint64_t offs[33];
    size_t n = 0, used = 0;
    const char *words = cmdline;
    memcpy(strings, "init", 5);
    offs[n++] = 0;
    used = 5;
    while (*words && n < 32) {
        while (*words == ' ')
            words++;
        if (!*words)
            break;
        offs[n++] = used;
        while (*words && *words != ' ' && used < sizeof(strings) - 1)
            strings[used++] = *words++;
        strings[used++] = 0;
    }
    uint64_t str_va = INIT_STACK_TOP - ALIGN_UP(used, 16);
    uint64_t vec_va = str_va - ALIGN_UP((n + 2) * 8, 16); /* argv[n] = NULL, envp = NULL */
    uint64_t vec[34];
    for (size_t i = 0; i < n; i++)
        vec[i] = str_va + offs[i];
    vec[n] = 0;
    vec[n + 1] = 0;
    load_bytes(s, str_va, (const uint8_t *)strings, used);
    load_bytes(s, vec_va, (const uint8_t *)vec, (n + 2) * 8);
    *argc = n;
    *argv_va = vec_va;
    return vec_va;
}

/* Give init its boot handles and describe them in the boot info page. */
static void give_handles(struct space *s, const struct fdt_machine *m, struct chime_boot_info *bi)
{
    uint64_t size = m->initrd_end - m->initrd_start;
    struct frames *archive = frames_create(m->initrd_start, ALIGN_UP(size, PAGE_SIZE), false);
    if (!archive || handle_install(&s->handles, &archive->obj, CHIME_R_READ | CHIME_R_GRANT) !=
                        CHIME_BOOT_H_ARCHIVE)
        panic("boot: cannot give init the archive");
    kobj_put(&archive->obj);
    bi->archive_size = size;
    for (int i = 0; i < m->ndev && i < (int)ARRAY_SIZE(bi->device); i++) {
        const struct fdt_device *d = &m->dev[i];
        struct chime_boot_device *bd = &bi->device[bi->ndevices++];
        memcpy(bd->compatible, d->compatible, sizeof(bd->compatible));
        bd->compatible[sizeof(bd->compatible) - 1] = 0;
        bd->mmio_base = d->base;
        bd->mmio_size = ALIGN_UP(d->size, PAGE_SIZE);
        bd->irq = d->irq;
        bd->mmio_handle = -1;
        bd->irq_handle = -1;
        struct frames *f = frames_create(ALIGN_DOWN(d->base, PAGE_SIZE), bd->mmio_size, false);
        if (f) {
            bd->mmio_handle =
                handle_install(&s->handles, &f->obj, CHIME_R_READ | CHIME_R_WRITE | CHIME_R_GRANT);
            kobj_put(&f->obj);
        }
        struct irq_line *l = d->irq ? irq_line_create(d->irq) : NULL;
        if (l) {
            bd->irq_handle = handle_install(&s->handles, &l->obj, CHIME_R_MANAGE | CHIME_R_GRANT);
            kobj_put(&l->obj);
        }
    }
}

void boot_start_init(const struct fdt_machine *m)
{
    if (!m->initrd_start || m->initrd_end <= m->initrd_start)
        panic("boot: no boot archive (QEMU -initrd)");
    const void *archive = phys_to_virt(m->initrd_start);
    size_t size = m->initrd_end - m->initrd_start;
    struct cpio_entry e;
    if (cpio_find(archive, size, "init", &e) != CPIO_OK)
        panic("boot: no 'init' in the boot archive");
    struct elf_image img;
    int r = elf_parse(e.data, e.size, CHIME_USER_BASE, CHIME_KAREA_BASE, &img);
    if (r < 0)
        panic("boot: init: %s", elf_strerror(r));

    struct space *s = space_create("init", 4);
    if (!s)
        panic("boot: no memory for init");
    s->root_task = true;
    s->prio_ceiling = CHIME_PRIO_MAX; /* init sets everyone else's */
    for (int i = 0; i < img.nseg; i++)
        if (map_segment(s, &img.seg[i]) < 0)
            panic("boot: no memory for init's image");
    for (int i = 0; i < img.nseg; i++)
        load_bytes(s, img.seg[i].vaddr, (const uint8_t *)e.data + img.seg[i].offset,
                   img.seg[i].filesz);
    if (pt_map_range(s->root, INIT_STACK_TOP - INIT_STACK_SIZE, INIT_STACK_SIZE, 0,
                     CHIME_PROT_READ | CHIME_PROT_WRITE) < 0)
        panic("boot: no memory for init's stack");

    uint64_t bi_pa = frame_alloc();
    if (!bi_pa || pt_map_range(s->root, CHIME_BOOTINFO_VA, PAGE_SIZE, bi_pa, CHIME_PROT_READ) < 0)
        panic("boot: no memory for boot info");
    struct chime_boot_info *bi = phys_to_virt(bi_pa);
    bi->magic = CHIME_BOOTINFO_MAGIC;
    memcpy(bi->cmdline, m->bootargs, sizeof(bi->cmdline) - 1);
    /* The boot-info frame belongs to init's mapping from now on. */
    *pt_walk(s->root, CHIME_BOOTINFO_VA, false) |= PTE_SW_OWNED;

    uint64_t argc, argv;
    uint64_t sp = push_args(s, bi->cmdline, &argc, &argv);
    struct thread *t = thread_create(s, img.entry, sp, argc, 0, 0);
    if (!t || handle_install(&s->handles, &t->obj, CHIME_R_ALL) != CHIME_BOOT_H_THREAD)
        panic("boot: cannot start init");
    t->tf.a1 = argv;
    t->tf.a2 = argv + (argc + 1) * 8;
    give_handles(s, m, bi);
    dma_give_root(s);
    kprintf("chime: init loaded (%d segments, entry 0x%lx), %u devices\n", img.nseg, img.entry,
            bi->ndevices);
}
