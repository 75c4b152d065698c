/* regs: a uintr handler interrupts a receiver in the middle of a register-
 * heavy compute loop (mix.S); the loop's result must equal the C reference,
 * so every register the kernel saved at delivery came back from SYS_URET
 * intact. The handler scribbles on every caller-saved register and on its
 * stack below the interrupted sp, to make a missed restore visible. */
#include <string.h>

#include "ipctest.h"
#include "libos/libos.h"
#include "libos/syscall.h"
#include "libos/thread.h"
#include "libos/uintr.h"

#define NREGS 24

void ipctest_mix(uint64_t state[NREGS], uint64_t iterations);

static void mix_ref(uint64_t v[NREGS], uint64_t n)
{
    for (; n; n--) {
        for (int i = 0; i < NREGS - 1; i++)
            v[i] = i % 2 ? v[i] ^ v[i + 1] : v[i] + v[i + 1];
        v[NREGS - 1] ^= v[0];
        v[0] += n;
    }
}

static volatile int handled;
static volatile int in_loop; /* set around each ipctest_mix call */
static volatile int handled_in_loop;
static volatile long regs_vector_h = -1;
static volatile int sender_stop;

static void clobber_handler(uint64_t bits)
{
    volatile uint64_t junk[32];

    for (int i = 0; i < 32; i++)
        junk[i] = ~0ull;
    __asm__ volatile("li t0, -1\n li t1, -1\n li t2, -1\n li t3, -1\n li t4, -1\n"
                     "li t5, -1\n li t6, -1\n li a1, -1\n li a2, -1\n li a3, -1\n"
                     "li a4, -1\n li a5, -1\n li a6, -1\n li a7, -1\n"
                     :
                     :
                     : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a1", "a2", "a3", "a4", "a5", "a6",
                       "a7", "memory");
    (void)junk[0];
    handled++;
    handled_in_loop += in_loop;
}

/* Sends until told to stop, sleeping between sends so the receiver runs. */
static void *sender(void *arg)
{
    long idx = uintr_register_sender((int)regs_vector_h);

    if (idx < 0)
        return (void *)1;
    while (!sender_stop) {
        uipi_send((int)idx);
        sleep_ns(2000000);
    }
    uintr_unregister_sender((int)idx);
    return NULL;
}

int test_regs(int argc, char **argv)
{
    uint64_t v[NREGS], ref[NREGS];
    /* About 0.1 s of guest time per round on TCG. */
    const uint64_t iterations = 400000;
    struct chime_thread *t;
    int before, rounds = 0;

    for (int i = 0; i < NREGS; i++)
        v[i] = ref[i] = 0x0123456789abcdefull * (uint64_t)(i + 1) ^ (uint64_t)i << 40;
    if (!tap(uintr_register_handler(clobber_handler, 0) == 0, "regs: register a handler"))
        return 1;
    regs_vector_h = uintr_vector_create(5);
    if (!tap(regs_vector_h >= 0, "regs: vector created"))
        return 1;
    t = chime_thread_create(sender, NULL, 0);
    if (!tap(t != NULL, "regs: sender thread"))
        return 1;

    /* Keep looping until a handler ran during the loop at least 3 times. */
    before = handled;
    while (handled_in_loop < 3 && rounds < 50) {
        in_loop = 1;
        ipctest_mix(v, iterations);
        in_loop = 0;
        rounds++;
    }
    sender_stop = 1;
    chime_thread_join(t, NULL);
    {
        unsigned was = uintr_disable();

        for (int i = 0; i < rounds; i++)
            mix_ref(ref, iterations);
        uintr_restore(was);
    }
    tap(handled_in_loop >= 3,
        "regs: the handler interrupted the loop %d times in %d rounds (%d in all)", handled_in_loop,
        rounds, handled - before);
    tap(memcmp(v, ref, sizeof(v)) == 0, "regs: all 24 loop registers intact after the handlers");
    uintr_unregister_handler(0);
    return 0;
}
