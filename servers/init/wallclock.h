/* init: the wall clock from the machine's real-time clock (wallclock.c). */
#ifndef INIT_WALLCLOCK_H
#define INIT_WALLCLOCK_H

#include <chime/layout.h>

/* Read the goldfish RTC of QEMU virt, if bi lists one, and set
 * CLOCK_REALTIME from it (SYS_CLOCK_SET_REALTIME). 0, or -1 when there is
 * no RTC or it cannot be read (CLOCK_REALTIME then starts at the epoch). */
int wallclock_set_from_rtc(const struct chime_boot_info *bi);

#endif
