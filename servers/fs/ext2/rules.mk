# The ext2 library (servers/fs/ext2): built for the host (tool, tests,
# bench) and freestanding for RISC-V (build/ext2/libext2.a, linked by the
# fs server), plus the chime-ext2 host tool and the ext2 unit tests.

EXT2_DIR  := servers/fs/ext2
EXT2_SRCS := $(addprefix $(EXT2_DIR)/,super.c cache.c inode.c bmap.c alloc.c dir.c path.c file.c ops.c)
EXT2_HDRS := $(addprefix $(EXT2_DIR)/,ext2.h ext2_err.h ext2_disk.h ext2_priv.h)
EXT2_TOOL_SRCS := $(EXT2_DIR)/tool/chime-ext2.c $(EXT2_DIR)/tool/filedev.c
EXT2_TEST_SRCS := $(wildcard tests/unit/test_ext2*.c)
EXT2_TEST_HDRS := $(wildcard tests/unit/test_ext2*.h)

EXT2_H_CFLAGS := $(H_CFLAGS) -I$(EXT2_DIR) -I$(EXT2_DIR)/tool

# ---- host library -------------------------------------------------------
EXT2_H_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(EXT2_SRCS))
EXT2_H_LIB  := $(BUILD)/host/ext2/libext2.a

$(BUILD)/host/$(EXT2_DIR)/%.o: $(EXT2_DIR)/%.c
	@mkdir -p $(@D)
	$(HOSTCC) $(EXT2_H_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(EXT2_H_LIB): $(EXT2_H_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# ---- freestanding RISC-V library -----------------------------------------
EXT2_T_OBJS := $(patsubst $(EXT2_DIR)/%.c,$(BUILD)/ext2/%.o,$(EXT2_SRCS))
EXT2_T_LIB  := $(BUILD)/ext2/libext2.a

$(BUILD)/ext2/%.o: $(EXT2_DIR)/%.c
	@mkdir -p $(@D)
	$(CC_T) $(T_CFLAGS) -I$(EXT2_DIR) $(DEPFLAGS) -c $< -o $@

$(EXT2_T_LIB): $(EXT2_T_OBJS)
	rm -f $@ && $(CROSS)ar rcs $@ $^

# ---- host tool ----------------------------------------------------------
EXT2_TOOL := $(BUILD)/host/chime-ext2
EXT2_FILEDEV_OBJ := $(BUILD)/host/$(EXT2_DIR)/tool/filedev.o

$(EXT2_TOOL): $(BUILD)/host/$(EXT2_DIR)/tool/chime-ext2.o $(EXT2_FILEDEV_OBJ) $(EXT2_H_LIB)
	$(HOSTCC) -o $@ $^

# ---- unit tests (tests/unit/test_ext2*.c) -------------------------------
EXT2_TEST_BINS := $(addprefix $(BUILD)/host/tests/test_ext2_,image ops model)
EXT2_TEST_UTIL := $(BUILD)/host/tests/test_ext2_util.o

$(BUILD)/host/tests/test_ext2%.o: tests/unit/test_ext2%.c
	@mkdir -p $(@D)
	$(HOSTCC) $(EXT2_H_CFLAGS) -Itests/unit $(DEPFLAGS) -c $< -o $@

$(EXT2_TEST_BINS): %: %.o $(EXT2_TEST_UTIL) $(EXT2_FILEDEV_OBJ) $(EXT2_H_LIB)
	$(HOSTCC) -o $@ $^ $(CMOCKA_LIBS)

# ---- host benchmark -----------------------------------------------------
EXT2_BENCH := $(BUILD)/host/ext2-bench
EXT2_BENCH_CFLAGS := $(EXT2_H_CFLAGS) -O2

$(EXT2_BENCH): $(EXT2_DIR)/tool/bench.c $(EXT2_DIR)/tool/filedev.c $(EXT2_SRCS) $(EXT2_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(EXT2_BENCH_CFLAGS) -o $@ $(filter %.c,$^)

bench-host: $(EXT2_BENCH)
	@sh $(EXT2_DIR)/tool/bench.sh $(EXT2_BENCH) $(BUILD)/bench-host

ALL_TARGETS += $(EXT2_H_LIB) $(EXT2_T_LIB) $(EXT2_TOOL) $(EXT2_TEST_BINS)
TEST_SUITES += $(EXT2_TEST_BINS)

-include $(EXT2_H_OBJS:.o=.d) $(EXT2_T_OBJS:.o=.d) $(EXT2_TEST_BINS:=.d) $(EXT2_TEST_UTIL:.o=.d) \
         $(BUILD)/host/$(EXT2_DIR)/tool/chime-ext2.d $(EXT2_FILEDEV_OBJ:.o=.d)

.PHONY: bench-host
