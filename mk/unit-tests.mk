# Host unit tests (cmocka): the variables and rules every fragment's tests
# share. Read before the fragments; the Makefile turns each name in
# UNIT_TESTS into its program after all of them (tests/unit/rules.mk says
# how to add a test), so no fragment depends on the order they are read in.

UNIT_BIN := $(BUILD)/host/tests
# Sanitizers make an out-of-bounds read a failing test, not luck.
UNIT_SAN ?= -fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_OBJ := $(BUILD)/host/unit
export CMOCKA_MESSAGE_OUTPUT := TAP

define unit_test_template
$(1)_OBJS := $$(patsubst %.c,$(UNIT_OBJ)/%.o,$$($(1)_SRCS))
$(UNIT_BIN)/$(1): $$($(1)_OBJS)
	@mkdir -p $$(@D)
	$(HOSTCC) $(H_CFLAGS) $(UNIT_SAN) -o $$@ $$^ $(CMOCKA_LIBS)
ALL_TARGETS += $(UNIT_BIN)/$(1) $$($(1)_DATA)
TEST_SUITES += '$(UNIT_BIN)/$(1) $$($(1)_ARGS)'
UNIT_ALL_OBJS += $$($(1)_OBJS)
endef

$(UNIT_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(H_CFLAGS) $(UNIT_SAN) $(DEPFLAGS) -c -o $@ $<
