/* kernel/ipc_service.c, ipc_conn.c, ipc_lend.c over simulated memory: two
 * address spaces with real page tables (vm.c), real handle tables
 * (handle.c) and the kernel-placed area (karea.c); the uintr side, the
 * TLB and user copies are stand-ins that record what the IPC code asked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "frames.h"
#include "ipc.h"
#include "kalloc.h"
#include "sim_phys.h"
#include "space.h"
#include "thread.h"
#include "uintr.h"
#include "vm.h"
#include <chime/errno.h>
#include <chime/syscall.h>

/* ---- stand-ins for the rest of the kernel ---------------------------------- */

struct cpu *cpu_tp;
static struct cpu hart;

void *kalloc(size_t size)
{
    return calloc(1, size);
}

void kfree(void *p)
{
    free(p);
}

/* User memory is host memory here; addresses below 4096 are "unmapped". */
bool user_range_ok(uint64_t va, uint64_t len)
{
    return va >= 4096;
}

long copy_from_user(void *dst, uint64_t usrc, size_t len)
{
    if (!user_range_ok(usrc, len))
        return CHIME_EFAULT;
    memcpy(dst, (const void *)usrc, len);
    return 0;
}

long copy_to_user(uint64_t udst, const void *src, size_t len)
{
    if (!user_range_ok(udst, len))
        return CHIME_EFAULT;
    memcpy((void *)udst, src, len);
    return 0;
}

int space_map_frame(struct space *s, uint64_t va, uint64_t pa, uint32_t prot)
{
    return pt_map_range(s->root, va, PAGE_SIZE, pa, prot);
}

static int flushes[2];
static struct space spaces[2];

void space_tlb_flush(struct space *s)
{
    flushes[s - spaces]++;
}

/* One vector per thread and number, as uintr_vector_get makes them. */
static struct thread threads[2];
static struct vector vectors[2][CHIME_UINTR_VECTORS];
static uint64_t posted[2]; /* bits posted to each thread */
static int posts[2];

struct vector *uintr_vector_get(struct thread *t, unsigned v)
{
    struct vector *vec = &vectors[t - threads][v];
    if (!vec->recv) {
        kobj_init(&vec->obj, CHIME_OBJ_VECTOR);
        vec->recv = t;
        vec->bit = 1ull << v;
    }
    return vec;
}

void uintr_post(struct thread *t, uint64_t bits)
{
    posted[t - threads] |= bits;
    posts[t - threads]++;
}

int uintr_sender_add(struct space *s, struct vector *v)
{
    if (!s->senders)
        s->senders = calloc(1, sizeof(*s->senders));
    for (int i = 0; i < CHIME_UINTR_MAX_SENDERS; i++) {
        if (!s->senders->entry[i]) {
            kobj_get(&v->obj);
            s->senders->entry[i] = v;
            return i;
        }
    }
    return CHIME_ENOMEM;
}

void uintr_sender_remove(struct space *s, int index)
{
    struct vector *v = s->senders->entry[index];
    s->senders->entry[index] = NULL;
    kobj_put(&v->obj);
}

void kobj_release(struct kobj *o)
{
    switch (o->type) {
    case CHIME_OBJ_SERVICE:
        service_destroy(container_of(o, struct service, obj));
        break;
    case CHIME_OBJ_CONN:
        conn_end_release(container_of(o, struct conn_end, obj));
        break;
    case CHIME_OBJ_FRAMES:
        frames_destroy(container_of(o, struct frames, obj));
        break;
    case CHIME_OBJ_VECTOR:
        break; /* static here */
    default:
        fail_msg("release of object type %u", o->type);
    }
}

/* ---- the two processes --------------------------------------------------- */

enum { CL = 0, SRV = 1 };
#define SRV_VEC 5 /* the service's vector in the server */
#define CL_VEC  9 /* the client's reply vector */
#define PG      4096ull

static uint64_t kernel_root_pa;
static uint64_t free_at_start;

