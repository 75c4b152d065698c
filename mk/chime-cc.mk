# chime-cc: the compiler driver for programs built outside the tree
# (docs/port-a-program.md). It is scripts/chime-cc.sh plus an SDK made from
# the very variables the in-tree programs build with (libos/rules.mk), so a
# new -I, define or link flag there reaches chime-cc by itself:
#
#   build/bin/chime-cc, chime-ar, chime-ranlib, ...  copies of the script
#   build/lib/chime/chime-cc.conf    flags from USER_CFLAGS, USER_LDFLAGS, USER_LIBS
#   build/lib/chime/include/NN/      headers of the NNth -I of USER_CFLAGS
#   build/lib/chime/libos.a, user.ld
#
# make install-sdk PREFIX=/opt/chime copies bin/ and lib/chime/ there; the
# script finds its SDK relative to itself.

CHIMECC_BIN   := $(BUILD)/bin
CHIMECC_SDK   := $(BUILD)/lib/chime
CHIMECC_NAMES := chime-cc chime-ar chime-ranlib chime-strip chime-nm chime-objcopy chime-objdump \
                 chime-readelf chime-size
CHIMECC_PROGS := $(CHIMECC_NAMES:%=$(CHIMECC_BIN)/%)
CHIMECC       := $(CHIMECC_BIN)/chime-cc
CHIMECC_CONF  := $(CHIMECC_SDK)/chime-cc.conf
CHIMECC_FILES := $(CHIMECC_PROGS) $(CHIMECC_CONF) $(CHIMECC_SDK)/libos.a $(CHIMECC_SDK)/user.ld

CHIMECC_INCLUDE_DIRS = $(patsubst -I%,%,$(filter -I%,$(USER_CFLAGS)))
# The target's part of the flags; -std, -O, -g and warnings are the user's.
CHIMECC_CFLAGS  = $(filter-out -I% -std=% -O% -g $(WARN),$(USER_CFLAGS))
# In-tree paths become @SDK@, which chime-cc replaces by where the SDK is.
CHIMECC_LDFLAGS = $(filter-out $(CHIMECC_CFLAGS),$(subst $(LIBOS_LD),@SDK@/user.ld,$(USER_LDFLAGS)))
CHIMECC_LIBS    = $(subst $(LIBOS_LIB),@SDK@/libos.a,$(USER_LIBS))
# Libraries Unix programs name that libos (linked whole) already is.
CHIMECC_DROPPED_LIBS := -lpthread -lrt
CHIMECC_HEADERS := $(shell find $(CHIMECC_INCLUDE_DIRS) \( -path ./$(BUILD) -o -path $(BUILD) \
                     -o -name .git \) -prune -o -name '*.h' -print 2>/dev/null)

$(CHIMECC_CONF): $(CHIMECC_HEADERS) scripts/sdk-headers.sh $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	sh scripts/sdk-headers.sh $(CHIMECC_SDK)/include $(BUILD) $(CHIMECC_INCLUDE_DIRS)
	@{ echo "# chime-cc's flags, written by mk/chime-cc.mk"; \
	   echo "chime_cross='$(CROSS)'"; \
	   echo "chime_cflags='$(strip $(CHIMECC_CFLAGS))'"; \
	   echo "chime_include_dirs='$$(cd $(CHIMECC_SDK)/include && echo *)'"; \
	   echo "chime_ldflags='$(strip $(CHIMECC_LDFLAGS))'"; \
	   echo "chime_libs='$(strip $(CHIMECC_LIBS))'"; \
	   echo "chime_dropped_libs='$(CHIMECC_DROPPED_LIBS)'"; } > $@.tmp
	mv $@.tmp $@

$(CHIMECC_SDK)/libos.a: $(LIBOS_LIB)
	@mkdir -p $(@D)
	cp $< $@

$(CHIMECC_SDK)/user.ld: $(LIBOS_LD)
	@mkdir -p $(@D)
	cp $< $@

$(CHIMECC_PROGS): scripts/chime-cc.sh
	@mkdir -p $(@D)
	cp $< $@.tmp && chmod 755 $@.tmp && mv $@.tmp $@

chime-cc: $(CHIMECC_FILES)

# The include list the SDK mirrors, for tests/chimecc.
chime-cc-include-dirs:
	@echo $(CHIMECC_INCLUDE_DIRS)

PREFIX ?= /opt/chime
install-sdk: $(CHIMECC_FILES)
	mkdir -p $(PREFIX)/bin $(PREFIX)/lib
	cp $(CHIMECC_PROGS) $(PREFIX)/bin/
	rm -rf $(PREFIX)/lib/chime
	cp -R $(CHIMECC_SDK) $(PREFIX)/lib/chime

ALL_TARGETS += $(CHIMECC_FILES)

.PHONY: chime-cc chime-cc-include-dirs install-sdk
