/* blk: the virtio-blk driver, serving include/chime/proto/blk.h.
 *
 * init starts it with one virtio-mmio device's registers (BLK_MMIO), its
 * interrupt line (BLK_IRQ) and a handle to its own space carrying
 * CHIME_R_DMA (BLK_DMA); see docs/write-a-driver.md. The device DMAs
 * straight into and out of the clients' data areas and lends: the driver
 * only builds descriptor chains of physical addresses.
 *
 * Lent pages stay pinned while the device may use them: SYS_DMA_PHYS on a
 * lend pins its frames in the kernel, and the driver lets the pin go
 * (SYS_DMA_RELEASE) once the last request on that lend has completed and
 * the lend has ended (or at once when it is too large to cache). A client
 * that unlends or exits mid-request cannot get its frames reused under the
 * device: the kernel frees them at the release.
 *
 * One thread does everything inside ipc_server_run: requests arrive in
 * timestamp order across clients and go to the virtqueue at once, or, when
 * it has no descriptors left, to a FIFO that the interrupt handler drains.
 * Used-buffer interrupts arrive on IRQ_VECTOR as the server's event bits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chime/errno.h>
#include <chime/proto/blk.h>
#include <chime/types.h>

#include "blkreq.h"
#include "libos/ipc.h"
#include "libos/syscall.h"
#include "libos/uintr.h"
#include "virtio.h"
#include "virtq.h"

#define MMIO_VA       0x1c00000000ull /* free in the libos layout */
#define IRQ_VECTOR    1u
#define BLK_MAX_BYTES (128u * 1024)
#define BLK_SEGS_MAX  (BLK_MAX_BYTES / CHIME_PAGE_SIZE + 1)
#define PAGE          4096u

/* The DMA memory: descriptor table, available ring, used ring, request
 * headers and status bytes (indexed by chain head), one page each. */
enum { DMA_DESC, DMA_AVAIL, DMA_USED, DMA_HDR, DMA_STATUS, DMA_PAGES };

enum stage { STAGE_PREFLUSH, STAGE_IO, STAGE_POSTFLUSH };

struct blk_client;

/* One client request, from validation to completion. */
struct blk_req {
    struct blk_client *cl;
    struct blk_req *next; /* the waiting FIFO */
    uint32_t tag, aux;
    uint16_t op, flags;
    uint8_t stage; /* enum stage */
    uint8_t in_use;
    uint16_t nseg;
    int8_t pin_slot; /* lend slot whose pin it uses, -1: none */
    uint32_t pin_gen;
    uint64_t pin_va; /* an address in that slot */
    uint64_t sector; /* virtio (512-byte) sector */
    uint64_t len;
    struct vq_seg seg[BLK_SEGS_MAX];
};

/* The physical pages of one lend, looked up once per lend (generation). */
struct lend_pages {
    uint64_t va;  /* the lend's first byte, 0 = nothing cached */
    uint32_t gen; /* its lend-table generation when looked up */
    uint32_t npages;
    uint32_t busy; /* requests in flight on it */
    uint64_t *pa;
};

#define LEND_CACHE_PAGES 512u /* larger lends are looked up per request */

struct blk_client {
    struct ipc_sconn *c; /* NULL once the client is gone */
    struct lend_pages lend[IPC_LEND_SLOTS];
    uint64_t *data_pa; /* physical address of each data-area page */
    uint64_t data_pages;
    unsigned inflight; /* records in use */
    struct blk_req req[IPC_RING_SLOTS];
};

static volatile uint32_t *mmio;
static long irq_h = -1, dma_h = -1;
static struct virtq vq;
static struct blk_disk disk;
static int has_flush, broken;
static uint32_t seg_cap = 0xffffffffu; /* largest segment (SIZE_MAX) */
static uint32_t queue_depth;
static uint8_t *dma_va;
static uint64_t dma_pa;
static struct blk_req *by_head[VQ_SIZE_MAX];
static struct blk_req *wait_head, *wait_tail;

static uint32_t rd(unsigned off)
{
    return mmio[off / 4];
}

