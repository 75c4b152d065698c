#!/bin/sh
# Fuzz the ext2 library for SECONDS, seeded by the corpus; print one TAP
# line. With "verbose", show libFuzzer's output (make fuzz).
#
#   tests/fuzz/smoke.sh SECONDS [verbose]
set -u
secs=${1:-20}
seeds=build/fuzz/corpus
[ -d "$seeds" ] || tests/fuzz/make_corpus.sh "$seeds" || exit 1
# make fuzz keeps what it finds across runs; the test smoke starts afresh.
if [ "${2:-}" = verbose ]; then
    work=build/fuzz/work
else
    work=build/fuzz/smoke-work
    rm -rf "$work"
fi
mkdir -p "$work"
log=build/fuzz/fuzz.log
set -- -max_total_time="$secs" -max_len=1100000 -rss_limit_mb=2048 -timeout=20 \
    -artifact_prefix=build/fuzz/crash- "$work" "$seeds"
if [ "${2:-}" = verbose ] || [ "${VERBOSE:-}" = 1 ]; then
    build/fuzz/fuzz_ext2 "$@" 2>&1 | tee "$log"
    rc=$?
else
    build/fuzz/fuzz_ext2 "$@" >"$log" 2>&1
    rc=$?
fi
runs=$(sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' "$log" | tail -1)
if [ "$rc" -eq 0 ]; then
    echo "ok - fuzz ext2 for ${secs}s (${runs:-?} runs)"
else
    echo "not ok - fuzz ext2 crashed (see $log and build/fuzz/crash-*)"
    tail -30 "$log"
    exit 1
fi
