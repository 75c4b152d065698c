/* The heap: sbrk() for picolibc's malloc, backed by SYS_SPACE_MAP_ANON.
 *
 * The heap starts at the first page after the program image (__end) and may
 * grow to LIBOS_HEAP_END. Pages are mapped only when the break first moves
 * over them, so a process uses frames for the heap it has asked for, not for
 * the heap it might need. Shrinking keeps the pages for the next growth. */
#include "libos.h"
#include "lock.h"
#include "syscall.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

extern char __end[];

static uintptr_t heap_brk;    /* current break; 0 until the first call */
static uintptr_t heap_mapped; /* end of the mapped part, page-aligned */
static struct libos_lock heap_lock;

static uintptr_t page_up(uintptr_t x)
{
    return (x + CHIME_PAGE_SIZE - 1) & ~(uintptr_t)(CHIME_PAGE_SIZE - 1);
}

/* Map the pages between heap_mapped and new_brk. */
static int heap_grow(uintptr_t new_brk)
{
    uintptr_t end = page_up(new_brk);
    long r;

    if (end <= heap_mapped)
        return 0;
    r = syscall_map_anon(CHIME_SELF, heap_mapped, end - heap_mapped,
                         CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (r < 0)
        return r;
    heap_mapped = end;
    return 0;
}

void *sbrk(ptrdiff_t incr)
{
    uintptr_t old, new_brk;
    void *result = (void *)-1;

    libos_lock(&heap_lock);
    if (heap_brk == 0)
        heap_brk = heap_mapped = page_up((uintptr_t)__end);
    old = heap_brk;
    new_brk = old + (uintptr_t)incr;
    if ((incr > 0 && (new_brk < old || new_brk > LIBOS_HEAP_END)) ||
        (incr < 0 && (new_brk > old || new_brk < page_up((uintptr_t)__end)))) {
        errno = ENOMEM;
    } else if (heap_grow(new_brk) < 0) {
        errno = ENOMEM;
    } else {
        heap_brk = new_brk;
        result = (void *)old;
    }
    libos_unlock(&heap_lock);
    return result;
}
