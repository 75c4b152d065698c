/* RISC-V supervisor CSRs: named bits (for assembly too), and an accessor for
 * each register C uses. */
#ifndef PLATFORM_CSR_H
#define PLATFORM_CSR_H

/* A bit of a CSR, for C and assembly alike. */
#ifdef __ASSEMBLER__
#define CSR_BIT(n) (1 << (n))
#else
#define CSR_BIT(n) (1ul << (n))
#endif

/* sstatus */
#define SSTATUS_SPP CSR_BIT(8)  /* previous mode: 1 = S */
#define SSTATUS_SUM CSR_BIT(18) /* S-mode may touch U pages */

/* sie / sip */
#define SIE_SSIE CSR_BIT(1) /* software (ACLINT SSWI IPIs) */
#define SIE_STIE CSR_BIT(5) /* timer (stimecmp) */
#define SIE_SEIE CSR_BIT(9) /* external (PLIC) */

/* scause */
#define SCAUSE_INTERRUPT     CSR_BIT(63)
#define EXC_INST_MISALIGNED  0
#define EXC_INST_ACCESS      1
#define EXC_ILLEGAL          2
#define EXC_BREAKPOINT       3
#define EXC_LOAD_MISALIGNED  4
#define EXC_LOAD_ACCESS      5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U          8
#define EXC_INST_PAGE        12
#define EXC_LOAD_PAGE        13
#define EXC_STORE_PAGE       15

#ifndef __ASSEMBLER__
#include <stdint.h>

#define CSR_READ(name)                                                                             \
    static inline uint64_t csr_read_##name(void)                                                   \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("csrr %0, " #name : "=r"(v));                                             \
        return v;                                                                                  \
    }
#define CSR_WRITE(name)                                                                            \
    static inline void csr_write_##name(uint64_t v)                                                \
    {                                                                                              \
        __asm__ volatile("csrw " #name ", %0" ::"r"(v) : "memory");                                \
    }
#define CSR_SET(name)                                                                              \
    static inline void csr_set_##name(uint64_t v)                                                  \
    {                                                                                              \
        __asm__ volatile("csrs " #name ", %0" ::"r"(v) : "memory");                                \
    }
#define CSR_CLEAR(name)                                                                            \
    static inline void csr_clear_##name(uint64_t v)                                                \
    {                                                                                              \
        __asm__ volatile("csrc " #name ", %0" ::"r"(v) : "memory");                                \
    }

/* The ones C uses (trap_entry.S reads and writes the rest directly). */
CSR_CLEAR(sstatus);
CSR_SET(sie);
CSR_READ(sip);
CSR_CLEAR(sip);
CSR_READ(scause);
CSR_READ(stval);
CSR_WRITE(scounteren);

/* stimecmp (Sstc, CSR 0x14d): the assembler of binutils 2.40 knows it by number only. */
static inline void csr_write_stimecmp(uint64_t v)
{
    __asm__ volatile("csrw 0x14d, %0" ::"r"(v));
}

static inline uint64_t csr_read_time(void)
{
    uint64_t v;
    __asm__ volatile("rdtime %0" : "=r"(v));
    return v;
}

static inline void wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

/* A spin-wait hint (Zihintpause PAUSE, a FENCE W,0 encoding: harmless
 * where the extension is absent). */
static inline void cpu_relax(void)
{
    __asm__ volatile(".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory");
}

#endif /* __ASSEMBLER__ */

#endif