static void run_as(int who)
{
    hart.current = &threads[who];
}

static int setup(void **state)
{
    sim_phys_reset();
    memset(spaces, 0, sizeof(spaces));
    memset(threads, 0, sizeof(threads));
    memset(vectors, 0, sizeof(vectors));
    memset(posted, 0, sizeof(posted));
    memset(posts, 0, sizeof(posts));
    memset(flushes, 0, sizeof(flushes));
    cpu_tp = &hart;
    kernel_root_pa = frame_alloc();
    free_at_start = sim_pool.nfree;
    for (int i = 0; i < 2; i++) {
        struct space *s = &spaces[i];
        kobj_init(&s->obj, CHIME_OBJ_SPACE);
        s->id = 100 + (uint64_t)i;
        s->root = pt_create(kernel_root_pa);
        assert_true(s->root != 0);
        assert_int_equal(handle_table_init(&s->handles), 0);
        list_init(&s->conns);
        list_init(&s->karea_holes);
        s->karea_next = CHIME_KAREA_BASE;
        threads[i].space = s;
    }
    return 0;
}

static void space_teardown(struct space *s)
{
    if (s->state == S_ALIVE) {
        s->state = S_EXITING;
        ipc_space_exit(s);
        handle_table_destroy(&s->handles);
    }
    pt_destroy(s->root);
    space_karea_destroy(s);
    free(s->senders);
}

static int teardown(void **state)
{
    space_teardown(&spaces[CL]);
    space_teardown(&spaces[SRV]);
    /* Every frame the IPC code took (buffers, control, lend and scratch
     * pages, page tables) came back. */
    assert_int_equal(sim_pool.nfree, free_at_start);
    return 0;
}

static long call(long (*fn)(struct trapframe *), int who, uint64_t a0, uint64_t a1, uint64_t a2,
                 uint64_t a3, uint64_t a4, struct trapframe *out)
{
    struct trapframe tf = {.a0 = a0, .a1 = a1, .a2 = a2, .a3 = a3, .a4 = a4};
    run_as(who);
    long r = fn(&tf);
    if (out)
        *out = tf;
    return r;
}

static const char NAME[] = "echo";

/* Publish NAME: the service handle; *ctl = the control page (kernel view). */
static long serve(struct ipc_ctl_page **ctl)
{
    struct trapframe tf;
    long h = call(sys_ipc_serve, SRV, (uint64_t)NAME, 4, SRV_VEC, 0, 0, &tf);
    assert_true(h >= 0);
    uint64_t pa = pt_translate(spaces[SRV].root, tf.a1, PTE_R | PTE_W);
    assert_true(pa != 0); /* mapped for the server */
    *ctl = phys_to_virt(pa);
    return h;
}

static long connect_to(const char *name, uint64_t size, struct ipc_conn_info *info)
{
    return call(sys_ipc_connect, CL, (uint64_t)name, strlen(name), size, CL_VEC, (uint64_t)info,
                NULL);
}

/* The server's handle of its newest connection: the one its control page
 * marks (the service handle is 1, so connections come after it). */
