/* User address-space layout and the read-only kernel info page.
 *
 *   0x00_0000_0000 +--------------------------+
 *                  | unmapped (NULL guard)    |
 *   0x00_0001_0000 +--------------------------+ CHIME_USER_BASE
 *                  | program image, heap,     |  chosen by the ELF loader
 *                  | stacks (libos)           |  and libos
 *   0x20_0000_0000 +--------------------------+ CHIME_KAREA_BASE
 *                  | kernel-placed mappings:  |  IPC buffers, lend windows,
 *                  | allocated by the kernel  |  uintr state pages, control
 *                  |                          |  rings. Users cannot map here.
 *   0x3f_ffff_f000 +--------------------------+ CHIME_INFO_VA (read-only)
 *   0x40_0000_0000 +--------------------------+ CHIME_USER_TOP
 *                  | (Sv39 hole)              |
 *   0xffff_ffc0_.. | kernel: direct map of    |
 *                  | physical memory          |
 */
#ifndef CHIME_LAYOUT_H
#define CHIME_LAYOUT_H

#include <stdint.h>

#define CHIME_USER_BASE  0x10000ull
#define CHIME_KAREA_BASE 0x2000000000ull
#define CHIME_INFO_VA    0x3ffffff000ull
#define CHIME_USER_TOP   0x4000000000ull

#define CHIME_MAX_HARTS 8

/* Per-hart entry in the info page. */
struct chime_hart_info {
    uint64_t running_thread; /* id of the thread running now (0 = idle) */
    uint64_t running_space;  /* id of its address space (0 = idle) */
};
_Static_assert(sizeof(struct chime_hart_info) == 16, "chime_hart_info layout");

/* The info page, mapped read-only at CHIME_INFO_VA in every process.
 * The kernel updates it; user space only reads. */
struct chime_info {
    uint32_t magic;       /* CHIME_INFO_MAGIC */
    uint32_t nharts;      /* harts online */
    uint64_t timebase_hz; /* frequency of the `time` CSR (rdtime) */
    uint64_t boot_time;   /* rdtime at kernel entry */
    struct chime_hart_info hart[CHIME_MAX_HARTS];
    /* The wall clock: ns since the Unix epoch at SYS_CLOCK_GET's zero, so
     * CLOCK_REALTIME = realtime_base + SYS_CLOCK_GET. 0 until the root task
     * sets it from a real-time clock (SYS_CLOCK_SET_REALTIME). */
    uint64_t realtime_base;
};
#define CHIME_INFO_MAGIC 0x4f464e49u /* "INFO" */

/* Handles the kernel gives the root task (init), at these fixed indices.
 * Device handles follow from CHIME_BOOT_H_DEVICES: for each device the DTB
 * names (UART, RTC, virtio-mmio slots) one frames handle for its MMIO
 * registers and one IRQ handle, described by struct chime_boot_device
 * records that the kernel writes into init's address space. */
enum chime_boot_handle {
    CHIME_BOOT_H_SPACE = 0,   /* init's own space */
    CHIME_BOOT_H_THREAD = 1,  /* init's first thread */
    CHIME_BOOT_H_ARCHIVE = 2, /* the boot archive (cpio newc), read-only frames */
    CHIME_BOOT_H_DEVICES = 3,
};

/* One device given to init (see struct chime_boot_info). */
struct chime_boot_device {
    char compatible[32]; /* first DTB "compatible" string, truncated */
    uint64_t mmio_base;  /* physical address of its registers */
    uint64_t mmio_size;
    int32_t mmio_handle; /* frames handle in init's table */
    int32_t irq_handle;  /* IRQ handle, -1 when the device has none */
    uint32_t irq;        /* PLIC source number, 0 when none */
    uint32_t reserved;
};

/* What init finds at CHIME_BOOTINFO_VA (read-only), written by the kernel. */
struct chime_boot_info {
    uint32_t magic; /* CHIME_BOOTINFO_MAGIC */
    uint32_t ndevices;
    uint64_t archive_size; /* bytes in the boot archive */
    char cmdline[256];     /* /chosen/bootargs, NUL-terminated */
    struct chime_boot_device device[16];
};
#define CHIME_BOOTINFO_MAGIC 0x544f4f42u /* "BOOT" */
#define CHIME_BOOTINFO_VA    (CHIME_INFO_VA - 0x2000ull)

/* Exit status of a process the kernel ended: after a fault, or killed by
 * SYS_SPACE_KILL without a status of its own. Both fit in 8 bits, as the
 * status reaches QEMU's exit code through the test finisher (shell
 * convention: 128 + SIGSEGV, 128 + SIGKILL). */
#define CHIME_STATUS_FAULT  139
#define CHIME_STATUS_KILLED 137
/* SYS_EXIT and SYS_SPACE_KILL keep only these bits of the status they are
 * given: every exit status is 0..255, never a negative error code. */
#define CHIME_STATUS_MASK 0xff

_Static_assert(sizeof(struct chime_boot_device) == 64, "boot device record is 64 bytes");
_Static_assert(sizeof(struct chime_boot_info) <= 4096, "boot info fits a page");
_Static_assert(sizeof(struct chime_info) <= 4096, "info page fits a page");

#endif
