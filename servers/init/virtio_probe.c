/* init: find the virtio-blk disk and start the blk driver on it.
 *
 * The DTB lists every virtio-mmio transport slot ("virtio,mmio"), and the
 * kernel gave init one MMIO and one IRQ handle for each (boot info). Which
 * slot holds a disk is the device's business: read each slot's magic,
 * version and device id, never assume a slot number. */
#include <stdio.h>
#include <string.h>

#include <chime/layout.h>
#include <chime/types.h>

#include <libos/spawn.h>
#include <libos/syscall.h>

#include "virtio_probe.h"

#define PROBE_VA     0x1c00000000ull /* free in the libos layout */
#define VIRTIO_MAGIC 0x74726976u     /* "virt" */

#define REG_MAGIC     0x000
#define REG_VERSION   0x004
#define REG_DEVICE_ID 0x008

/* The device id in slot d (0: none or not a modern virtio device). */
static uint32_t slot_device_id(const struct chime_boot_device *d)
{
    volatile uint32_t *r = (volatile uint32_t *)PROBE_VA;
    uint32_t id = 0;

    if (d->mmio_handle < 0 || syscall6(SYS_SPACE_MAP_FRAMES, CHIME_SELF, d->mmio_handle, 0,
                                       (long)PROBE_VA, CHIME_PAGE_SIZE, CHIME_PROT_READ) < 0)
        return 0;
    if (r[REG_MAGIC / 4] == VIRTIO_MAGIC && r[REG_VERSION / 4] == 2)
        id = r[REG_DEVICE_ID / 4];
    syscall3(SYS_SPACE_UNMAP, CHIME_SELF, (long)PROBE_VA, CHIME_PAGE_SIZE);
    return id;
}

const struct chime_boot_device *virtio_find(const struct chime_boot_info *bi, uint32_t device_id)
{
    for (uint32_t i = 0; bi != NULL && i < bi->ndevices; i++) {
        const struct chime_boot_device *d = &bi->device[i];

        if (strcmp(d->compatible, "virtio,mmio") == 0 && d->irq_handle >= 0 &&
            slot_device_id(d) == device_id)
            return d;
    }
    return NULL;
}

int start_blk(const struct chime_boot_info *bi, pid_t *pid)
{
    const struct chime_boot_device *d = virtio_find(bi, VIRTIO_ID_BLOCK);
    posix_spawnattr_t attr;
    char *argv[] = {"blk", NULL};
    char *envp[] = {NULL};
    int err;

    if (d == NULL)
        return -1;
    if (posix_spawnattr_init(&attr) != 0)
        return -1;
    /* Only this device's registers and line, and the right to DMA. */
    chime_spawnattr_grant(&attr, d->mmio_handle, CHIME_R_READ | CHIME_R_WRITE, "BLK_MMIO");
    chime_spawnattr_grant(&attr, d->irq_handle, CHIME_R_MANAGE, "BLK_IRQ");
    chime_spawnattr_grant(&attr, CHIME_BOOT_H_SPACE, CHIME_R_DMA, "BLK_DMA");
    err = posix_spawn(pid, "blk", NULL, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    if (err != 0) {
        printf("init: cannot start blk: %s\n", strerror(err));
        return -1;
    }
    printf("init: blk started on the virtio disk at 0x%llx\n", (unsigned long long)d->mmio_base);
    return 0;
}
