/* init: the wall clock (wallclock.h). The RTC is read once, at boot; from
 * then on CLOCK_REALTIME advances with the kernel's monotonic clock. The
 * RTC's handles stay init's, so a program it runs may still be given the
 * device (delegate_devices): reading the time changes nothing there. */
#include "wallclock.h"

#include <stdint.h>
#include <string.h>

#include <chime/syscall.h>
#include <chime/types.h>

#include <libos/syscall.h>

#define RTC_COMPATIBLE "google,goldfish-rtc"
#define RTC_TIME_LOW   0x00 /* ns since the epoch, low word: reading it latches */
#define RTC_TIME_HIGH  0x04 /* the high word as it was at that read */
/* Where init maps the registers for the read: a hole in the libos layout
 * (between the thread stacks and the main stack, libos.h). */
#define RTC_MAP_VA 0x1c00000000ull

int wallclock_set_from_rtc(const struct chime_boot_info *bi)
{
    const struct chime_boot_device *d = NULL;
    volatile uint32_t *regs = (volatile uint32_t *)RTC_MAP_VA;
    uint64_t lo, hi;

    uint32_t n = bi != NULL ? bi->ndevices : 0;

    if (n > sizeof(bi->device) / sizeof(bi->device[0]))
        n = sizeof(bi->device) / sizeof(bi->device[0]);
    for (uint32_t i = 0; i < n && d == NULL; i++)
        if (strncmp(bi->device[i].compatible, RTC_COMPATIBLE, sizeof(bi->device[i].compatible)) ==
            0)
            d = &bi->device[i];
    if (d == NULL || d->mmio_handle < 0)
        return -1;
    if (syscall6(SYS_SPACE_MAP_FRAMES, CHIME_SELF, d->mmio_handle, 0, (long)RTC_MAP_VA,
                 CHIME_PAGE_SIZE, CHIME_PROT_READ) != 0)
        return -1;
    lo = regs[RTC_TIME_LOW / 4];
    hi = regs[RTC_TIME_HIGH / 4];
    syscall3(SYS_SPACE_UNMAP, CHIME_SELF, (long)RTC_MAP_VA, CHIME_PAGE_SIZE);
    return syscall1(SYS_CLOCK_SET_REALTIME, (long)(hi << 32 | lo)) == 0 ? 0 : -1;
}
