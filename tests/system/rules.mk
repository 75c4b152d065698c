# System tests: boot QEMU with each tests/system/cases/*.case (see README.md).
# make test CASES="systest hello" runs only those cases.

TEST_SUITES += 'sh tests/system/run.sh $(CASES)'

# The runner's QEMU command line, with @SMP@ where the hart count goes.
SYSTEM_TEST_QEMU_CMD = $(QEMU) $(subst -smp $(SMP),-smp @SMP@,$(QEMU_FLAGS))
export CHIME_QEMU_CMD = $(SYSTEM_TEST_QEMU_CMD)
export CHIME_KERNEL_ELF = $(KERNEL_ELF)
export CHIME_BOOT_ARCHIVE = $(BOOT_ARCHIVE)

system-test-qemu-cmd:
	@echo '$(SYSTEM_TEST_QEMU_CMD)'

.PHONY: system-test-qemu-cmd

# The host side of the blk cases: compares a disk image with what blktest
# announced (a case's CHECK hook, see README.md).
BLKCHECK := $(BUILD)/host/blkcheck
$(BLKCHECK): tests/system/blkcheck.c tests/guest/blktest/pattern.h
	@mkdir -p $(@D)
	$(HOSTCC) $(H_CFLAGS) -o $@ $<
ALL_TARGETS += $(BLKCHECK)

# `printf 'echo hi\npoweroff\n' | make run`, as a user types it.
TEST_SUITES += 'sh tests/system/make_run_pipe.sh'
