/* SBI calls (OpenSBI 1.1: BASE, legacy, TIME, IPI, RFENCE, HSM, SRST). */
#ifndef PLATFORM_SBI_H
#define PLATFORM_SBI_H

struct sbiret {
    long error;
    long value;
};

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_HSM            0x48534d
#define SBI_EXT_SRST           0x53525354
#define SBI_EXT_IPI            0x735049

static inline struct sbiret sbi_call(long eid, long fid, long a0, long a1, long a2)
{
    register long r0 __asm__("a0") = a0;
    register long r1 __asm__("a1") = a1;
    register long r2 __asm__("a2") = a2;
    register long r6 __asm__("a6") = fid;
    register long r7 __asm__("a7") = eid;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){r0, r1};
}

#endif
