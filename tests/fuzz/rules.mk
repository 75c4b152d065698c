# ext2 fuzzing: a libFuzzer target (clang, ASan + UBSan) and a replay runner
# for the fixed corpus that tests/fuzz/make_corpus.sh generates.
#
#   make fuzz [FUZZ_SECONDS=300]   fuzz for a while, seeded by the corpus
#   make test                      replays the corpus and fuzzes for 20 s

FUZZ_SECONDS ?= 300
# The library's files, named here so this fragment does not depend on the
# order in which the top-level Makefile includes fragments.
FUZZ_LIB_SRCS := $(wildcard servers/fs/ext2/*.c)
FUZZ_LIB_HDRS := $(wildcard servers/fs/ext2/*.h)
FUZZ_SRCS    := tests/fuzz/fuzz_ext2.c tests/fuzz/fuzz_main.c
FUZZ_HDRS    := tests/fuzz/fuzz_ext2.h
FUZZ_CFLAGS  := -std=gnu11 -g -O1 $(WARN) -Iinclude -Iservers/fs/ext2 -fno-omit-frame-pointer \
                -fno-sanitize-recover=all
FUZZ_BIN     := $(BUILD)/fuzz/fuzz_ext2
FUZZ_REPLAY  := $(BUILD)/fuzz/ext2-corpus

$(FUZZ_BIN): $(FUZZ_SRCS) $(FUZZ_HDRS) $(FUZZ_LIB_SRCS) $(FUZZ_LIB_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $(filter %.c,$^)

$(FUZZ_REPLAY): $(FUZZ_SRCS) $(FUZZ_HDRS) $(FUZZ_LIB_SRCS) $(FUZZ_LIB_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -DCORPUS_MAIN -fsanitize=address,undefined -o $@ $(filter %.c,$^)

fuzz: $(FUZZ_BIN)
	tests/fuzz/smoke.sh $(FUZZ_SECONDS) verbose

ALL_TARGETS += $(FUZZ_BIN) $(FUZZ_REPLAY)
TEST_SUITES += tests/fuzz/corpus.sh "tests/fuzz/smoke.sh 20"

.PHONY: fuzz
