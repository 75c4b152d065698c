/* libos rings: one side's view of a single-producer single-consumer ring of
 * 64-byte struct ipc_slot descriptors in a shared IPC buffer
 * (include/chime/ipc.h), and the tag table that matches completions to
 * requests.
 *
 * Each side keeps the index it writes in private memory (`next`) and only
 * stores it to the shared word, never reads it back: the peer can scribble on
 * the whole buffer, so the only shared value a side reads is the peer's
 * index, and it is checked before use:
 *
 *   consumer: avail = tail - next      0: empty;  > slots: corrupt (ERANGE)
 *   producer: used  = next - head      slots: full; > slots: corrupt (ERANGE)
 *
 * (32-bit free-running indices; unsigned subtraction handles the wrap.)
 * A corrupt ring is ignored, never followed: the caller decides whether to
 * retry later or drop the connection. Slots are copied with volatile loads so
 * the compiler cannot re-read a descriptor from shared memory after the
 * caller has validated its private copy (TOCTOU).
 *
 * Ordering: the slot copy happens-before the index store (release); the index
 * load (acquire) happens-before the slot access. The ring ops are inline
 * because they are on the request fastpath; everything here is plain C with
 * no syscalls, so the host unit tests run it as is (tests/unit/test_ring.c).
 *
 * Return values: 0 or a negative CHIME_E* code, like the rest of libos IPC. */
#ifndef LIBOS_RING_H
#define LIBOS_RING_H

#include <stdint.h>

#include <chime/errno.h>
#include <chime/ipc.h>

#define RING_SLOTS IPC_RING_SLOTS
#define RING_MASK  (IPC_RING_SLOTS - 1u)
_Static_assert((IPC_RING_SLOTS & (IPC_RING_SLOTS - 1u)) == 0, "ring slots: a power of two");

/* The producer side of one ring. */
struct ring_prod {
    volatile struct ipc_slot *slot; /* slot array in the shared buffer */
    volatile uint32_t *tail;        /* shared tail word: we store it */
    const volatile uint32_t *head;  /* shared head word: the peer's, untrusted */
    uint32_t next;                  /* our tail, private */
    uint32_t head_seen;             /* last valid head read (acquire) */
};

/* The consumer side of one ring. */
struct ring_cons {
    const volatile struct ipc_slot *slot;
    const volatile uint32_t *tail; /* the peer's, untrusted */
    volatile uint32_t *head;       /* we store it */
    uint32_t next;                 /* our head, private */
    uint32_t tail_seen;            /* last valid tail read (acquire) */
};

/* Set up either side over a ring whose slots start at `slots`, with the
 * private index at start (0 for a new connection: the kernel zeroes the
 * buffer). Nothing is read from the shared words, which the peer may already
 * have scribbled on. */
void ring_prod_init(struct ring_prod *p, void *slots, struct ipc_index *tail,
                    const struct ipc_index *head, uint32_t start);
void ring_cons_init(struct ring_cons *c, const void *slots, const struct ipc_index *tail,
                    struct ipc_index *head, uint32_t start);

typedef uint64_t __attribute__((may_alias)) ring_word_t;

/* Copy one descriptor with volatile word accesses: exactly one read of each
 * shared byte, eight loads and eight stores. */
static inline void ring_copy_in(struct ipc_slot *dst, const volatile struct ipc_slot *src)
{
    const volatile ring_word_t *s = (const volatile ring_word_t *)src;
    ring_word_t *d = (ring_word_t *)dst;

    d[0] = s[0];
    d[1] = s[1];
    d[2] = s[2];
    d[3] = s[3];
    d[4] = s[4];
    d[5] = s[5];
    d[6] = s[6];
    d[7] = s[7];
}

static inline void ring_copy_out(volatile struct ipc_slot *dst, const struct ipc_slot *src)
{
    volatile ring_word_t *d = (volatile ring_word_t *)dst;
    const ring_word_t *s = (const ring_word_t *)src;

    d[0] = s[0];
    d[1] = s[1];
    d[2] = s[2];
    d[3] = s[3];
    d[4] = s[4];
    d[5] = s[5];
    d[6] = s[6];
    d[7] = s[7];
}

/* The ring operations below are the only code that reads or writes ring
 * indices; libos/ipc_*.c use them and nothing else. The small steps the
 * request fastpaths are built from (slot, room, peek, take, release,
 * publish, the pairs) are always_inline so that they compile to what
 * hand-written copies would (docs/ipc.md gives the instruction budget);
 * the rest are ordinary inlines for the slower paths. */
#define RING_INLINE static inline __attribute__((always_inline))

/* The trust rule, once per side: a count derived from the peer's index is
 * believed only when it is at most RING_SLOTS. ring_some_valid: 1..slots,
 * i.e. something to take and nothing corrupt, in one unsigned compare. */
RING_INLINE int ring_count_valid(uint32_t n)
{
    return n <= RING_SLOTS;
}

RING_INLINE int ring_some_valid(uint32_t n)
{
    return n - 1u < RING_SLOTS;
}

