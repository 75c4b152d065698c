/* A virtio 1.x split virtqueue, driver side (virtio spec 2.7): descriptor
 * allocation and chaining, the available ring we write and the used ring
 * the device writes. Pure code (no syscalls, no MMIO): it builds on the
 * host too, where tests/unit/test_virtq.c plays the device.
 *
 * Everything the device writes (the used ring) is untrusted: an entry that
 * names a descriptor which is not the head of a chain in flight, or a used
 * index that runs more than the queue size ahead, is counted and dropped,
 * never followed. */
#ifndef BLK_VIRTQ_H
#define BLK_VIRTQ_H

#include <stddef.h>
#include <stdint.h>

#define VQ_DESC_F_NEXT      1u
#define VQ_DESC_F_WRITE     2u /* device writes this buffer */
#define VQ_USED_F_NO_NOTIFY 1u
#define VQ_SIZE_MAX         256u

struct vq_desc {
    uint64_t addr; /* physical address */
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
_Static_assert(sizeof(struct vq_desc) == 16, "virtq descriptor layout");

struct vq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[VQ_SIZE_MAX];
    uint16_t used_event;
};

struct vq_used_elem {
    uint32_t id;
    uint32_t len; /* bytes the device wrote into the chain */
};

struct vq_used {
    uint16_t flags;
    uint16_t idx;
    struct vq_used_elem ring[VQ_SIZE_MAX];
    uint16_t avail_event;
};

/* One buffer of a chain. */
struct vq_seg {
    uint64_t addr;
    uint32_t len;
    uint32_t device_writes; /* nonzero: VQ_DESC_F_WRITE */
};

struct virtq {
    uint16_t size;      /* power of two, <= VQ_SIZE_MAX */
    uint16_t nfree;     /* descriptors free */
    uint16_t free_head; /* first free descriptor (links in link[]) */
    uint16_t avail_idx; /* our copy of avail->idx */
    uint16_t used_seen; /* used entries consumed */
    uint16_t pad;
    volatile struct vq_desc *desc;
    volatile struct vq_avail *avail;
    volatile struct vq_used *used;
    uint16_t link[VQ_SIZE_MAX];      /* private next links (free list and chains) */
    uint16_t chain_len[VQ_SIZE_MAX]; /* per head: descriptors; 0 = not in flight */
    uint32_t writable[VQ_SIZE_MAX];  /* per head: device-writable bytes */
    uint64_t bad;                    /* bad used entries dropped */
};

/* Set q up over zeroed rings (the caller maps them and gives the device
 * their physical addresses). size must be a power of two <= VQ_SIZE_MAX:
 * returns 0, or -1. */
int virtq_init(struct virtq *q, uint16_t size, volatile struct vq_desc *desc,
               volatile struct vq_avail *avail, volatile struct vq_used *used);

/* Chain n buffers into free descriptors: the head's index, or -1 when
 * fewer than n are free (nothing changes) or n is 0 or a buffer's length
 * is 0. The chain is not yet visible to the device. */
int virtq_chain(struct virtq *q, const struct vq_seg *seg, unsigned n);

/* Make the chain at head available to the device. The caller notifies it
 * afterwards unless virtq_needs_notify says no. */
void virtq_publish(struct virtq *q, uint16_t head);

/* Does the device want a notification for what was published? */
static inline int virtq_needs_notify(const struct virtq *q)
{
    return !(q->used->flags & VQ_USED_F_NO_NOTIFY);
}

/* Take one used entry. Returns 1 with *head and *len (bytes the device
 * wrote, checked against the chain's writable bytes: *len_ok = 0 when it
 * claims more) and frees the chain; 0 when nothing is used; -1 when the
 * entry was bad (unknown id) and was dropped; -2 when the used index is
 * corrupt (more than size ahead): the device is broken, stop using it. */
int virtq_pop(struct virtq *q, uint16_t *head, uint32_t *len, int *len_ok);

/* Put a chain back without the device (a chain never published). */
void virtq_free_chain(struct virtq *q, uint16_t head);

/* Memory barriers between ring stores and the device; on the host, compiler
 * barriers suffice for the tests. */
#if defined(__riscv)
#define vq_wmb() __asm__ volatile("fence w,w" ::: "memory")
#define vq_rmb() __asm__ volatile("fence r,r" ::: "memory")
#define vq_mb()  __asm__ volatile("fence iorw,iorw" ::: "memory")
#else
#define vq_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define vq_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define vq_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

#endif
