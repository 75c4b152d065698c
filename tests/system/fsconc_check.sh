#!/bin/sh
# CHECK IMAGE LOG for the fsconc cases: after the concurrent writers (or the
# full-disk test) and poweroff, e2fsck -fn finds the image clean; after the
# full-disk test the host also reads /full/after, which the guest wrote once
# the disk had room again (byte i of it is mix64(i / 8 + 77) & 0xff, as
# tests/guest/fsconc/full.c fills it).
img=$1
log=$2
fail=0
if e2fsck -fn "$img" >/dev/null 2>&1; then
    echo "ok - fsconc: e2fsck -fn finds the image clean"
else
    echo "not ok - fsconc: e2fsck -fn finds the image clean"
    e2fsck -fn "$img" 2>&1 | head -20 | sed 's/^/# /'
    fail=1
fi
size=$(sed -n 's/^fsconc-full: after=\([0-9]*\).*/\1/p' "$log" | head -1)
[ -z "$size" ] && exit $fail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
debugfs -R "dump /full/after $tmp/got" "$img" >/dev/null 2>&1
python3 - "$size" "$tmp/got" <<'PY' || fail=1
import sys
n, path = int(sys.argv[1]), sys.argv[2]
M = (1 << 64) - 1
def mix64(x):
    x = (x + 0x9e3779b97f4a7c15) & M
    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & M
    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & M
    return x ^ (x >> 31)
want = bytearray(n)
for w in range(0, (n + 7) // 8):
    b = mix64(w + 77) & 0xff
    want[w * 8:w * 8 + 8] = bytes([b]) * len(want[w * 8:w * 8 + 8])
got = open(path, "rb").read()
ok = got == bytes(want)
print("%s - fsconc: the host reads /full/after (%d bytes) as the guest wrote it" % ("ok" if ok else "not ok", n))
sys.exit(0 if ok else 1)
PY
exit $fail
