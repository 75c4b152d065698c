# servers/blk's pure parts on the host: the virtqueue (with the test as the
# device, honest or not) and the request checks.
UNIT_TESTS += test_virtq test_blkreq
test_virtq_SRCS := tests/unit/test_virtq.c servers/blk/virtq.c
test_blkreq_SRCS := tests/unit/test_blkreq.c servers/blk/blkreq.c
