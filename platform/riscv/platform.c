/* QEMU virt devices: ns16550 console, Sstc timer, ACLINT SSWI IPIs, PLIC,
 * the sifive_test finisher, SBI HSM. Every address comes from the DTB. */
#include <platform/platform.h>
#include <platform/csr.h>
#include "sbi.h"

static volatile uint8_t *uart;
static volatile uint32_t *sswi;
static volatile uint32_t *finisher;
static volatile uint32_t *plic;
static uint32_t plic_ndev;
static uint64_t timebase_hz = 10000000;

extern char secondary_entry[];

/* ---- console ----------------------------------------------------------- */

#define UART_THR      0
#define UART_LSR      5
#define UART_LSR_THRE 0x20

void platform_console_init(const struct fdt_machine *m)
{
    if (m->uart.base)
        uart = phys_to_virt(m->uart.base);
}

void platform_putc(char c)
{
    if (!uart) {
        sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, c, 0, 0);
        return;
    }
    while (!(uart[UART_LSR] & UART_LSR_THRE))
        ;
    uart[UART_THR] = (uint8_t)c;
}

/* ---- time -------------------------------------------------------------- */

void platform_time_init(const struct fdt_machine *m)
{
    if (m->timebase_hz)
        timebase_hz = m->timebase_hz;
}

uint64_t platform_time_now(void)
{
    return csr_read_time();
}

uint64_t platform_timebase_hz(void)
{
    return timebase_hz;
}

uint64_t platform_ticks_to_ns(uint64_t ticks)
{
    return ticks / timebase_hz * 1000000000ull + ticks % timebase_hz * 1000000000ull / timebase_hz;
}

uint64_t platform_ns_to_ticks(uint64_t ns)
{
    /* Round up so a sleep never ends early. */
    return ns / 1000000000ull * timebase_hz +
           (ns % 1000000000ull * timebase_hz + 999999999ull) / 1000000000ull;
}

void platform_timer_set(uint64_t deadline)
{
    csr_write_stimecmp(deadline);
}

/* ---- IPIs -------------------------------------------------------------- */

void platform_ipi_init(const struct fdt_machine *m)
{
    if (m->sswi.base)
        sswi = phys_to_virt(m->sswi.base);
}

void platform_ipi_send(uint32_t hartid)
{
    if (sswi) {
        sswi[hartid] = 1;
        return;
    }
    sbi_call(SBI_EXT_IPI, 0, 1, hartid, 0);
}

void platform_ipi_clear(uint32_t hartid)
{
    if (sswi)
        sswi[hartid] = 0;
    csr_clear_sip(SIE_SSIE);
}

/* ---- PLIC ---------------------------------------------------------------- */

#define PLIC_PRIORITY(irq)     ((irq))
#define PLIC_ENABLE(ctx, irq)  ((0x2000 + (ctx)*0x80) / 4 + (irq) / 32)
#define PLIC_THRESHOLD(ctx)    ((0x200000 + (ctx)*0x1000) / 4)
#define PLIC_CLAIM(ctx)        ((0x200004 + (ctx)*0x1000) / 4)
#define PLIC_S_CONTEXT(hartid) (2 * (hartid) + 1)

void platform_plic_init(const struct fdt_machine *m)
{
    if (!m->plic.base)
        return;
    plic = phys_to_virt(m->plic.base);
    plic_ndev = m->plic_ndev;
    for (uint32_t irq = 1; irq <= plic_ndev; irq++)
        plic[PLIC_PRIORITY(irq)] = 1;
}

void platform_plic_hart_init(uint32_t hartid)
{
    if (!plic)
        return;
    plic[PLIC_THRESHOLD(PLIC_S_CONTEXT(hartid))] = 0;
}

void platform_plic_enable(uint32_t irq, uint32_t hartid, int on)
{
    if (!plic || irq == 0 || irq > plic_ndev)
        return;
    volatile uint32_t *word = &plic[PLIC_ENABLE(PLIC_S_CONTEXT(hartid), irq)];
    if (on) {
        *word |= 1u << (irq % 32);
        /* A source that became pending while disabled must fire now. QEMU's
         * PLIC re-evaluates its output on threshold writes, not on enable
         * writes: rewrite the (unchanged) threshold. */
        plic[PLIC_THRESHOLD(PLIC_S_CONTEXT(hartid))] = 0;
    } else {
        *word &= ~(1u << (irq % 32));
    }
}

uint32_t platform_plic_claim(uint32_t hartid)
{
    return plic ? plic[PLIC_CLAIM(PLIC_S_CONTEXT(hartid))] : 0;
}

void platform_plic_complete(uint32_t hartid, uint32_t irq)
{
    if (plic)
        plic[PLIC_CLAIM(PLIC_S_CONTEXT(hartid))] = irq;
}

/* ---- harts, power ---------------------------------------------------------- */

void platform_release_late_harts(void)
{
    extern volatile uint32_t boot_secondaries_go;

    __atomic_store_n(&boot_secondaries_go, 1, __ATOMIC_RELEASE);
}

long platform_hart_start(uint32_t hartid)
{
    uint64_t pa = (uint64_t)secondary_entry - KERNEL_VBASE;
    return sbi_call(SBI_EXT_HSM, 0, hartid, (long)pa, 0).error;
}

void platform_hart_irq_init(void)
{
    csr_write_scounteren(7);        /* cycle, time, instret readable from U-mode */
    csr_clear_sstatus(SSTATUS_SPP); /* sret goes to U-mode (trap_return relies on it) */
    csr_set_sie(SIE_SSIE | SIE_STIE | SIE_SEIE);
}

void platform_finisher_init(const struct fdt_machine *m)
{
    if (m->test.base)
        finisher = phys_to_virt(m->test.base);
}

void platform_poweroff(int status)
{
    uint32_t code = (uint32_t)status & 0xffff;
    if (finisher)
        *finisher = code ? (0x3333u | code << 16) : 0x5555u;
    sbi_call(SBI_EXT_SRST, 0, 0, 0, 0);
    for (;;)
        wfi();
}

void platform_reboot(void)
{
    sbi_call(SBI_EXT_SRST, 0, 1 /* cold reboot */, 0 /* no reason */, 0);
    if (finisher) /* an SBI without SRST: the test device resets too */
        *finisher = 0x7777u;
    for (;;)
        wfi();
}