static void wr(unsigned off, uint32_t v)
{
    mmio[off / 4] = v;
}

static long env_handle(const char *name)
{
    const char *v = getenv(name);

    return v ? strtol(v, NULL, 10) : -1;
}

/* ---- completing ------------------------------------------------------- */

/* ---- lend pins ---------------------------------------------------------- */

static void pin_release(uint64_t va, uint32_t gen)
{
    long r = syscall3(SYS_DMA_RELEASE, dma_h, (long)va, (long)gen);

    if (r < 0)
        fprintf(stderr, "blk: releasing a lend pin failed (%ld)\n", r);
}

/* Is lend slot i of cl still the lend cached there? */
static int lend_live(const struct blk_client *cl, unsigned i)
{
    const volatile struct ipc_lend_entry *lends = cl->c ? cl->c->lends : NULL;

    return lends && lends[i].gen == cl->lend[i].gen && lends[i].va == cl->lend[i].va;
}

/* Let go of the cached lends that ended while nothing was in flight on
 * them (all of them when the client is gone). */
static void pins_sweep(struct blk_client *cl)
{
    for (unsigned i = 0; i < IPC_LEND_SLOTS; i++) {
        struct lend_pages *lp = &cl->lend[i];

        if (lp->va && lp->busy == 0 && !lend_live(cl, i)) {
            pin_release(lp->va, lp->gen);
            lp->va = 0;
        }
    }
}

/* r is done with the device: drop its use of a lend pin, releasing the pin
 * when r was its last user and the lend is no longer the cached live one. */
static void pin_put(struct blk_client *cl, struct blk_req *r)
{
    int i = r->pin_slot;
    struct lend_pages *lp;

    if (i < 0)
        return;
    r->pin_slot = -1;
    lp = &cl->lend[i];
    if (lp->va && lp->gen == r->pin_gen) {
        if (--lp->busy == 0 && !lend_live(cl, (unsigned)i)) {
            pin_release(lp->va, lp->gen);
            lp->va = 0;
        }
        return;
    }
    /* An older lend of the slot, or one too large to cache. */
    for (unsigned k = 0; k < IPC_RING_SLOTS; k++) {
        const struct blk_req *q = &cl->req[k];

        if (q->in_use && q->pin_slot == i && q->pin_gen == r->pin_gen)
            return;
    }
    pin_release(r->pin_va, r->pin_gen);
}

static void client_free(struct blk_client *cl)
{
    pins_sweep(cl); /* (cl->c is NULL: every pin goes) */
    for (unsigned i = 0; i < IPC_LEND_SLOTS; i++)
        free(cl->lend[i].pa);
    free(cl->data_pa);
    free(cl);
}

static void finish(struct blk_req *r, long result)
{
    struct blk_client *cl = r->cl;

    if (cl->c) {
        struct ipc_slot cpl = {.opcode = r->op, .tag = r->tag, .aux = r->aux, .result = result};

        ipc_reply(cl->c, &cpl);
    }
    r->in_use = 0;
    pin_put(cl, r);
    cl->inflight--;
    if (!cl->c && cl->inflight == 0)
        client_free(cl);
}

/* ---- submitting ------------------------------------------------------- */

/* Put r's current stage on the virtqueue: 0, or -1 when descriptors are
 * short (r waits). */
static int submit(struct blk_req *r)
{
    struct vq_seg s[BLK_SEGS_MAX + 2];
    unsigned n = 0;
    uint16_t head = vq.free_head;
    struct virtio_blk_hdr *h = (struct virtio_blk_hdr *)(dma_va + DMA_HDR * PAGE) + head;
    uint8_t *st = dma_va + DMA_STATUS * PAGE + head;
    int io = r->stage == STAGE_IO && r->op != BLK_OP_FLUSH;

    if (vq.nfree < (io ? r->nseg : 0) + 2u)
        return -1;
    h->type =
        !io ? VIRTIO_BLK_T_FLUSH : (r->op == BLK_OP_READ ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT);
    h->sector = io ? r->sector : 0;
    *st = 0xff;
    s[n++] = (struct vq_seg){dma_pa + DMA_HDR * PAGE + head * sizeof(*h), sizeof(*h), 0};
    for (unsigned i = 0; io && i < r->nseg; i++)
        s[n++] = r->seg[i];
    s[n++] = (struct vq_seg){dma_pa + DMA_STATUS * PAGE + head, 1, 1};
    if (virtq_chain(&vq, s, n) != head)
        return -1; /* (cannot happen: room was checked) */
    by_head[head] = r;
    virtq_publish(&vq, head); /* (its barrier also orders header and status) */
    vq_mb();                  /* the index before the notification */
    if (virtq_needs_notify(&vq))
        wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    return 0;
}

