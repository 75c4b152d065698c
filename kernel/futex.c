/* Futexes (see futex.h). Everything runs under the big kernel lock, so the
 * check of the word and the block are one step as seen by a waker. */
#include "futex.h"
#include "cpu.h"
#include "sched.h"
#include "space.h"
#include "thread.h"
#include <chime/errno.h>
#include <chime/syscall.h>

#define FUTEX_BUCKETS 64 /* a power of two */

static struct list buckets[FUTEX_BUCKETS];
static bool buckets_ready;

static struct list *bucket_of(const struct space *s, uint64_t va)
{
    if (!buckets_ready) {
        for (int i = 0; i < FUTEX_BUCKETS; i++)
            list_init(&buckets[i]);
        buckets_ready = true;
    }
    uint64_t h = (va >> 2) ^ (s->id * 0x9e3779b97f4a7c15ull);
    return &buckets[(h ^ (h >> 29)) & (FUTEX_BUCKETS - 1)];
}

/* Read the futex word at va: CHIME_EINVAL if misaligned, CHIME_EFAULT if
 * it is not mapped readable user memory. */
static long futex_read(uint64_t va, uint32_t *word)
{
    if (va % sizeof(uint32_t))
        return CHIME_EINVAL;
    if (!user_range_ok(va, sizeof(uint32_t)) || copy_from_user(word, va, sizeof(*word)) < 0)
        return CHIME_EFAULT;
    return 0;
}

long sys_futex_wait(struct trapframe *tf)
{
    uint64_t va = tf->a0, timeout = tf->a2;
    uint32_t word;
    long r = futex_read(va, &word);
    if (r < 0)
        return r;
    if (word != (uint32_t)tf->a1)
        return CHIME_EAGAIN;
    if (timeout == 0)
        return CHIME_ETIMEDOUT;
    struct thread *cur = current_thread();
    cur->futex_va = va;
    sched_block(cur, B_FUTEX, sched_deadline(timeout));
    list_push_back(bucket_of(cur->space, va), &cur->link);
    sched_return();
}

long sys_futex_wake(struct trapframe *tf)
{
    uint64_t va = tf->a0, n = tf->a1;
    uint32_t word;
    long r = futex_read(va, &word);
    if (r < 0)
        return r;
    if ((int64_t)n < 0)
        return CHIME_EINVAL;
    struct space *s = current_thread()->space;
    struct list *b = bucket_of(s, va), *pos, *tmp;
    long woken = 0;
    list_for_each_safe(pos, tmp, b)
    {
        struct thread *t = container_of(pos, struct thread, link);
        if ((uint64_t)woken == n)
            break;
        if (t->space == s && t->futex_va == va) {
            sched_wake(t, 0);
            woken++;
        }
    }
    return woken;
}
