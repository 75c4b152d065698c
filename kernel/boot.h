/* Loading the root task (boot.c). */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <platform/fdt.h>

void boot_start_init(const struct fdt_machine *m);

#endif