static int64_t marked_handle(const struct ipc_ctl_page *ctl)
{
    for (int64_t h = IPC_CTL_HANDLES - 1; h >= 0; h--)
        if (ctl->changed[h / 64] >> (h % 64) & 1)
            return h;
    return -1;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_connect_maps_one_buffer_in_both(void **state)
{
    struct ipc_ctl_page *ctl;
    serve(&ctl);
    struct ipc_conn_info info;
    long ch = connect_to(NAME, 0, &info);
    assert_true(ch >= 0);
    assert_int_equal(info.size, CHIME_IPC_BUF_DEFAULT);
    assert_int_equal(info.send_index, 0);
    /* The client sends to the service's vector. */
    assert_ptr_equal(spaces[CL].senders->entry[0], &vectors[SRV][SRV_VEC]);

    /* The server learns of it: its handle is marked, with summary and seq. */
    int64_t sh = marked_handle(ctl);
    assert_true(sh > 0);
    assert_true(ctl->summary & (1ull << (sh / 64)));
    assert_int_equal(ctl->seq.value, 1);
    assert_true(posted[SRV] & (1ull << SRV_VEC));

    struct ipc_conn_state st;
    assert_int_equal(call(sys_ipc_conn_state, SRV, (uint64_t)sh, (uint64_t)&st, 0, 0, 0, NULL),
                     IPC_CONN_LIVE);
    assert_int_equal(st.size, info.size);
    assert_int_equal(st.client, spaces[CL].id);
    assert_int_equal(st.lend_size, (uint64_t)IPC_LEND_SLOTS * IPC_LEND_SLOT_SIZE);
    /* The server replies to the client's vector. */
    assert_ptr_equal(spaces[SRV].senders->entry[st.reply_index], &vectors[CL][CL_VEC]);

    /* Same frames on both sides, and the header the kernel wrote. */
    for (uint64_t off = 0; off < info.size; off += PG) {
        uint64_t a = pt_translate(spaces[CL].root, info.buffer + off, PTE_R | PTE_W);
        assert_true(a != 0);
        assert_int_equal(a, pt_translate(spaces[SRV].root, st.buffer + off, PTE_R | PTE_W));
    }
    struct ipc_header *hdr = phys_to_virt(pt_translate(spaces[CL].root, info.buffer, 0));
    assert_int_equal(hdr->magic, IPC_MAGIC);
    assert_int_equal(hdr->slots, IPC_RING_SLOTS);
    assert_int_equal(hdr->size, info.size);
    /* The lend table is the server's to read, not to write. */
    assert_true(pt_translate(spaces[SRV].root, st.lend_table, PTE_R) != 0);
    assert_int_equal(pt_translate(spaces[SRV].root, st.lend_table, PTE_W), 0);
}

static void test_connect_errors_leave_nothing(void **state)
{
    struct ipc_ctl_page *ctl;
    serve(&ctl);
    struct ipc_conn_info info;
    uint64_t before = sim_pool.nfree;
    assert_int_equal(connect_to("nope", 0, &info), CHIME_ENOENT);
    assert_int_equal(connect_to(NAME, CHIME_IPC_BUF_MAX + 1, &info), CHIME_EINVAL);
    assert_int_equal(connect_to(NAME, 4096, &info), CHIME_EINVAL); /* below the minimum */
    assert_int_equal(
        call(sys_ipc_connect, CL, (uint64_t)NAME, 4, 0, CHIME_UINTR_VECTORS, (uint64_t)&info, NULL),
        CHIME_EINVAL);
    assert_int_equal(connect_to(NAME, 0, (struct ipc_conn_info *)8), CHIME_EFAULT);
    assert_int_equal(sim_pool.nfree, before); /* the EFAULT one gave all back */
    /* Out of frames at each allocation in turn: ENOMEM, and nothing is
     * left of the attempt (page tables made along the way stay: reused). */
    long n = 0, r;
    for (;; n++) {
        sim_phys_fail_after(n);
        r = connect_to(NAME, 0, &info);
        sim_phys_fail_after(-1);
        if (r >= 0)
            break;
        assert_int_equal(r, CHIME_ENOMEM);
        int err;
        assert_null(handle_lookup(&spaces[CL].handles, 0, 0, 0, &err)); /* no handle left */
        assert_true(list_empty(&spaces[CL].conns));
        assert_true(list_empty(&spaces[SRV].conns));
        /* The server never heard of it. */
        assert_int_equal(marked_handle(ctl), -1);
        assert_int_equal(ctl->seq.value, 0);
        assert_int_equal(posts[SRV], 0);
    }
    assert_true(n >= 3); /* buffer, lend table, scratch page at least */
    assert_true(sim_pool.nfree <= before);
    assert_true(marked_handle(ctl) > 0); /* the one that worked is marked */
    assert_int_equal(ctl->seq.value, 1);
}

static void test_serve_errors(void **state)
{
    struct ipc_ctl_page *ctl;
    serve(&ctl);
    assert_int_equal(call(sys_ipc_serve, SRV, (uint64_t)NAME, 4, SRV_VEC, 0, 0, NULL),
                     CHIME_EEXIST);
    assert_int_equal(call(sys_ipc_serve, SRV, (uint64_t)NAME, 0, SRV_VEC, 0, 0, NULL),
                     CHIME_EINVAL);
    assert_int_equal(
        call(sys_ipc_serve, SRV, (uint64_t)NAME, CHIME_IPC_NAME_MAX, SRV_VEC, 0, 0, NULL),
        CHIME_EINVAL);
    assert_int_equal(call(sys_ipc_serve, SRV, 8, 4, SRV_VEC, 0, 0, NULL), CHIME_EFAULT);
    assert_int_equal(call(sys_ipc_serve, SRV, (uint64_t) "two", 3, CHIME_UINTR_VECTORS, 0, 0, NULL),
                     CHIME_EINVAL);
}

static void test_client_disconnect_tells_the_server(void **state)
{
    struct ipc_ctl_page *ctl;
    serve(&ctl);
    struct ipc_conn_info info;
    long ch = connect_to(NAME, 0, &info);
    int64_t sh = marked_handle(ctl);
    struct ipc_header *hdr = phys_to_virt(pt_translate(spaces[CL].root, info.buffer, 0));
    ctl->changed[sh / 64] = 0;
    int before = posts[SRV];

    assert_int_equal(call(sys_ipc_disconnect, CL, (uint64_t)ch, 0, 0, 0, 0, NULL), 0);
    assert_int_equal(hdr->closed.value, 1);
    assert_true(ctl->changed[sh / 64] >> (sh % 64) & 1);
    assert_int_equal(ctl->seq.value, 2);
    assert_int_equal(posts[SRV], before + 1);
    /* The client's mapping and sender entry are gone. */
    assert_int_equal(pt_translate(spaces[CL].root, info.buffer, 0), 0);
    assert_null(spaces[CL].senders->entry[info.send_index]);
    assert_int_equal(call(sys_ipc_conn_state, SRV, (uint64_t)sh, (uint64_t)8, 0, 0, 0, NULL),
                     IPC_CONN_GONE);
    /* The handle is closed: a second disconnect is an error, not a crash. */
    assert_int_equal(call(sys_ipc_disconnect, CL, (uint64_t)ch, 0, 0, 0, 0, NULL), CHIME_EBADH);
    /* The server closing its end frees the connection (teardown counts). */
    assert_int_equal(handle_close(&spaces[SRV].handles, sh), 0);
}

static void test_server_exit_ends_the_client_side(void **state)
{
    struct ipc_ctl_page *ctl;
    serve(&ctl);
    struct ipc_conn_info info;
    long ch = connect_to(NAME, 0, &info);
    spaces[SRV].state = S_EXITING;
    ipc_space_exit(&spaces[SRV]);
    handle_table_destroy(&spaces[SRV].handles);
    spaces[SRV].state = S_DEAD;
    assert_true(posted[CL] & (1ull << CL_VEC)); /* the client is told */
    /* The name is free, the client's lends are refused: EPIPE. */
    struct ipc_conn_info again;
    assert_int_equal(connect_to(NAME, 0, &again), CHIME_ENOENT);
    assert_int_equal(call(sys_ipc_lend, CL, (uint64_t)ch, 0x100000, PG, CHIME_PROT_READ, 0, NULL),
                     CHIME_EPIPE);
    /* The client still maps its buffer until it disconnects. */
    assert_true(pt_translate(spaces[CL].root, info.buffer, 0) != 0);
    assert_int_equal(call(sys_ipc_disconnect, CL, (uint64_t)ch, 0, 0, 0, 0, NULL), 0);
}

/* A connection with a server-side handle and state, for the lend tests. */
static int64_t connected(struct ipc_conn_state *st, long *ch)
{
    struct ipc_ctl_page *ctl;
    serve(&ctl);
    struct ipc_conn_info info;
    *ch = connect_to(NAME, 0, &info);
    assert_true(*ch >= 0);
    int64_t sh = marked_handle(ctl);
    assert_int_equal(call(sys_ipc_conn_state, SRV, (uint64_t)sh, (uint64_t)st, 0, 0, 0, NULL),
                     IPC_CONN_LIVE);
    return sh;
}

#define UVA 0x200000ull /* client memory to lend */

static const struct ipc_lend_entry *lend_entries(const struct ipc_conn_state *st)
{
    return phys_to_virt(pt_translate(spaces[SRV].root, st->lend_table, PTE_R));
}

static void test_lend_maps_the_clients_frames(void **state)
{
    struct ipc_conn_state st;
    long ch;
    int64_t sh = connected(&st, &ch);
    assert_int_equal(pt_map_range(spaces[CL].root, UVA, 2 * PG, 0, CHIME_PROT_READ), 0);
    /* Writable lends of read-only memory, unmapped memory and bad args. */
    assert_int_equal(
        call(sys_ipc_lend, CL, (uint64_t)ch, UVA, PG, CHIME_PROT_READ | CHIME_PROT_WRITE, 0, NULL),
        CHIME_EFAULT);
    assert_int_equal(call(sys_ipc_lend, CL, (uint64_t)ch, UVA, 3 * PG, CHIME_PROT_READ, 0, NULL),
                     CHIME_EFAULT);
    assert_int_equal(call(sys_ipc_lend, CL, (uint64_t)ch, UVA, 0, CHIME_PROT_READ, 0, NULL),
                     CHIME_EINVAL);
    assert_int_equal(call(sys_ipc_lend, CL, (uint64_t)ch, UVA, PG, CHIME_PROT_EXEC, 0, NULL),
                     CHIME_EINVAL);
    assert_int_equal(
        call(sys_ipc_lend, CL, (uint64_t)ch, UVA, IPC_LEND_SLOT_SIZE + 1, CHIME_PROT_READ, 0, NULL),
        CHIME_EINVAL);
    /* The server may not lend on the client's behalf. */
    assert_int_equal(call(sys_ipc_lend, SRV, (uint64_t)sh, UVA, PG, CHIME_PROT_READ, 0, NULL),
                     CHIME_EPERM);

    /* 100 bytes from offset 16 of the second page through the first of the
     * next: both pages are lent, at the same offset in the window. */
    long va = call(sys_ipc_lend, CL, (uint64_t)ch, UVA + 16, PG, CHIME_PROT_READ, 0, NULL);
    assert_int_equal(va, st.lend_base + 16);
    for (uint64_t p = 0; p < 2; p++)
        assert_int_equal(pt_translate(spaces[SRV].root, st.lend_base + p * PG, PTE_R),
                         pt_translate(spaces[CL].root, UVA + p * PG, PTE_R));
    assert_int_equal(pt_translate(spaces[SRV].root, st.lend_base, PTE_W), 0); /* read only */
    const struct ipc_lend_entry *e = lend_entries(&st);
    assert_int_equal(e[0].va, (uint64_t)va);
    assert_int_equal(e[0].len, PG);
    assert_int_equal(e[0].prot, CHIME_PROT_READ);
    assert_int_equal(e[0].gen, 1);

    /* Unlend: the window pages now show scratch, never the client's frame. */
    assert_int_equal(call(sys_ipc_unlend, CL, (uint64_t)ch, (uint64_t)va + 1, 0, 0, 0, NULL),
                     CHIME_ENOENT);
    int f = flushes[SRV];
    assert_int_equal(call(sys_ipc_unlend, CL, (uint64_t)ch, (uint64_t)va, 0, 0, 0, NULL), 0);
    assert_int_equal(flushes[SRV], f + 1); /* one shootdown for the slot */
    uint64_t scratch = pt_translate(spaces[SRV].root, st.lend_base, PTE_R);
    assert_true(scratch != 0);
    assert_true(scratch != pt_translate(spaces[CL].root, UVA, PTE_R));
    assert_int_equal(pt_translate(spaces[SRV].root, st.lend_base + PG, PTE_R), scratch);
    assert_int_equal(e[0].va, 0);
    assert_int_equal(e[0].gen, 2);
}

static void test_new_lend_takes_the_slot_freed_longest_ago(void **state)
{
    struct ipc_conn_state st;
    long ch;
    connected(&st, &ch);
    assert_int_equal(pt_map_range(spaces[CL].root, UVA, PG, 0, CHIME_PROT_READ), 0);
    long va[IPC_LEND_SLOTS];
    for (int i = 0; i < IPC_LEND_SLOTS; i++) {
        va[i] = call(sys_ipc_lend, CL, (uint64_t)ch, UVA, PG, CHIME_PROT_READ, 0, NULL);
        assert_int_equal(va[i], st.lend_base + (uint64_t)i * IPC_LEND_SLOT_SIZE);
    }
    assert_int_equal(call(sys_ipc_lend, CL, (uint64_t)ch, UVA, PG, CHIME_PROT_READ, 0, NULL),
                     CHIME_EAGAIN);
    /* Free 7, then 3: the next lend reuses 7, the one after 3. */
    assert_int_equal(call(sys_ipc_unlend, CL, (uint64_t)ch, (uint64_t)va[7], 0, 0, 0, NULL), 0);
    assert_int_equal(call(sys_ipc_unlend, CL, (uint64_t)ch, (uint64_t)va[3], 0, 0, 0, NULL), 0);
    assert_int_equal(call(sys_ipc_lend, CL, (uint64_t)ch, UVA, PG, CHIME_PROT_READ, 0, NULL),
                     va[7]);
    assert_int_equal(call(sys_ipc_lend, CL, (uint64_t)ch, UVA, PG, CHIME_PROT_READ, 0, NULL),
                     va[3]);
}

static void test_unmapping_lent_memory_revokes_the_lend(void **state)
{
    struct ipc_conn_state st;
    long ch;
    connected(&st, &ch);
    assert_int_equal(pt_map_range(spaces[CL].root, UVA, 4 * PG, 0, CHIME_PROT_READ), 0);
    long a = call(sys_ipc_lend, CL, (uint64_t)ch, UVA, PG, CHIME_PROT_READ, 0, NULL);
    long b = call(sys_ipc_lend, CL, (uint64_t)ch, UVA + 3 * PG, PG, CHIME_PROT_READ, 0, NULL);
    assert_true(a > 0 && b > 0);
    uint64_t frame_b = pt_translate(spaces[CL].root, UVA + 3 * PG, PTE_R);
    /* The client is about to unmap its first page: only lend a goes. */
    ipc_revoke_range(&spaces[CL], UVA, PG);
    const struct ipc_lend_entry *e = lend_entries(&st);
    assert_int_equal(e[0].va, 0);
    assert_int_equal(e[1].va, (uint64_t)b);
    assert_true(pt_translate(spaces[SRV].root, (uint64_t)a, PTE_R) !=
                pt_translate(spaces[CL].root, UVA, PTE_R));
    assert_int_equal(pt_translate(spaces[SRV].root, (uint64_t)b & ~(PG - 1), PTE_R), frame_b);
    /* Closing the client's side revokes the rest. */
    assert_int_equal(call(sys_ipc_disconnect, CL, (uint64_t)ch, 0, 0, 0, 0, NULL), 0);
    assert_int_equal(e[1].va, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_connect_maps_one_buffer_in_both, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_errors_leave_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serve_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_disconnect_tells_the_server, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_exit_ends_the_client_side, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lend_maps_the_clients_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_lend_takes_the_slot_freed_longest_ago, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unmapping_lent_memory_revokes_the_lend, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
