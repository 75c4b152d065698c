/* The info page: one frame, written by the kernel, mapped read-only into
 * every address space (space_create). */
#include "info.h"
#include "frame.h"
#include "lib.h"
#include <platform/mmu.h>

struct chime_info *info_page;
uint64_t info_page_pa;

void info_init(uint32_t nharts, uint64_t timebase_hz, uint64_t boot_time)
{
    info_page_pa = frame_alloc();
    if (!info_page_pa)
        panic("info_init: no memory");
    info_page = phys_to_virt(info_page_pa);
    info_page->magic = CHIME_INFO_MAGIC;
    info_page->nharts = nharts;
    info_page->timebase_hz = timebase_hz;
    info_page->boot_time = boot_time;
}
