/* Host tests for servers/blk/blkreq.c: every request the blk protocol
 * refuses, refused with the right code, and good ones let through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <chime/errno.h>
#include <chime/proto/blk.h>
#include <chime/types.h>

#include "../../servers/blk/blkreq.h"

static const struct blk_disk disk = {
    .sectors = 65536, .sector_size = 512, .max_bytes = 128 * 1024, .read_only = 0};
static const struct blk_disk ro_disk = {
    .sectors = 65536, .sector_size = 512, .max_bytes = 128 * 1024, .read_only = 1};

static struct ipc_slot rq(uint16_t op, uint16_t flags, uint64_t sector, uint64_t len)
{
    struct ipc_slot s;

    memset(&s, 0, sizeof(s));
    s.opcode = op;
    s.flags = flags;
    s.offset = sector;
    s.length = len;
    return s;
}

static long check(const struct blk_disk *d, uint16_t op, uint16_t flags, uint64_t sector,
                  uint64_t len)
{
    struct ipc_slot s = rq(op, flags, sector, len);

    return blk_check_request(d, &s);
}

static void test_good(void **state)
{
    assert_int_equal(check(&disk, BLK_OP_READ, 0, 0, 512), 0);
    assert_int_equal(check(&disk, BLK_OP_READ, IPC_F_LENT, 65535, 512), 0);
    assert_int_equal(check(&disk, BLK_OP_WRITE, BLK_F_FUA | BLK_F_PREFLUSH, 65280, 128 * 1024), 0);
    assert_int_equal(check(&disk, BLK_OP_FLUSH, 0, 0, 0), 0);
    assert_int_equal(check(&disk, BLK_OP_INFO, 0, 0, 0), 0);
    assert_int_equal(check(&ro_disk, BLK_OP_READ, 0, 0, 4096), 0);
}

static void test_range(void **state)
{
    assert_int_equal(check(&disk, BLK_OP_READ, 0, 65536, 512), CHIME_ERANGE);
    assert_int_equal(check(&disk, BLK_OP_READ, 0, 65535, 1024), CHIME_ERANGE);
    assert_int_equal(check(&disk, BLK_OP_WRITE, 0, ~0ull, 512), CHIME_ERANGE);
    /* sector + count would wrap to a small number. */
    assert_int_equal(check(&disk, BLK_OP_WRITE, 0, ~0ull - 1, 1024), CHIME_ERANGE);
    assert_int_equal(check(&disk, BLK_OP_WRITE, 0, 1ull << 63, 4096), CHIME_ERANGE);
}

static void test_length(void **state)
{
    assert_int_equal(check(&disk, BLK_OP_READ, 0, 0, 0), CHIME_EINVAL);
    assert_int_equal(check(&disk, BLK_OP_READ, 0, 0, 511), CHIME_EINVAL);
    assert_int_equal(check(&disk, BLK_OP_WRITE, 0, 0, 513), CHIME_EINVAL);
    assert_int_equal(check(&disk, BLK_OP_WRITE, 0, 0, 128 * 1024 + 512), CHIME_EINVAL);
    assert_int_equal(check(&disk, BLK_OP_WRITE, 0, 0, ~0ull - 511), CHIME_EINVAL);
}

static void test_flags_and_ops(void **state)
{
    assert_int_equal(check(&disk, 0x63, 0, 0, 512), CHIME_ENOSYS);
    assert_int_equal(check(&disk, 0, 0, 0, 512), CHIME_ENOSYS);
    assert_int_equal(check(&disk, BLK_OP_READ, BLK_F_FUA, 0, 512), CHIME_EINVAL);
    assert_int_equal(check(&disk, BLK_OP_READ, BLK_F_PREFLUSH, 0, 512), CHIME_EINVAL);
    assert_int_equal(check(&disk, BLK_OP_WRITE, 0x80, 0, 512), CHIME_EINVAL);
    assert_int_equal(check(&disk, BLK_OP_FLUSH, BLK_F_FUA, 0, 0), CHIME_EINVAL);
}

