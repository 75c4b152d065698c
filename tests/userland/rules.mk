# The POSIX userland (USERLAND_PROGRAMS, mk/programs.mk) built with the host
# compiler into build/host/userland/ and tested there by tests/userland/userland.sh.
#
# _POSIX_C_SOURCE=200809L and -std=c11 hide everything but POSIX.1-2008 in
# glibc's headers, so a GNU or Linux-only call fails the host build before it
# can reach the guest. The sanitizers make a memory error a failing test.

UL_BIN := $(BUILD)/host/userland
UL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g $(WARN) -Iinclude \
             -fsanitize=address,undefined -fno-sanitize-recover=all
UL_LIB := lib/userland/ulib.c include/userland/ulib.h

.SECONDEXPANSION:
$(USERLAND_PROGRAMS:%=$(UL_BIN)/%): $(UL_BIN)/%: $$(wildcard apps/$$*/*.c apps/$$*/*.h) $(UL_LIB)
	@mkdir -p $(@D)
	$(HOSTCC) $(UL_CFLAGS) -o $@ $(wildcard apps/$*/*.c) lib/userland/ulib.c

ALL_TARGETS += $(USERLAND_PROGRAMS:%=$(UL_BIN)/%)
TEST_SUITES += 'sh tests/userland/userland.sh $(UL_BIN)'

