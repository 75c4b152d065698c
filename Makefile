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
include mk/unit-tests.mk

# Fragments append to: ALL_TARGETS, TEST_SUITES (commands printing TAP),
# BENCH_TARGETS, CLEAN_EXTRA. Style checks cover every tracked C file (below).
ALL_TARGETS :=
TEST_SUITES :=

FRAGMENTS := $(sort $(wildcard platform/riscv/rules.mk kernel/rules.mk libos/rules.mk mk/programs.mk mk/chime-cc.mk mk/disk.mk \
                        servers/*/rules.mk servers/*/*/rules.mk tests/*/rules.mk tests/unit/*.mk))
include $(FRAGMENTS)
# Every unit test any fragment named, whatever the order they were read in.
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_template,$(t))))
-include $(UNIT_ALL_OBJS:.o=.d)

all: $(ALL_TARGETS)

# ---- running ------------------------------------------------------------
RUN      ?=
POWEROFF ?=
BOOTARGS  = $(if $(POWEROFF),poweroff )$(RUN)

# The virtio-blk disk: DISK_IMAGE (build/disk.img, mk/disk.mk: rootfs/ plus
# every program in /bin), kept between runs with /bin brought up to date;
# DISK=path boots another image, made the same way if it is missing and
# left as it is if it exists.
DISK     ?= $(DISK_IMAGE)
DISK_FLAGS = -drive file=$(DISK),if=none,format=raw,id=hd0 -device virtio-blk-device,drive=hd0

run-disk: $$(DISK_PROGRAMS) $$(EXT2_TOOL)
	@if [ "$(DISK)" = "$(DISK_IMAGE)" ] || [ ! -e "$(DISK)" ]; then \
		$(DISK_MKDISK) $(DISK) $(DISK_PROGRAMS); fi

# Input piped into make run is typed into the console. OpenSBI's UART setup
# reads and drops the one byte QEMU has handed the UART by then, so a piped
# run sends a newline first for it to eat (at worst the shell sees one empty
# line); from a terminal QEMU reads stdin itself.
RUN_QEMU = $(QEMU) $(QEMU_FLAGS) $(DISK_FLAGS) -kernel $(KERNEL_ELF) -initrd $(BOOT_ARCHIVE) \
           -append "$(BOOTARGS)"
run: all run-disk
	@echo '$(RUN_QEMU)'
	@if [ -t 0 ]; then exec $(RUN_QEMU); else { printf '\n'; exec cat; } | $(RUN_QEMU); fi

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

# Style covers every C file the repository tracks (git ls-files), so a new
# file is checked the day it is added; a tree without .git (a tarball)
# falls back to find. Fragments no longer list their sources.
C_SOURCES := $(shell git ls-files '*.c' '*.h' 2>/dev/null || \
                     find . -path ./build -prune -o \( -name '*.c' -o -name '*.h' \) -print)
FORMAT_SOURCES := $(C_SOURCES)
LINT_SOURCES := $(filter %.c,$(C_SOURCES))

format:
	clang-format -i $(FORMAT_SOURCES)

format-check:
	@clang-format --dry-run -Werror $(FORMAT_SOURCES) && echo "format-check: clean"

lint:
	@cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem -Iinclude $(LINT_SOURCES) && echo "lint: clean"

clean:
	rm -rf $(BUILD)

.PHONY: all run run-disk gdb test bench format format-check lint clean