static void test_read_only(void **state)
{
    assert_int_equal(check(&ro_disk, BLK_OP_WRITE, 0, 0, 512), CHIME_EROFS);
    /* Malformed writes say what is malformed first. */
    assert_int_equal(check(&ro_disk, BLK_OP_WRITE, 0, 0, 100), CHIME_EINVAL);
}

static void test_data_area(void **state)
{
    struct ipc_slot s = rq(BLK_OP_READ, 0, 0, 4096);

    s.data = 0;
    assert_int_equal(blk_check_payload(&s, 8192, NULL, CHIME_PROT_WRITE), 0);
    s.data = 4096;
    assert_int_equal(blk_check_payload(&s, 8192, NULL, CHIME_PROT_WRITE), 0);
    s.data = 4097;
    assert_int_equal(blk_check_payload(&s, 8192, NULL, CHIME_PROT_WRITE), CHIME_EFAULT);
    s.data = ~0ull - 100; /* data + length wraps */
    assert_int_equal(blk_check_payload(&s, 8192, NULL, CHIME_PROT_WRITE), CHIME_EFAULT);
    s.data = 0;
    s.length = 16384;
    assert_int_equal(blk_check_payload(&s, 8192, NULL, CHIME_PROT_WRITE), CHIME_EFAULT);
}

static void test_lends(void **state)
{
    struct ipc_lend_entry lends[IPC_LEND_SLOTS];
    struct ipc_slot s = rq(BLK_OP_READ, IPC_F_LENT, 0, 4096);

    memset(lends, 0, sizeof(lends));
    lends[3] = (struct ipc_lend_entry){.va = 0x2000400000ull, .len = 8192, .prot = CHIME_PROT_READ};
    lends[5] = (struct ipc_lend_entry){
        .va = 0x2000800000ull, .len = 8192, .prot = CHIME_PROT_READ | CHIME_PROT_WRITE};
    s.data = 0x2000800000ull;
    assert_int_equal(blk_check_payload(&s, 1 << 20, lends, CHIME_PROT_WRITE), 0);
    s.data = 0x2000801000ull;
    assert_int_equal(blk_check_payload(&s, 1 << 20, lends, CHIME_PROT_WRITE), 0);
    s.data = 0x2000801200ull; /* runs past the lend */
    assert_int_equal(blk_check_payload(&s, 1 << 20, lends, CHIME_PROT_WRITE), CHIME_EFAULT);
    s.data = 0x2000400000ull; /* lent read-only: a READ may not write it */
    assert_int_equal(blk_check_payload(&s, 1 << 20, lends, CHIME_PROT_WRITE), CHIME_EPERM);
    assert_int_equal(blk_check_payload(&s, 1 << 20, lends, CHIME_PROT_READ), 0);
    s.data = 0x2000c00000ull; /* never lent */
    assert_int_equal(blk_check_payload(&s, 1 << 20, lends, CHIME_PROT_READ), CHIME_EFAULT);
    s.data = 0; /* a data-area offset is no lent address */
    assert_int_equal(blk_check_payload(&s, 1 << 20, lends, CHIME_PROT_READ), CHIME_EFAULT);
    assert_int_equal(blk_check_payload(&s, 1 << 20, NULL, CHIME_PROT_READ), CHIME_EFAULT);
    assert_int_equal(blk_payload_prot(BLK_OP_READ), CHIME_PROT_WRITE);
    assert_int_equal(blk_payload_prot(BLK_OP_WRITE), CHIME_PROT_READ);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),      cmocka_unit_test(test_range),
        cmocka_unit_test(test_length),    cmocka_unit_test(test_flags_and_ops),
        cmocka_unit_test(test_read_only), cmocka_unit_test(test_data_area),
        cmocka_unit_test(test_lends),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
