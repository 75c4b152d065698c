# uintr and IPC, user side: host unit tests.
#
# Covers libos/ring.[ch] and libos/uintr_delivery.c.

UNIT_TESTS += test_ring test_uintr_delivery

test_ring_SRCS := tests/unit/test_ring.c libos/ring.c
test_uintr_delivery_SRCS := tests/unit/test_uintr_delivery.c libos/uintr_delivery.c
