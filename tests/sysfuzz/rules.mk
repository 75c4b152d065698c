# The guest syscall fuzzer (tests/guest/sysfuzz, docs/sysfuzz.md) run long:
#
#   make fuzz-guest [FUZZ_CALLS=1000000] [FUZZ_SEED=0x...] [FUZZ_AVOID=a,b|all]
#                   [FUZZ_ARGS="per=N procs=N from=R trace stats"] [SMP=n]
#
# One boot; QEMU's exit status is the number of failures the supervisor saw
# (0: no panic, every child ended well, no frame leaked). The console goes
# to build/test-logs/fuzz-guest-smpN.log too. The short run of make test is
# tests/system/cases/sysfuzz.case.

FUZZ_CALLS ?= 1000000
FUZZ_SEED  ?=
# Classes of calls to steer clear of (docs/sysfuzz.md); empty: all run.
FUZZ_AVOID ?=
FUZZ_ARGS  ?=
FUZZ_GUEST_ARGS = sysfuzz calls=$(FUZZ_CALLS)$(if $(FUZZ_SEED), seed=$(FUZZ_SEED))$(if \
                  $(FUZZ_AVOID), avoid=$(FUZZ_AVOID))$(if $(FUZZ_ARGS), $(FUZZ_ARGS))

FUZZ_GUEST_LOG = $(BUILD)/test-logs/fuzz-guest-smp$(SMP).log

# The kernel's one-line fault reports (blobs the fuzzer starts at bad
# addresses) stay in the log only.
fuzz-guest: $(KERNEL_ELF) $(BOOT_ARCHIVE)
	@mkdir -p $(dir $(FUZZ_GUEST_LOG))
	$(QEMU) $(QEMU_FLAGS) -kernel $(KERNEL_ELF) -initrd $(BOOT_ARCHIVE) \
		-append "poweroff $(FUZZ_GUEST_ARGS)" </dev/null 2>&1 | tee $(FUZZ_GUEST_LOG) | \
		grep -v ' killed: '
	@grep -q '^init: sysfuzz exited with status 0' $(FUZZ_GUEST_LOG) || \
		{ echo "fuzz-guest: FAILED, log in $(FUZZ_GUEST_LOG)"; exit 1; }
	@echo "fuzz-guest: passed, log in $(FUZZ_GUEST_LOG)"


.PHONY: fuzz-guest