static void wait_push(struct blk_req *r)
{
    r->next = NULL;
    if (wait_tail)
        wait_tail->next = r;
    else
        wait_head = r;
    wait_tail = r;
}

/* Start r's current stage now, or after those already waiting. */
static void start(struct blk_req *r)
{
    if (wait_head || submit(r) < 0)
        wait_push(r);
}

/* Submit waiting requests in order while descriptors last. */
static void run_waiting(void)
{
    while (wait_head && submit(wait_head) == 0) {
        wait_head = wait_head->next;
        if (!wait_head)
            wait_tail = NULL;
    }
}

/* A stage of r ended (ok: the device said so). */
static void stage_done(struct blk_req *r, int ok)
{
    if (!ok) {
        finish(r, CHIME_EIO);
        return;
    }
    if (r->stage == STAGE_PREFLUSH) {
        r->stage = STAGE_IO;
        start(r);
        return;
    }
    if (r->stage == STAGE_IO && r->op == BLK_OP_WRITE && (r->flags & BLK_F_FUA) && has_flush) {
        r->stage = STAGE_POSTFLUSH;
        start(r);
        return;
    }
    finish(r, r->op == BLK_OP_FLUSH ? 0 : (long)r->len);
}

/* Every chain the device has handed back. */
static void drain_used(void)
{
    for (;;) {
        uint16_t head;
        uint32_t len;
        int len_ok, got = virtq_pop(&vq, &head, &len, &len_ok);
        struct blk_req *r;

        if (got == 0)
            return;
        if (got == -1)
            continue; /* an id we never gave out: dropped (vq.bad) */
        if (got == -2) {
            broken = 1;
            fprintf(stderr, "blk: device used index corrupt; failing everything\n");
            for (unsigned i = 0; i < VQ_SIZE_MAX; i++) {
                r = by_head[i];
                by_head[i] = NULL;
                if (r)
                    finish(r, CHIME_EIO);
            }
            return;
        }
        r = by_head[head];
        by_head[head] = NULL;
        if (!r)
            continue;
        {
            uint8_t status = dma_va[DMA_STATUS * PAGE + head];
            int io_read = r->stage == STAGE_IO && r->op == BLK_OP_READ;
            /* A read must have written its data and the status byte. */
            int full = !io_read || len == r->len + 1;

            stage_done(r, len_ok && full && status == VIRTIO_BLK_S_OK);
        }
    }
}

static void blk_event(uint64_t bits, void *ctx)
{
    if (!(bits & (1ull << IRQ_VECTOR)))
        return;
    /* Used-buffer (bit 0) and configuration-change (bit 1) interrupts: the
     * used ring is drained whatever the status says, and a configuration
     * change (a resize) is not followed, so both are acknowledged unread. */
    wr(VIRTIO_MMIO_INTERRUPT_ACK, 3u);
    drain_used();
    irq_ack((int)irq_h);
    run_waiting();
}

/* ---- requests --------------------------------------------------------- */

