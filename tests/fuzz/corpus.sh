#!/bin/sh
# Regenerate the ext2 corpus and replay every image under ASan/UBSan:
# one TAP line per image (see tests/fuzz/fuzz_main.c for the rule).
set -u
dir=build/fuzz/corpus
rm -rf "$dir"
if ! tests/fuzz/make_corpus.sh "$dir"; then
    echo "not ok - corpus generation failed"
    exit 1
fi
exec build/fuzz/ext2-corpus "$dir"/*.img
