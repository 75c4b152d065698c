/* init: virtio-mmio slots, by device id (virtio_probe.c). */
#ifndef INIT_VIRTIO_PROBE_H
#define INIT_VIRTIO_PROBE_H

#include <stdint.h>
#include <sys/types.h>

#include <chime/layout.h>

#define VIRTIO_ID_BLOCK 2u /* virtio 1.x device id of a block device */

/* The first virtio-mmio slot whose device has device_id, or NULL. */
const struct chime_boot_device *virtio_find(const struct chime_boot_info *bi, uint32_t device_id);

/* If the machine has a virtio-blk disk, start servers/blk on it (its MMIO
 * and IRQ handles and CHIME_R_DMA only). 0 and *pid, or -1 (no disk, or it
 * could not start; said on the console). */
int start_blk(const struct chime_boot_info *bi, pid_t *pid);

#endif