/* Append the physical segments of [pa pages) to r, merging neighbours. */
static int add_range(struct blk_req *r, const uint64_t *pages, uint64_t first_off, uint64_t len,
                     int device_writes)
{
    uint64_t done = 0, off = first_off;

    for (unsigned p = 0; done < len; p++) {
        uint64_t n = PAGE - off < len - done ? PAGE - off : len - done;
        uint64_t pa = pages[p] + off;
        struct vq_seg *last = r->nseg ? &r->seg[r->nseg - 1] : NULL;

        if (last && last->addr + last->len == pa && last->len + n <= seg_cap) {
            last->len += (uint32_t)n;
        } else {
            if (r->nseg == BLK_SEGS_MAX)
                return CHIME_EINVAL;
            r->seg[r->nseg++] = (struct vq_seg){pa, (uint32_t)n, (uint32_t)device_writes};
        }
        done += n;
        off = 0;
    }
    return 0;
}

/* The lend slot holding [va, va+len) and its generation, or -1. The lend
 * table is the kernel's; its generation changes at every lend and unlend,
 * so a lookup bracketed by two equal reads of it is of this lend. */
static int lend_slot(struct blk_client *cl, uint64_t va, uint64_t len, uint32_t *gen)
{
    const volatile struct ipc_lend_entry *lends = cl->c->lends;

    for (unsigned i = 0; lends && i < IPC_LEND_SLOTS; i++) {
        uint64_t base = lends[i].va, size = lends[i].len;

        *gen = lends[i].gen;
        if (base && va >= base && va - base <= size && len <= size - (va - base))
            return (int)i;
    }
    return -1;
}

/* The cached (and pinned) pages of lend slot i with generation gen, or
 * NULL when it is too large to cache (*big set) or changed meanwhile. */
static const uint64_t *lend_lookup(struct blk_client *cl, unsigned i, uint32_t gen,
                                   uint64_t *first_page_va, int *big)
{
    const volatile struct ipc_lend_entry *lends = cl->c->lends;
    uint64_t base = lends[i].va, size = lends[i].len;
    struct lend_pages *lp = &cl->lend[i];
    uint64_t first = base / PAGE * PAGE;
    uint64_t pages = (base + size + PAGE - 1) / PAGE - first / PAGE;

    *big = pages > LEND_CACHE_PAGES;
    if (*big)
        return NULL;
    if (lp->va != base || lp->gen != gen) {
        pins_sweep(cl); /* the old lend of the slot, if unused, and others */
        if (lp->va) {   /* still in use: its requests release it */
            lp->va = 0;
            lp->busy = 0;
        }
        if (!lp->pa)
            lp->pa = malloc(LEND_CACHE_PAGES * sizeof(uint64_t));
        if (!lp->pa)
            return NULL;
        if (syscall5(SYS_DMA_PHYS, dma_h, (long)base, (long)size, (long)lp->pa, LEND_CACHE_PAGES) !=
            (long)pages)
            return NULL;
        lp->va = base; /* pinned now: released by pin_put or pins_sweep */
        lp->gen = gen;
        lp->npages = (uint32_t)pages;
        if (lends[i].gen != gen || lends[i].va != base)
            return NULL; /* (the sweep of a later lookup releases it) */
    }
    *first_page_va = first;
    return lp->pa;
}

/* r's segments. A lent payload makes r a user of its lend's pin (r->pin_*,
 * dropped by pin_put): from here on the error paths must pin_put too. */
static long payload_segments(struct blk_client *cl, struct blk_req *r, const struct ipc_slot *rq)
{
    int dw = rq->opcode == BLK_OP_READ;
    uint64_t pages[BLK_SEGS_MAX + 1], first;
    const uint64_t *cached;
    uint32_t gen;
    int slot, big;
    long n;

    r->nseg = 0;
    if (!(rq->flags & IPC_F_LENT))
        return add_range(r, cl->data_pa + rq->data / PAGE, rq->data % PAGE, rq->length, dw);
    slot = lend_slot(cl, rq->data, rq->length, &gen);
    if (slot < 0)
        return CHIME_EFAULT;
    cached = lend_lookup(cl, (unsigned)slot, gen, &first, &big);
    if (cached) {
        cl->lend[slot].busy++;
        r->pin_slot = (int8_t)slot;
        r->pin_gen = gen;
        r->pin_va = cl->lend[slot].va;
        return add_range(r, cached + (rq->data / PAGE - first / PAGE), rq->data % PAGE, rq->length,
                         dw);
    }
    if (!big)
        return CHIME_EFAULT; /* changed while looked up, or no memory */
    /* A lend too large to cache: this request's pages only (the kernel
     * pins the whole lend; the last request on it releases the pin). */
    n = syscall5(SYS_DMA_PHYS, dma_h, (long)rq->data, (long)rq->length, (long)pages,
                 (long)(sizeof(pages) / sizeof(pages[0])));
    if (n < 0)
        return CHIME_EFAULT;
    r->pin_slot = (int8_t)slot;
    r->pin_gen = gen;
    r->pin_va = rq->data;
    if (cl->c->lends[slot].gen != gen)
        return CHIME_EFAULT;
    return add_range(r, pages, rq->data % PAGE, rq->length, dw);
}

