#!/bin/sh
# CHECK IMAGE LOG for the fsync case: QEMU was killed (KILL_AFTER) the
# moment tests/guest/fsyncdur printed `fsync-done a=N b=N c=N`; what fsync,
# fdatasync and the directory fsync covered must be in the image as the cut
# left it, and e2fsck -fn must find no damage (its words go into the log).
img=$1
log=$2
fail=0
say() { # 0|1, what
    if [ "$1" -eq 0 ]; then echo "ok - fsync: $2"; else echo "not ok - fsync: $2"; fail=1; fi
}
line=$(grep -E '^fsync-done a=[0-9]+ b=[0-9]+ c=[0-9]+' "$log" | head -1)
if [ -z "$line" ]; then
    say 1 "the guest reached fsync-done"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 -c '
import sys
n = int(sys.argv[1])
sys.stdout.buffer.write(bytes(((i * 131 + (i >> 12)) & 0xff) for i in range(n)))
' "$(echo "$line" | sed -E 's/.*a=([0-9]+).*/\1/')" >"$tmp/a.want"
printf 'durable small file\n' >"$tmp/b.want"
printf "renamed into place, then the directory fsync'd\n" >"$tmp/c.want"
for f in a b c; do
    debugfs -R "dump /dur/$f $tmp/$f.got" "$img" >/dev/null 2>&1
    cmp -s "$tmp/$f.want" "$tmp/$f.got"
    say $? "/dur/$f holds what was written before the cut ($(wc -c <"$tmp/$f.want") bytes)"
done
if debugfs -R "ls /dur" "$img" 2>/dev/null | grep -q 'c\.tmp'; then
    say 1 "the renamed-away name /dur/c.tmp is gone"
else
    say 0 "the renamed-away name /dur/c.tmp is gone"
fi

e2fsck -fn "$img" >"$tmp/fsck" 2>&1
st=$?
sed 's/^/# e2fsck: /' "$tmp/fsck"
[ $st -eq 0 ]
say $? "e2fsck -fn finds no damage after the cut (exit $st)"
exit $fail