/* The producer's next slot, and the consumer's oldest. */
RING_INLINE volatile struct ipc_slot *ring_prod_slot(const struct ring_prod *p)
{
    return &p->slot[p->next & RING_MASK];
}

RING_INLINE const volatile struct ipc_slot *ring_cons_slot(const struct ring_cons *c)
{
    return &c->slot[c->next & RING_MASK];
}

/* Room for one more by the head last read. A stale head only overestimates
 * the fill level, so this is safe to try before paying for a shared load. */
RING_INLINE int ring_room_known(const struct ring_prod *p)
{
    return p->next - p->head_seen < RING_SLOTS;
}

/* Free slots for the producer: 0..slots, or CHIME_ERANGE when the peer's
 * head is impossible. Reloads the head. */
static inline long ring_space(struct ring_prod *p)
{
    uint32_t head = __atomic_load_n(p->head, __ATOMIC_ACQUIRE);
    uint32_t used = p->next - head;

    if (!ring_count_valid(used))
        return CHIME_ERANGE;
    p->head_seen = head;
    return RING_SLOTS - used;
}

/* True while the consumer has not taken everything we published (its head
 * is untrusted: a peer that lies only fools itself). */
RING_INLINE int ring_prod_unread(const struct ring_prod *p)
{
    return __atomic_load_n(p->head, __ATOMIC_ACQUIRE) != p->next;
}

/* Two-step push for a producer that fills the slot in place: the slot to
 * write, or NULL when the ring is full or the peer's head is corrupt (then
 * ring_space says which). Nothing is visible until ring_push_commit. */
static inline volatile struct ipc_slot *ring_push_begin(struct ring_prod *p)
{
    if (__builtin_expect(!ring_room_known(p), 0) && ring_space(p) <= 0)
        return 0;
    return ring_prod_slot(p);
}

/* Publish: the slot written since ring_push_begin becomes the peer's (the
 * release orders the slot's stores before the tail's). */
RING_INLINE void ring_push_commit(struct ring_prod *p)
{
    p->next++;
    __atomic_store_n(p->tail, p->next, __ATOMIC_RELEASE);
}

/* Append *s. CHIME_EAGAIN when full, CHIME_ERANGE when the peer's head is
 * corrupt; nothing is written then. */
static inline long ring_push(struct ring_prod *p, const struct ipc_slot *s)
{
    volatile struct ipc_slot *slot = ring_push_begin(p);

    if (__builtin_expect(!slot, 0)) {
        long space = ring_space(p);

        return space < 0 ? space : CHIME_EAGAIN;
    }
    ring_copy_out(slot, s);
    ring_push_commit(p);
    return 0;
}

/* Descriptors ready for the consumer: 0..slots, or CHIME_ERANGE when the
 * peer's tail is impossible. Reloads the tail. */
static inline long ring_avail(struct ring_cons *c)
{
    uint32_t tail = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
    uint32_t avail = tail - c->next;

    if (!ring_count_valid(avail))
        return CHIME_ERANGE;
    c->tail_seen = tail;
    return avail;
}

/* Peek one, reading the tail afresh (one acquire): 1 with *slot = the
 * oldest slot, or 0 when the ring is empty or the tail corrupt. Nothing is
 * taken. */
RING_INLINE int ring_peek(struct ring_cons *c, const volatile struct ipc_slot **slot)
{
    uint32_t tail = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);

    if (!ring_some_valid(tail - c->next))
        return 0;
    c->tail_seen = tail;
    *slot = ring_cons_slot(c);
    return 1;
}

/* Two-step pop for a consumer that reads the slot in place: *slot = the
 * oldest slot, or CHIME_EAGAIN when empty, CHIME_ERANGE when the peer's tail
 * is corrupt. Read each word of the slot at most once, with volatile loads
 * (as ring_copy_in does), and before ring_pop_commit: from then on the
 * producer may reuse it. */
static inline long ring_pop_begin(struct ring_cons *c, const volatile struct ipc_slot **slot)
{
    if (c->next == c->tail_seen) {
        long avail = ring_avail(c);

        if (avail <= 0)
            return avail == 0 ? CHIME_EAGAIN : avail;
    }
    *slot = ring_cons_slot(c);
    return 0;
}

/* Take the oldest slot privately: it stays ours (the peer cannot reuse it)
 * until ring_release publishes the head. */
RING_INLINE void ring_take(struct ring_cons *c)
{
    c->next++;
}

/* Give the peer back every slot taken so far (release: our reads of them
 * happen before it may overwrite them). */
RING_INLINE void ring_release(struct ring_cons *c)
{
    __atomic_store_n(c->head, c->next, __ATOMIC_RELEASE);
}

/* Commit a pop: take the slot and release it. */
RING_INLINE void ring_pop_commit(struct ring_cons *c)
{
    ring_take(c);
    ring_release(c);
}

/* Take the oldest descriptor into *out (private memory). CHIME_EAGAIN when
 * empty, CHIME_ERANGE when the peer's tail is corrupt. */