static long op_info(struct ipc_slot *cpl)
{
    cpl->offset = disk.sectors;
    cpl->aux = disk.sector_size;
    cpl->length = disk.max_bytes;
    cpl->data = queue_depth;
    cpl->arg = (disk.read_only ? BLK_INFO_RO : 0) | (has_flush ? BLK_INFO_FLUSH : 0);
    return 0;
}

static long blk_request(struct ipc_sconn *c, const struct ipc_slot *rq, struct ipc_slot *cpl,
                        void *ctx)
{
    struct blk_client *cl = c->user;
    struct blk_req *r = NULL;
    long err = blk_check_request(&disk, rq);

    if (err)
        return err;
    if (rq->opcode == BLK_OP_INFO)
        return op_info(cpl);
    if (rq->opcode != BLK_OP_FLUSH) {
        err = blk_check_payload(rq, c->data_size, c->lends, blk_payload_prot(rq->opcode));
        if (err)
            return err;
    }
    if (broken || (rq->opcode == BLK_OP_FLUSH && !has_flush)) {
        cpl->aux = rq->aux;
        /* (no volatile cache: every completed write is durable already) */
        return broken ? CHIME_EIO : 0;
    }
    for (unsigned i = 0; i < IPC_RING_SLOTS && !r; i++)
        if (!cl->req[i].in_use)
            r = &cl->req[i];
    if (!r)
        return CHIME_EAGAIN;
    r->tag = rq->tag;
    r->aux = rq->aux;
    r->op = rq->opcode;
    r->flags = rq->flags;
    r->len = rq->length;
    r->sector = rq->offset * (disk.sector_size / BLK_SECTOR_MIN);
    r->pin_slot = -1;
    if (rq->opcode != BLK_OP_FLUSH) {
        err = payload_segments(cl, r, rq);
        if (err) {
            pin_put(cl, r);
            return err;
        }
    }
    r->stage = (rq->opcode == BLK_OP_WRITE && (rq->flags & BLK_F_PREFLUSH) && has_flush)
                   ? STAGE_PREFLUSH
                   : STAGE_IO;
    r->in_use = 1;
    cl->inflight++;
    start(r);
    return IPC_REPLY_LATER;
}

static long blk_connect(struct ipc_sconn *c, void *ctx)
{
    struct blk_client *cl = calloc(1, sizeof(*cl));
    long n;

    if (!cl)
        return CHIME_ENOMEM;
    cl->data_pages = (c->data_size + PAGE - 1) / PAGE;
    cl->data_pa = malloc(cl->data_pages * sizeof(uint64_t));
    if (!cl->data_pa) {
        free(cl);
        return CHIME_ENOMEM;
    }
    n = syscall5(SYS_DMA_PHYS, dma_h, (long)c->data, (long)c->data_size, (long)cl->data_pa,
                 (long)cl->data_pages);
    if (n != (long)cl->data_pages) {
        client_free(cl);
        return n < 0 ? n : CHIME_EFAULT;
    }
    for (unsigned i = 0; i < IPC_RING_SLOTS; i++)
        cl->req[i].cl = cl;
    cl->c = c;
    c->user = cl;
    return 0;
}

