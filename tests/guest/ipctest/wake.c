/* wake: a uintr reaches its receiver in each state the receiver can be in:
 *   blocked      in uintr_wait: the wait returns the bit
 *   descheduled  ready but not running (same hart as the sender, which is
 *                running): the handler runs when the receiver next runs
 *   other hart   running a loop on another hart: the handler runs there
 *                (the kernel sends an IPI) */
#include <chime/types.h>

#include "ipctest.h"
#include "libos/spawn.h"
#include "libos/libos.h"
#include "libos/syscall.h"
#include "libos/thread.h"
#include "libos/uintr.h"

static volatile long vec_h = -1;
static volatile struct uintr_state *volatile recv_state;
static volatile int handler_runs;
static volatile uint64_t wait_result;

static void count_handler(uint64_t bits)
{
    if (bits & (1u << 6))
        handler_runs++;
}

/* Blocked receiver: waits up to 5 s for vector 6. */
static void *blocked_receiver(void *arg)
{
    recv_state = uintr_state_page();
    vec_h = uintr_vector_create(6);
    uint64_t bits;
    long st = uintr_wait(5000000000ull, &bits);

    wait_result = st < 0 ? (uint64_t)st : bits;
    return NULL;
}

/* Running receiver: spins with a handler until it ran or 5 s passed. */
static void *spinning_receiver(void *arg)
{
    uint64_t until = now_ns() + 5000000000ull;

    uintr_register_handler(count_handler, 0);
    vec_h = uintr_vector_create(6);
    while (!handler_runs && now_ns() < until)
        ;
    return NULL;
}

static long sender_for(void)
{
    while (vec_h == -1)
        sleep_ns(1000000);
    return vec_h < 0 ? vec_h : uintr_register_sender((int)vec_h);
}

static void reset(void)
{
    vec_h = -1;
    recv_state = NULL;
    handler_runs = 0;
    wait_result = 0;
}

static void blocked(void)
{
    struct chime_thread *t;
    long idx;

    reset();
    t = chime_thread_create(blocked_receiver, NULL, 0);
    idx = sender_for();
    /* Send only once the receiver sleeps in the kernel. */
    for (int i = 0; i < 1000 && !(recv_state && recv_state->blocked); i++)
        sleep_ns(1000000);
    tap(recv_state && recv_state->blocked, "wake: the receiver is blocked in uintr_wait");
    tap(uipi_send((int)idx) == 0, "wake: uipi_send to a blocked receiver");
    chime_thread_join(t, NULL);
    tap(wait_result == 1u << 6, "wake: blocked receiver woke with its bit (%lld)",
        (long long)wait_result);
    uintr_unregister_sender((int)idx);
}

static void descheduled(void)
{
    struct chime_thread *t;
    long idx;

    reset();
    /* Both on hart 0: while this thread runs, the receiver cannot. */
    syscall2(SYS_THREAD_AFFINITY, CHIME_SELF, 1);
    syscall0(SYS_YIELD);
    t = chime_thread_create(spinning_receiver, NULL, 1);
    idx = sender_for();
    tap(uipi_send((int)idx) == 0, "wake: uipi_send to a descheduled receiver");
    chime_thread_join(t, NULL);
    tap(handler_runs > 0, "wake: descheduled receiver's handler ran when it was scheduled");
    uintr_unregister_sender((int)idx);
    syscall2(SYS_THREAD_AFFINITY, CHIME_SELF, 0);
}

static void other_hart(void)
{
    struct chime_thread *t;
    uint64_t t0;
    long idx;

    if (libos_nharts() < 2) {
        tap_skip("wake: receiver running on another hart", "one hart");
        return;
    }
    reset();
    syscall2(SYS_THREAD_AFFINITY, CHIME_SELF, 1);
    syscall0(SYS_YIELD);
    t = chime_thread_create(spinning_receiver, NULL, 2);
    idx = sender_for();
    sleep_ns(10000000); /* it is in its loop on hart 1 by now */
    t0 = now_ns();
    tap(uipi_send((int)idx) == 0, "wake: uipi_send to a receiver on hart 1");
    while (!handler_runs && now_ns() - t0 < 5000000000ull)
        ;
    tap(handler_runs > 0, "wake: the handler ran on the other hart within %llu us",
        (unsigned long long)((now_ns() - t0) / 1000));
    chime_thread_join(t, NULL);
    uintr_unregister_sender((int)idx);
    syscall2(SYS_THREAD_AFFINITY, CHIME_SELF, 0);
}

/* Helper process: find the vector handle the parent granted us (its number
 * is not known in advance), register as its sender and send once. */
int uipi_child(int argc, char **argv)
{
    for (int tries = 0; tries < 2000; tries++) {
        for (long h = 0; h < 256; h++) {
            if (syscall1(SYS_HANDLE_INFO, h) == CHIME_OBJ_VECTOR) {
                long idx = uintr_register_sender((int)h);

                return idx < 0 ? 2 : uipi_send((int)idx) == 0 ? 0 : 3;
            }
        }
        sleep_ns(1000000);
    }
    return 1;
}

/* A vector handle granted to another process lets it, and only it, send. */
static void cross_process(void)
{
    char *args[] = {"ipctest", "uipi-child", NULL};
    long vh = uintr_vector_create(8), granted = -1, wst = -1, st = -1;
    uint64_t bits = 0;
    pid_t pid = self_spawn(args, 0);

    if (pid >= 0 && vh >= 0) {
        granted = syscall3(SYS_SPACE_GRANT, pid, vh, CHIME_R_WRITE);
        wst = uintr_wait(5000000000ull, &bits);
        st = chime_wait(pid, 5000000000ull);
    }
    tap(granted >= 0, "wake: grant a vector handle to another process (%ld)", granted);
    tap(wst == 0 && (bits & (1 << 8)) && st == 0,
        "wake: that process registered as sender and woke us (bits %lx, status %ld)", bits, st);
}

int test_wake(int argc, char **argv)
{
    blocked();
    descheduled();
    other_hart();
    cross_process();
    return 0;
}
