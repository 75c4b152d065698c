/* The platform interface: everything kernel/ asks of the machine. kernel/
 * includes this header only; platform/riscv/ implements it. */
#ifndef PLATFORM_H
#define PLATFORM_H

#include <stdint.h>
#include <stddef.h>
#include <platform/fdt.h>
#include <platform/mmu.h>
#include <platform/trapframe.h>

/* Console (ns16550 found in the DTB; SBI legacy putchar before that). */
void platform_console_init(const struct fdt_machine *m);
void platform_putc(char c);

/* Time: the `time` CSR, its frequency, and the per-hart Sstc deadline. */
void platform_time_init(const struct fdt_machine *m);
uint64_t platform_time_now(void); /* ticks */
uint64_t platform_ticks_to_ns(uint64_t ticks);
uint64_t platform_ns_to_ticks(uint64_t ns);
uint64_t platform_timebase_hz(void);
void platform_timer_set(uint64_t deadline_ticks);

/* Inter-processor interrupts through the ACLINT SSWI (or SBI IPI without it). */
void platform_ipi_init(const struct fdt_machine *m);
void platform_ipi_send(uint32_t hartid);
void platform_ipi_clear(uint32_t hartid);

/* PLIC: per-hart S-mode context 2*hart+1 (OpenSBI removes the M contexts). */
void platform_plic_init(const struct fdt_machine *m);
void platform_plic_hart_init(uint32_t hartid);
void platform_plic_enable(uint32_t irq, uint32_t hartid, int on);
uint32_t platform_plic_claim(uint32_t hartid);
void platform_plic_complete(uint32_t hartid, uint32_t irq);

/* Let a hart that came in through _start after the boot hart (entry.S)
 * go on as a secondary: call once the kernel is ready for secondaries. */
void platform_release_late_harts(void);

/* Start a stopped hart at secondary_entry (SBI HSM). Returns 0 or < 0. */
long platform_hart_start(uint32_t hartid);

void platform_finisher_init(const struct fdt_machine *m);

/* Stop the machine: QEMU exits with status (sifive_test finisher). */
__attribute__((__noreturn__)) void platform_poweroff(int status);
/* Restart the machine: SBI system reset, cold reboot (QEMU -no-reboot exits). */
__attribute__((__noreturn__)) void platform_reboot(void);

/* Enter the user context tf on this hart (trap_entry.S); tp must be this cpu. */
__attribute__((__noreturn__)) void trap_return(struct trapframe *tf);

/* Fault-safe copy between kernel and user memory: 0 or CHIME_EFAULT. */
long uaccess_copy(void *dst, const void *src, size_t len);

/* Enable the interrupt sources the kernel uses on this hart. */
void platform_hart_irq_init(void);

/* Hart-local switch of the user address space. */
static inline void platform_set_satp(uint64_t satp)
{
    __asm__ volatile("csrw satp, %0" ::"r"(satp) : "memory");
}

#endif
