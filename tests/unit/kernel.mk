# Host unit tests of kernel code (the harness is in tests/unit/rules.mk).
# Kernel files build with HOST_TEST: physical memory is simulated
# (tests/unit/sim_phys.c) and the platform headers come from the include path.

UNIT_TESTS += test_frame test_vm test_handle test_karea test_runqueue test_ipc_conn
test_frame_SRCS  := tests/unit/test_frame.c kernel/frame.c
test_vm_SRCS     := tests/unit/test_vm.c tests/unit/sim_phys.c kernel/vm.c kernel/frame.c
test_handle_SRCS := tests/unit/test_handle.c tests/unit/sim_phys.c kernel/handle.c kernel/frame.c
test_karea_SRCS  := tests/unit/test_karea.c kernel/karea.c
test_runqueue_SRCS := tests/unit/test_runqueue.c kernel/runqueue.c
test_ipc_conn_SRCS := tests/unit/test_ipc_conn.c tests/unit/sim_phys.c kernel/ipc_service.c \
                      kernel/ipc_conn.c kernel/ipc_lend.c kernel/karea.c kernel/vm.c \
                      kernel/frame.c kernel/frames.c kernel/handle.c

KERNEL_HOST_FLAGS := -DHOST_TEST -Ikernel -Iplatform/riscv/include -Itests/unit
$(BUILD)/host/unit/kernel/%.o: H_CFLAGS += $(KERNEL_HOST_FLAGS)
$(BUILD)/host/unit/tests/unit/test_frame.o $(BUILD)/host/unit/tests/unit/test_vm.o \
$(BUILD)/host/unit/tests/unit/test_handle.o $(BUILD)/host/unit/tests/unit/test_karea.o \
$(BUILD)/host/unit/tests/unit/test_runqueue.o $(BUILD)/host/unit/tests/unit/test_ipc_conn.o \
$(BUILD)/host/unit/tests/unit/sim_phys.o: H_CFLAGS += $(KERNEL_HOST_FLAGS)


# The device tree reader (test_fdt, tests/unit/rules.mk) includes its
# public header as the kernel does: <platform/fdt.h>.
$(BUILD)/host/unit/tests/unit/test_fdt.o $(BUILD)/host/unit/platform/riscv/%.o: \
    H_CFLAGS += -Iplatform/riscv/include
