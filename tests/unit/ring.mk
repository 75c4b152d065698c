# uintr and IPC, user side: host unit tests and style lists.
#
# Must be included before tests/unit/rules.mk (which turns UNIT_TESTS into
# build rules). Covers libos/{uintr,ring,ipc}*, the echo server and client,
# the benchmark and the guest IPC tests.

UNIT_TESTS += test_ring test_uintr_sm

test_ring_SRCS := tests/unit/test_ring.c libos/ring.c
test_uintr_sm_SRCS := tests/unit/test_uintr_sm.c libos/uintr_sm.c

IPC_USER_C := libos/uintr.c libos/uintr_sm.c libos/ring.c libos/ipc_client.c libos/ipc_server.c \
              $(wildcard servers/echod/*.c apps/echo_client/*.c apps/bench/*.c tests/guest/ipctest*/*.c) \
              tests/unit/test_ring.c tests/unit/test_uintr_sm.c
IPC_USER_H := libos/uintr.h libos/ring.h libos/ipc.h include/chime/proto/echo.h \
              $(wildcard apps/bench/*.h tests/guest/ipctest*/*.h)

