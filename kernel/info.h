/* The read-only info page every process sees at CHIME_INFO_VA. */
#ifndef KERNEL_INFO_H
#define KERNEL_INFO_H

#include <stdint.h>
#include <chime/layout.h>

extern struct chime_info *info_page;
extern uint64_t info_page_pa;

void info_init(uint32_t nharts, uint64_t timebase_hz, uint64_t boot_time);

static inline void info_set_running(struct chime_hart_info *h, uint64_t thread, uint64_t space)
{
    h->running_thread = thread;
    h->running_space = space;
}

#endif
