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

# The file-system model test (cases fsmodel_*): the guest program
# tests/guest/fsmodel links the generator, and the same program built for the
# host replays the seed there (tests/system/fsmodel_check.sh).
PROG_EXTRA_OBJS_fsmodel := $(BUILD)/user-obj/tests/fsgen/fsgen.o
FSMODEL_HOST := $(BUILD)/host/fsmodel
$(FSMODEL_HOST): tests/guest/fsmodel/fsmodel.c tests/fsgen/fsgen.c tests/fsgen/fsgen.h
	@mkdir -p $(@D)
	$(HOSTCC) -std=c11 -D_XOPEN_SOURCE=700 -O2 -g $(WARN) -o $@ \
		tests/guest/fsmodel/fsmodel.c tests/fsgen/fsgen.c
ALL_TARGETS += $(FSMODEL_HOST)
