/* irq: a device interrupt bound to a uintr vector reaches the handler.
 *
 * The device is QEMU virt's goldfish RTC: its alarm raises a PLIC line.
 * init delegates the machine's devices to the program named on the kernel
 * command line; chime_device_find gives us the RTC's handles. */
#include <stdlib.h>

#include <chime/types.h>

#include "ipctest.h"
#include "libos/spawn.h"
#include "libos/syscall.h"
#include "libos/uintr.h"

/* Goldfish RTC registers (QEMU hw/rtc/goldfish_rtc.c): times in ns. */
#define RTC_TIME_LOW        0x00
#define RTC_TIME_HIGH       0x04
#define RTC_ALARM_LOW       0x08
#define RTC_ALARM_HIGH      0x0c
#define RTC_IRQ_ENABLED     0x10
#define RTC_CLEAR_INTERRUPT 0x1c

#define RTC_VA     0x1c00000000ull /* free in the libos layout (libos.h) */
#define RTC_VECTOR 7

static volatile uint32_t *rtc;
static volatile int irqs;
static volatile uint64_t irq_bits;

static uint32_t rd(unsigned off)
{
    return rtc[off / 4];
}

static void wr(unsigned off, uint32_t v)
{
    rtc[off / 4] = v;
}

static void irq_handler(uint64_t bits)
{
    irq_bits |= bits;
    if (bits & (1u << RTC_VECTOR)) {
        wr(RTC_CLEAR_INTERRUPT, 1);
        irqs++;
    }
}

static void alarm_in(uint64_t ns)
{
    uint64_t lo = rd(RTC_TIME_LOW); /* reading low latches high */
    uint64_t now = (uint64_t)rd(RTC_TIME_HIGH) << 32 | lo;
    uint64_t at = now + ns;

    wr(RTC_ALARM_HIGH, (uint32_t)(at >> 32));
    wr(RTC_ALARM_LOW, (uint32_t)at); /* arms the alarm */
}

static int wait_irqs(int n)
{
    uint64_t t0 = now_ns();

    while (irqs < n && now_ns() - t0 < 2000000000ull)
        sleep_ns(1000000);
    return irqs >= n;
}

int test_irq(int argc, char **argv)
{
    int mmio_h, irq_h;
    long r;

    /* Whatever init gives us: handles that are no IRQ line are refused. */
    tap(irq_bind(0, RTC_VECTOR) < 0, "irq: binding a space handle as an IRQ fails");
    tap(irq_ack(1) < 0, "irq: acking a thread handle fails");
    if (!tap(chime_device_find("google,goldfish-rtc", &mmio_h, &irq_h) == 0 && mmio_h >= 0 &&
                 irq_h >= 0,
             "irq: init delegated the RTC (mmio %d, irq %d)", mmio_h, irq_h))
        return 1;
    r = syscall6(SYS_SPACE_MAP_FRAMES, CHIME_SELF, mmio_h, 0, (long)RTC_VA, CHIME_PAGE_SIZE,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (!tap(r == 0, "irq: map the RTC registers (%ld)", r))
        return 1;
    rtc = (volatile uint32_t *)RTC_VA;
    if (!tap(uintr_register_handler(irq_handler, 0) == 0, "irq: register a handler"))
        return 1;
    r = irq_bind((int)irq_h, RTC_VECTOR);
    if (!tap(r == 0, "irq: bind the RTC line to vector %d (%ld)", RTC_VECTOR, r))
        return 1;
    wr(RTC_IRQ_ENABLED, 1);

    alarm_in(5000000);
    tap(wait_irqs(1), "irq: the alarm reached the handler on vector %d (bits %llx)", RTC_VECTOR,
        (unsigned long long)irq_bits);
    /* The line stays masked until the ack: an alarm that fires before it is
     * held by the PLIC and arrives once the driver acks. */
    alarm_in(5000000);
    sleep_ns(50000000);
    tap(irqs == 1, "irq: an alarm before the ack is not delivered (line masked)");
    tap(irq_ack((int)irq_h) == 0, "irq: ack");
    tap(wait_irqs(2), "irq: the held alarm arrives after the ack");
    tap(irq_ack((int)irq_h) == 0, "irq: ack again");
    alarm_in(5000000);
    tap(wait_irqs(3), "irq: a third alarm reached the handler");
    irq_ack((int)irq_h);
    wr(RTC_IRQ_ENABLED, 0);
    tap(irq_bind((int)irq_h, 64) < 0, "irq: binding to vector 64 fails");
    tap(irq_ack(0) < 0, "irq: ack on a handle that is no IRQ fails");
    uintr_unregister_handler(0);
    return 0;
}