static inline long ring_pop(struct ring_cons *c, struct ipc_slot *out)
{
    const volatile struct ipc_slot *slot;
    long r = ring_pop_begin(c, &slot);

    if (r)
        return r;
    ring_copy_in(out, slot);
    ring_pop_commit(c);
    return 0;
}

/* Forget the tail last read: the next ring_pop_begin reads it again (for a
 * consumer that read the tail itself, with ring_load_pair). */
RING_INLINE void ring_forget_tail(struct ring_cons *c)
{
    c->tail_seen = c->next;
}

/* ---- one fence for two rings ------------------------------------------ */

/* A side that consumes one ring and produces the other (every client and
 * server) can publish both of its indices under one release fence: what the
 * pair stores, captured after both private steps (ring_take and
 * ring_prod_advance) and before the slot stores that may alias anything. */
struct ring_pair {
    volatile uint32_t *head;
    volatile uint32_t *tail;
    uint32_t head_value;
    uint32_t tail_value;
};

/* Advance the producer privately: the slot at ring_prod_slot is written and
 * becomes visible with the next ring_publish_pair. */
RING_INLINE void ring_prod_advance(struct ring_prod *p)
{
    p->next++;
}

RING_INLINE struct ring_pair ring_pair_of(const struct ring_cons *c, const struct ring_prod *p)
{
    return (struct ring_pair){c->head, p->tail, c->next, p->next};
}

/* ring_release(c) and the publish of p in one: the release fence orders the
 * reads of the slots taken and the stores of the slots filled before both
 * index stores. */
RING_INLINE void ring_publish_pair(struct ring_pair x)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(x.head, x.head_value, __ATOMIC_RELAXED);
    __atomic_store_n(x.tail, x.tail_value, __ATOMIC_RELAXED);
}

/* Read the peer's tail of c and one more shared word (a server reads its
 * control page's seq) under one acquire fence. Returns the count the tail
 * shows, to be judged with ring_some_valid / ring_count_valid. */
RING_INLINE uint32_t ring_load_pair(const struct ring_cons *c, const volatile uint32_t *other,
                                    uint32_t *other_value)
{
    uint32_t tail = __atomic_load_n(c->tail, __ATOMIC_RELAXED);

    *other_value = __atomic_load_n(other, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return tail - c->next;
}

/* ---- tags ------------------------------------------------------------ */

/* Tags match completions to requests. An asynchronous request's tag is
 * (generation << 6) | index into a 64-entry table, so a completion with a
 * stale, duplicated or invented tag finds a generation mismatch and is
 * dropped. Tags with RING_TAG_SYNC set belong to the one synchronous call a
 * connection may have outstanding (libos/ipc_call.c). */
#define RING_TAG_SYNC       0x80000000u
#define RING_TAG_BITS       6
#define RING_TAG_INDEX(tag) ((tag) & (RING_SLOTS - 1u))

struct ring_tags {
    uint64_t free;             /* bit i set: entry i is free */
    uint32_t nfree;            /* entries on the free stack */
    uint8_t stack[RING_SLOTS]; /* free entries, most recently freed on top */
    uint32_t gen[RING_SLOTS];  /* generation of entry i, bumped when freed */
};
_Static_assert(RING_SLOTS == 1u << RING_TAG_BITS, "tag index bits");

/* Generations live in tag bits 6..30; bit 31 marks synchronous calls. */
#define RING_GEN_MASK ((RING_TAG_SYNC >> RING_TAG_BITS) - 1u)

void ring_tags_init(struct ring_tags *t);

/* A fresh tag, or CHIME_EAGAIN when all entries are in use. */
static inline long ring_tag_alloc(struct ring_tags *t)
{
    uint32_t i;

    if (__builtin_expect(t->nfree == 0, 0))
        return CHIME_EAGAIN;
    i = t->stack[--t->nfree];
    t->free &= ~(1ull << i);
    return (long)((t->gen[i] << RING_TAG_BITS) | i);
}

/* The entry index of a live tag, or CHIME_ENOENT for any tag that was not
 * handed out by ring_tag_alloc and not yet freed. */
static inline long ring_tag_find(const struct ring_tags *t, uint32_t tag)
{
    uint32_t i = RING_TAG_INDEX(tag);

    if ((tag & RING_TAG_SYNC) || (t->free >> i) & 1u || t->gen[i] != tag >> RING_TAG_BITS)
        return CHIME_ENOENT;
    return i;
}

/* Free entry i (from ring_tag_find); its tag becomes stale. Freeing a free
 * entry does nothing. */
static inline void ring_tag_free(struct ring_tags *t, uint32_t i)
{
    uint32_t g;

    i &= RING_SLOTS - 1u;
    if ((t->free >> i) & 1u)
        return;
    g = (t->gen[i] + 1) & RING_GEN_MASK;
    t->gen[i] = g ? g : 1;
    t->free |= 1ull << i;
    t->stack[t->nfree++] = (uint8_t)i;
}

#endif
