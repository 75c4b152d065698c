#!/bin/sh
# make bench-host: build an image holding a 64 MiB file and run ext2-bench.
#   bench.sh BENCH_BINARY WORKDIR
set -eu
bin=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir/src"
head -c 64M /dev/urandom >"$dir/src/big"
mke2fs -q -F -t ext2 -b 4096 -d "$dir/src" "$dir/img" 80M >/dev/null 2>&1
rm -rf "$dir/src"
cat "$dir/img" >/dev/null # warm the page cache for both sides
echo "ext2-bench: sequential read of a 64 MiB file (4 KiB blocks), best of 3"
"$bin" "$dir/img" /big
