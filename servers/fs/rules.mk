# The fs server (servers/fs/*.c, a guest program by mk/programs.mk) and its
# host tests: the request handler runs on the host over image files.

FS_DIR := servers/fs
# The guest program links the freestanding ext2 library.
PROG_EXTRA_OBJS_fs := $(EXT2_T_LIB)

# What the host tests build: the handler without the guest layer
# (fs_main.c, blk_client.c), the libos payload checks, the ext2 library.
FS_CORE_SRCS := $(FS_DIR)/fs_server.c $(FS_DIR)/fs_files.c $(FS_DIR)/fs_names.c \
                $(FS_DIR)/fs_lookup.c
FS_TEST_CFLAGS := $(H_CFLAGS) -I. -I$(EXT2_DIR) -I$(EXT2_DIR)/tool -Itests/unit -Itests/fsgen \
                  $(UNIT_SAN_FS)
FS_TEST_COMMON := $(FS_CORE_SRCS) libos/ipc_payload.c tests/unit/fs_test_client.c \
                  tests/unit/test_ext2_util.c tests/fsgen/fsgen.c $(EXT2_DIR)/tool/filedev.c \
                  $(EXT2_SRCS)
FS_TEST_HDRS := $(FS_DIR)/fs_server.h tests/unit/fs_test_client.h tests/fsgen/fsgen.h \
                $(EXT2_HDRS) include/chime/proto/fs.h include/chime/errno.h libos/ipc.h
FS_TEST_BINS := $(BUILD)/host/tests/test_fs_server $(BUILD)/host/tests/test_fs_model

$(BUILD)/host/tests/test_fs_%: tests/unit/test_fs_%.c $(FS_TEST_COMMON) $(FS_TEST_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(FS_TEST_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(FS_TEST_COMMON) $(CMOCKA_LIBS)

# The generator also builds for the guest (a future guest model test links
# it as a PROG_EXTRA_OBJS): keep it building there.
FSGEN_GUEST_OBJ := $(BUILD)/user-obj/tests/fsgen/fsgen.o

ALL_TARGETS += $(FS_TEST_BINS) $(FSGEN_GUEST_OBJ)
TEST_SUITES += $(FS_TEST_BINS)
