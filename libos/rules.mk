# libos: the user runtime every program links (build/libos/libos.a).
#
# Every libos/*.c and libos/*.S is part of it, plus the readers in lib/
# (cpio, ELF) that the kernel builds too.
# USER_CFLAGS and USER_LDFLAGS are what programs build and link with; see
# mk/programs.mk.

LIBOS_DIR := libos
LIBOS_LIB := $(BUILD)/libos/libos.a
LIBOS_LD  := $(LIBOS_DIR)/user.ld

# libos/include comes before picolibc's headers: the POSIX headers picolibc
# lacks (pthread.h, poll.h, ...) and wrappers that add what it hides
# (include_next). See docs/posix.md.
USER_CFLAGS := $(T_CFLAGS) -I. -I$(LIBOS_DIR)/include
USER_ASFLAGS := $(USER_CFLAGS) -D__ASSEMBLER__
# libos is linked whole: it defines symbols (sbrk, locks, read/write...)
# that picolibc's libc.a also has or needs, and ours must win.
USER_LDFLAGS := $(ARCH_FLAGS) --specs=picolibc.specs -nostartfiles -static -T $(LIBOS_LD) \
                -Wl,--gc-sections -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments
USER_LIBS := -Wl,--whole-archive $(LIBOS_LIB) -Wl,--no-whole-archive

LIBOS_C_SRCS := $(wildcard $(LIBOS_DIR)/*.c)
LIBOS_S_SRCS := $(wildcard $(LIBOS_DIR)/*.S)
LIBOS_OBJS := $(patsubst $(LIBOS_DIR)/%.c,$(BUILD)/libos/%.o,$(LIBOS_C_SRCS)) \
              $(patsubst $(LIBOS_DIR)/%.S,$(BUILD)/libos/%.S.o,$(LIBOS_S_SRCS)) \
              $(BUILD)/libos/lib-cpio.o $(BUILD)/libos/lib-elf.o

$(BUILD)/libos/%.o: $(LIBOS_DIR)/%.c
	@mkdir -p $(@D)
	$(CC_T) $(USER_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/libos/%.S.o: $(LIBOS_DIR)/%.S
	@mkdir -p $(@D)
	$(CC_T) $(USER_ASFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/libos/lib-%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC_T) $(USER_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(LIBOS_LIB): $(LIBOS_OBJS)
	@rm -f $@
	$(CROSS)ar rcs $@ $^

-include $(LIBOS_OBJS:.o=.d)

ALL_TARGETS += $(LIBOS_LIB)
