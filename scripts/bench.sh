#!/bin/sh
# make bench: boot Chime twice and collect the guest's BENCH lines.
#
#   1. one hart under -icount shift=0,sleep=off: rdinstret counts guest
#      instructions exactly, so these figures are deterministic;
#   2. two harts, no icount: cross-hart latencies in wall-clock ns and the
#      polling IPC syscall count.
#
# Prints every BENCH line and the guest's tables, keeps the console logs in
# build/bench/, and exits non-zero if a boot fails or times out.
set -u
cd "$(dirname "$0")/.." || exit 2

kernel=build/kernel.elf
archive=build/boot.cpio
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
out=build/bench
mkdir -p "$out"

for f in "$kernel" "$archive"; do
    if [ ! -f "$f" ]; then
        echo "bench: $f is missing (run make)" >&2
        exit 1
    fi
done

status=0

# boot NAME SMP EXTRA-QEMU-ARGS BENCH-ARGS
boot() {
    log="$out/$1.log"
    # shellcheck disable=SC2086
    timeout -k 5 "${BENCH_TIMEOUT:-300}" qemu-system-riscv64 -machine virt,aclint=on -m 256M \
        -nographic -bios "$fw" -global virtio-mmio.force-legacy=false -smp "$2" $3 \
        -kernel "$kernel" -initrd "$archive" -append "poweroff bench $4" \
        </dev/null 2>&1 | tr -d '\r' >"$log"
    rc=$(tail -n 50 "$log" | grep -c 'init: bench exited with status 0')
    if [ "$rc" -eq 0 ]; then
        echo "bench: the $1 boot failed (log: $log)" >&2
        tail -n 20 "$log" >&2
        status=1
    fi
}

boot single 1 "-icount shift=0,sleep=off" single
boot smp 2 "" smp
# blk (apps/bench/blk.c): one hart and a scratch disk. sleep=on, because
# with sleep=off an idle guest starves QEMU's disk completions; rdinstret
# still counts every guest instruction exactly. aio=io_uring: a read of
# the (host-cached) image completes inside the queue notification, so the
# completion interrupt always reaches the driver before it sleeps. With
# the default thread pool, whether it does is host scheduling, and a boot
# where it does not also counts the hart's trip to idle and back (about
# 380 kernel instructions: blk_read_4k read 2450 or 2834 by boot).
rm -f "$out/disk.img" && truncate -s 32M "$out/disk.img"
boot blk 1 "-icount shift=0,sleep=on \
-drive file=$out/disk.img,if=none,format=raw,id=hd0,aio=io_uring \
-device virtio-blk-device,drive=hd0" blk
# fs (apps/bench/fs.c): one hart and an empty ext2 disk that init's fs
# server mounts; sleep=on as for blk (the figures are of cached files).
rm -f "$out/fs.img" && truncate -s 32M "$out/fs.img" &&
    mke2fs -q -t ext2 -b 4096 -m 0 -F "$out/fs.img" >/dev/null
boot fs 1 "-icount shift=0,sleep=on -drive file=$out/fs.img,if=none,format=raw,id=hd0 \
-device virtio-blk-device,drive=hd0" fs

# spawn (apps/bench/spawn.c): one hart and the disk make run boots
# (scripts/mkdisk.sh, as make disk makes it), for /bin/true.
rm -f "$out/spawn.img" && sh scripts/mkdisk.sh "$out/spawn.img" build/archive/* >/dev/null
boot spawn 1 "-icount shift=0,sleep=on -drive file=$out/spawn.img,if=none,format=raw,id=hd1 \
-device virtio-blk-device,drive=hd1" spawn

# aio (apps/bench/aio.c): 64 asynchronous reads in flight, one hart, an
# empty ext2 disk that init's fs server mounts (the bench writes its file);
# sleep=on as for blk.
rm -f "$out/aio.img" && truncate -s 32M "$out/aio.img" &&
    mke2fs -q -t ext2 -b 4096 -m 0 -F "$out/aio.img" >/dev/null
boot aio 1 "-icount shift=0,sleep=on -drive file=$out/aio.img,if=none,format=raw,id=hd0 \
-device virtio-blk-device,drive=hd0" aio

echo "== BENCH lines"
cat "$out/single.log" "$out/smp.log" "$out/blk.log" "$out/spawn.log" "$out/fs.log" "$out/aio.log" | grep '^BENCH '
for f in single smp blk spawn fs aio; do
    # the table: from its title to the bench: summary line
    sed -n '/^Chime bench/,/^bench: /p' "$out/$f.log"
done
# Every figure with a target ("<= N" in its table row) must meet it.
missed=$(for f in single smp blk spawn fs aio; do
    sed -n '/^Chime bench/,/^bench: /p' "$out/$f.log"
done | awk '$4 == "<=" { t = $5; gsub(",", "", t); if ($2 + 0 > t + 0) print $1 " " $2 " > " t }')
if [ -n "$missed" ]; then
    echo "bench: figures over their targets:" >&2
    printf '  %s\n' "$missed" >&2
    status=1
else
    echo "bench: every figure with a target meets it"
fi
exit $status