/* The client went away: forget what of its work has not reached the
 * device; what has completes into the void. */
static void blk_disconnect(struct ipc_sconn *c, void *ctx)
{
    struct blk_client *cl = c->user;
    struct blk_req **pp = &wait_head, *last = NULL;

    cl->c = NULL;
    c->user = NULL;
    while (*pp) {
        struct blk_req *r = *pp;

        if (r->cl == cl) {
            *pp = r->next;
            r->in_use = 0;
            pin_put(cl, r);
            cl->inflight--;
        } else {
            last = r;
            pp = &r->next;
        }
    }
    wait_tail = last;
    if (cl->inflight == 0)
        client_free(cl);
}

/* ---- the device ------------------------------------------------------- */

static uint32_t cfg32(unsigned off)
{
    return rd(VIRTIO_MMIO_CONFIG + off);
}

static int device_init(void)
{
    uint64_t offered, want;
    uint32_t max, size, gen;
    uint64_t cap;

    if (rd(VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MAGIC || rd(VIRTIO_MMIO_VERSION) != 2 ||
        rd(VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK) {
        fprintf(stderr, "blk: no modern virtio block device here\n");
        return -1;
    }
    wr(VIRTIO_MMIO_STATUS, 0); /* reset */
    while (rd(VIRTIO_MMIO_STATUS) != 0)
        ;
    wr(VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
    wr(VIRTIO_MMIO_DEVICE_FEAT_SEL, 0);
    offered = rd(VIRTIO_MMIO_DEVICE_FEATURES);
    wr(VIRTIO_MMIO_DEVICE_FEAT_SEL, 1);
    offered |= (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    if (!(offered >> VIRTIO_F_VERSION_1 & 1)) {
        fprintf(stderr, "blk: device lacks VIRTIO_F_VERSION_1\n");
        goto fail;
    }
    want = offered & (1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_BLK_F_SIZE_MAX |
                      1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_RO |
                      1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH);
    wr(VIRTIO_MMIO_DRIVER_FEAT_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)want);
    wr(VIRTIO_MMIO_DRIVER_FEAT_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(want >> 32));
    wr(VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK);
    if (!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_S_FEATURES_OK)) {
        fprintf(stderr, "blk: device refused our features\n");
        goto fail;
    }

    /* The one request queue, as large as the device allows (and we do). */
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    max = rd(VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (max == 0 || rd(VIRTIO_MMIO_QUEUE_READY)) {
        fprintf(stderr, "blk: queue 0 unavailable\n");
        goto fail;
    }
    for (size = VQ_SIZE_MAX; size > max; size /= 2)
        ;
    {
        struct sysret2 a = syscall3_2(SYS_DMA_ALLOC, dma_h, DMA_PAGES * PAGE, 0);

        if (a.a0 < 0) {
            fprintf(stderr, "blk: no DMA memory (%ld)\n", a.a0);
            goto fail;
        }
        dma_va = (uint8_t *)(uintptr_t)a.a0;
        dma_pa = (uint64_t)a.a1;
    }
    virtq_init(&vq, (uint16_t)size, (volatile struct vq_desc *)(dma_va + DMA_DESC * PAGE),
               (volatile struct vq_avail *)(dma_va + DMA_AVAIL * PAGE),
               (volatile struct vq_used *)(dma_va + DMA_USED * PAGE));
    wr(VIRTIO_MMIO_QUEUE_NUM, size);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(dma_pa + DMA_DESC * PAGE));
    wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)((dma_pa + DMA_DESC * PAGE) >> 32));
    wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)(dma_pa + DMA_AVAIL * PAGE));
    wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)((dma_pa + DMA_AVAIL * PAGE) >> 32));
    wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)(dma_pa + DMA_USED * PAGE));
    wr(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)((dma_pa + DMA_USED * PAGE) >> 32));
    wr(VIRTIO_MMIO_QUEUE_READY, 1);

    /* Geometry, read until the config generation holds still. */
    do {
        gen = rd(VIRTIO_MMIO_CONFIG_GEN);
        cap = cfg32(VIRTIO_BLK_CFG_CAPACITY) | (uint64_t)cfg32(VIRTIO_BLK_CFG_CAPACITY + 4) << 32;
        disk.sector_size = BLK_SECTOR_MIN;
        if (want >> VIRTIO_BLK_F_BLK_SIZE & 1) {
            uint32_t bs = cfg32(VIRTIO_BLK_CFG_BLK_SIZE);

            if (bs >= BLK_SECTOR_MIN && bs <= PAGE && !(bs & (bs - 1)))
                disk.sector_size = bs;
        }
        if (want >> VIRTIO_BLK_F_SIZE_MAX & 1)
            seg_cap = cfg32(VIRTIO_BLK_CFG_SIZE_MAX);
        disk.max_bytes = BLK_MAX_BYTES;
        if (want >> VIRTIO_BLK_F_SEG_MAX & 1) {
            uint32_t segs = cfg32(VIRTIO_BLK_CFG_SEG_MAX);

            if (segs >= 2 && (segs - 1) * PAGE < disk.max_bytes)
                disk.max_bytes = (segs - 1) * PAGE;
        }
    } while (gen != rd(VIRTIO_MMIO_CONFIG_GEN));
    if (seg_cap < PAGE) {
        fprintf(stderr, "blk: segments of %u bytes are too small\n", seg_cap);
        goto fail;
    }
    /* Every request also needs a header and a status descriptor. */
    if ((size - 3) * PAGE < disk.max_bytes)
        disk.max_bytes = (size - 3) * PAGE;
    disk.max_bytes -= disk.max_bytes % disk.sector_size;
    disk.sectors = cap / (disk.sector_size / BLK_SECTOR_MIN);
    disk.read_only = (int)(want >> VIRTIO_BLK_F_RO & 1);
    has_flush = (int)(want >> VIRTIO_BLK_F_FLUSH & 1);
    queue_depth = size / 3 < IPC_RING_SLOTS ? size / 3 : IPC_RING_SLOTS;

    wr(VIRTIO_MMIO_STATUS,
       VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK);
    return 0;
