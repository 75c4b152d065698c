/* Finding the devices a parent delegated (chime_device_find, spawn.h). */
#include "spawn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The handle number in variable "CHIME_DEV<i><suffix>", or -1. */
static int device_handle(int i, const char *suffix)
{
    char name[32];
    snprintf(name, sizeof(name), "CHIME_DEV%d%s", i, suffix);
    const char *v = getenv(name);
    return v ? atoi(v) : -1;
}

int chime_device_find(const char *compatible, int *mmio_handle, int *irq_handle)
{
    for (int i = 0; i < 64; i++) {
        char name[32];
        snprintf(name, sizeof(name), "CHIME_DEV%d", i);
        const char *v = getenv(name);
        if (v == NULL)
            break;
        if (strcmp(v, compatible) == 0) {
            *mmio_handle = device_handle(i, "_MMIO");
            *irq_handle = device_handle(i, "_IRQ");
            return 0;
        }
    }
    return ENOENT;
}
