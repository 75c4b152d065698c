# Chime: one non-recursive build. Each component contributes a rules.mk
# fragment (listed below); everything lands under build/.
#
#   make            kernel ELF, boot archive, host tools
#   make run        boot in QEMU (RUN="prog args" POWEROFF=1 SMP=n DISK=path)
#   make test       every suite; ends with "N passed, N failed"
#   make bench      guest instruction counts under -icount
#   make gdb        QEMU halted with a gdb stub; then `gdb-multiarch` or
#                   `riscv64-unknown-elf-gdb` with build/.gdbinit
#   make format / format-check / lint / clean / fuzz / bench-host

BUILD := build
.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

# Tools come from Debian packages: when one is missing, install them all
# through scripts/deps.sh before anything is built (fresh machine, no step before).
DEPS_PROBE := riscv64-unknown-elf-gcc qemu-system-riscv64 mke2fs debugfs cpio dtc clang \
              clang-format cppcheck /usr/include/cmocka.h \
              /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs \
              /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
ifeq ($(filter clean,$(MAKECMDGOALS)),)
DEPS_MISSING := $(shell for t in $(DEPS_PROBE); do \
                  [ -e "$$t" ] || command -v "$$t" >/dev/null 2>&1 || echo "$$t"; done)
ifneq ($(DEPS_MISSING),)
$(info make: missing $(DEPS_MISSING): running scripts/deps.sh)
DEPS_STATUS := $(shell sh scripts/deps.sh >&2; echo $$?)
$(if $(filter 0,$(DEPS_STATUS)),,$(error scripts/deps.sh failed; run it as root))
endif
endif

include mk/config.mk

# Fragments append to: ALL_TARGETS, TEST_SUITES (commands printing TAP),
# BENCH_TARGETS, CLEAN_EXTRA, FORMAT_SOURCES.
ALL_TARGETS :=
TEST_SUITES :=
FORMAT_SOURCES :=
FRAGMENTS := $(sort $(wildcard platform/riscv/rules.mk kernel/rules.mk libos/rules.mk mk/programs.mk mk/chime-cc.mk mk/disk.mk \
                        servers/*/rules.mk servers/*/*/rules.mk tests/*/rules.mk tests/unit/*.mk))
include $(FRAGMENTS)

all: $(ALL_TARGETS)

# ---- running ------------------------------------------------------------
RUN      ?=
POWEROFF ?=
BOOTARGS  = $(if $(POWEROFF),poweroff )$(RUN)

# The virtio-blk disk: build/disk.img unless DISK=path names another; a
# missing one is made as a 32 MiB ext2 image, and kept between runs.
DISK     ?= $(BUILD)/disk.img
DISK_FLAGS = -drive file=$(DISK),if=none,format=raw,id=hd0 -device virtio-blk-device,drive=hd0

$(DISK):
	@mkdir -p $(@D)
	mke2fs -q -t ext2 -F $@ 32M

run: all $(DISK)
	$(QEMU) $(QEMU_FLAGS) $(DISK_FLAGS) -kernel $(KERNEL_ELF) -initrd $(BOOT_ARCHIVE) \
		-append "$(BOOTARGS)"

gdb: all
	@printf 'file %s\nset architecture riscv:rv64\ntarget remote :1234\n' \
		"$(abspath $(KERNEL_ELF))" > $(BUILD)/.gdbinit
	@echo "gdb: QEMU halted on :1234; in another terminal: riscv64-unknown-elf-gdb -x $(BUILD)/.gdbinit (or gdb-multiarch)"
	$(QEMU) $(QEMU_FLAGS) -kernel $(KERNEL_ELF) -initrd $(BOOT_ARCHIVE) -append "$(BOOTARGS)" -S -s

# ---- checking -----------------------------------------------------------
test: all
	@sh scripts/test.sh $(TEST_SUITES)

bench: all
	@sh scripts/bench.sh

format:
	clang-format -i $(FORMAT_SOURCES)

format-check:
	@clang-format --dry-run -Werror $(FORMAT_SOURCES) && echo "format-check: clean"

lint:
	@cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem -Iinclude $(LINT_SOURCES) && echo "lint: clean"

clean:
	rm -rf $(BUILD)

.PHONY: all run gdb test bench format format-check lint clean
