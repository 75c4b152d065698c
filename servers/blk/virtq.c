/* Split virtqueue, driver side (see virtq.h). */
#include "virtq.h"

int virtq_init(struct virtq *q, uint16_t size, volatile struct vq_desc *desc,
               volatile struct vq_avail *avail, volatile struct vq_used *used)
{
    if (size == 0 || size > VQ_SIZE_MAX || (size & (size - 1)))
        return -1;
    q->size = size;
    q->nfree = size;
    q->free_head = 0;
    q->avail_idx = 0;
    q->used_seen = 0;
    q->desc = desc;
    q->avail = avail;
    q->used = used;
    q->bad = 0;
    for (uint16_t i = 0; i < size; i++) {
        q->link[i] = (uint16_t)(i + 1);
        q->chain_len[i] = 0;
        q->writable[i] = 0;
    }
    return 0;
}

int virtq_chain(struct virtq *q, const struct vq_seg *seg, unsigned n)
{
    uint16_t head = q->free_head, d = head, prev = head;
    uint32_t writable = 0;

    if (n == 0 || n > q->nfree)
        return -1;
    /* One pass: a zero length found on the way leaves only free
     * descriptors written, which the device never sees. */
    for (unsigned i = 0; i < n; i++) {
        uint16_t flags = seg[i].device_writes ? VQ_DESC_F_WRITE : 0;

        if (seg[i].len == 0)
            return -1;
        if (i + 1 < n)
            flags |= VQ_DESC_F_NEXT;
        q->desc[d].addr = seg[i].addr;
        q->desc[d].len = seg[i].len;
        q->desc[d].flags = flags;
        q->desc[d].next = q->link[d];
        if (seg[i].device_writes)
            writable += seg[i].len;
        prev = d;
        d = q->link[d];
    }
    q->desc[prev].next = 0;
    q->free_head = d;
    q->nfree = (uint16_t)(q->nfree - n);
    q->chain_len[head] = (uint16_t)n;
    q->writable[head] = writable;
    return head;
}

void virtq_publish(struct virtq *q, uint16_t head)
{
    q->avail->ring[q->avail_idx & (q->size - 1)] = head;
    vq_wmb(); /* the entry before the index */
    q->avail_idx++;
    q->avail->idx = q->avail_idx;
}

void virtq_free_chain(struct virtq *q, uint16_t head)
{
    uint16_t n = q->chain_len[head], last = head;

    for (uint16_t i = 1; i < n; i++)
        last = q->link[last];
    q->link[last] = q->free_head;
    q->free_head = head;
    q->nfree = (uint16_t)(q->nfree + n);
    q->chain_len[head] = 0;
    q->writable[head] = 0;
}

int virtq_pop(struct virtq *q, uint16_t *head, uint32_t *len, int *len_ok)
{
    uint16_t idx = q->used->idx;
    struct vq_used_elem e;

    if (idx == q->used_seen)
        return 0;
    if ((uint16_t)(idx - q->used_seen) > q->size)
        return -2;
    vq_rmb(); /* the index before the entry */
    e.id = q->used->ring[q->used_seen & (q->size - 1)].id;
    e.len = q->used->ring[q->used_seen & (q->size - 1)].len;
    q->used_seen++;
    if (e.id >= q->size || q->chain_len[e.id] == 0) {
        q->bad++;
        return -1;
    }
    *head = (uint16_t)e.id;
    *len = e.len;
    *len_ok = e.len <= q->writable[e.id];
    if (!*len_ok)
        q->bad++;
    virtq_free_chain(q, (uint16_t)e.id);
    return 1;
}