fail:
    wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_S_FAILED);
    return -1;
}

int main(int argc, char **argv)
{
    long mmio_h = env_handle("BLK_MMIO"), r;
    struct ipc_handlers h = {
        .name = BLK_SERVICE,
        .vector = IPC_SERVER_VECTOR,
        .poll_ns = IPC_POLL_NEVER, /* completions come as interrupts */
        .request = blk_request,
        .connect = blk_connect,
        .disconnect = blk_disconnect,
        .event = blk_event,
    };

    irq_h = env_handle("BLK_IRQ");
    dma_h = env_handle("BLK_DMA");
    if (mmio_h < 0 || irq_h < 0 || dma_h < 0) {
        fprintf(stderr, "blk: started without BLK_MMIO, BLK_IRQ and BLK_DMA handles\n");
        return 1;
    }
    r = syscall6(SYS_SPACE_MAP_FRAMES, CHIME_SELF, mmio_h, 0, (long)MMIO_VA, PAGE,
                 CHIME_PROT_READ | CHIME_PROT_WRITE);
    if (r < 0) {
        fprintf(stderr, "blk: cannot map the device registers (%ld)\n", r);
        return 1;
    }
    mmio = (volatile uint32_t *)MMIO_VA;
    if (device_init() < 0)
        return 1;
    r = irq_bind((int)irq_h, IRQ_VECTOR);
    if (r < 0) {
        fprintf(stderr, "blk: cannot bind the interrupt (%ld)\n", r);
        return 1;
    }
    printf("blk: %llu sectors of %u bytes%s, queue of %u\n", (unsigned long long)disk.sectors,
           disk.sector_size, disk.read_only ? ", read-only" : "", (unsigned)vq.size);
    fflush(stdout);
    r = ipc_server_run(&h);
    if (r < 0) {
        fprintf(stderr, "blk: cannot serve %s: error %ld\n", BLK_SERVICE, r);
        return 1;
    }
    return 0;
}
