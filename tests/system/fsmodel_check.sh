#!/bin/sh
# CHECK IMAGE LOG for the fsmodel cases: replay the guest's seed on the host
# and compare. The guest ran `fsmodel SEED` (tests/guest/fsmodel) on a fresh
# ext2 disk, under /m, logging each operation's result to /m.log. Here the
# same program, built for the host (build/host/fsmodel), runs the same seed
# in a temporary directory; then
#   - every operation's result agrees (the guest's digest lines on the
#     console and its /m.log, both against the host's),
#   - e2fsck -fn finds the image clean,
#   - debugfs rdump of /m equals the host's tree byte for byte, with the
#     same symlink targets, file types and permission bits.
img=$1
log=$2
host=build/host/fsmodel
seed=$(sed -n 's/.*fsmodel: seed \([0-9]*\),.*/\1/p' "$log" | head -1)
ops=$(sed -n 's/.*fsmodel: seed [0-9]*, \([0-9]*\) operations.*/\1/p' "$log" | head -1)
if [ -z "$seed" ] || [ -z "$ops" ] || [ ! -x "$host" ]; then
    echo "not ok - fsmodel: the guest finished its sequence (no summary line in $log, or no $host)"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
say() { # 0|1, what
    if [ "$1" -eq 0 ]; then echo "ok - fsmodel: $2"; else echo "not ok - fsmodel: $2"; fail=1; fi
}

"$host" "$seed" "$tmp/m" "$ops" >"$tmp/host.out" 2>&1
say $? "the host replays seed $seed ($ops operations)"
grep -E '^fsmodel: op [0-9]+ digest' "$log" >"$tmp/guest.digest"
grep -E '^fsmodel: op [0-9]+ digest' "$tmp/host.out" >"$tmp/host.digest"
[ -s "$tmp/host.digest" ] && cmp -s "$tmp/guest.digest" "$tmp/host.digest"
say $? "every operation's result matches the host's (digest lines)"

debugfs -R "dump /m.log $tmp/guest.log" "$img" >/dev/null 2>&1
if cmp -s "$tmp/guest.log" "$tmp/m.log"; then
    say 0 "the guest's per-operation log equals the host's"
else
    say 1 "the guest's per-operation log equals the host's"
    diff "$tmp/m.log" "$tmp/guest.log" | head -8 | sed 's/^/# host<guest>: /'
fi

if e2fsck -fn "$img" >"$tmp/fsck" 2>&1; then
    say 0 "e2fsck -fn finds the image clean"
else
    say 1 "e2fsck -fn finds the image clean"
    head -20 "$tmp/fsck" | sed 's/^/# /'
fi

mkdir "$tmp/out"
debugfs -R "rdump /m $tmp/out" "$img" >/dev/null 2>&1
if diff -r --no-dereference "$tmp/m" "$tmp/out/m" >"$tmp/diff" 2>&1; then
    say 0 "rdump of /m equals the host's tree byte for byte"
else
    say 1 "rdump of /m equals the host's tree byte for byte"
    head -10 "$tmp/diff" | sed 's/^/# /'
fi
# Types and permission bits (directories' and symlinks' sizes are each
# file system's own; file contents and link targets diff compared).
tree() { (cd "$1" && find . -printf '%p %y %m\n' | LC_ALL=C sort); }
tree "$tmp/m" >"$tmp/host.tree"
tree "$tmp/out/m" >"$tmp/guest.tree"
if cmp -s "$tmp/host.tree" "$tmp/guest.tree"; then
    say 0 "types and modes of all $(wc -l <"$tmp/host.tree") entries match"
else
    say 1 "types and modes of all entries match"
    diff "$tmp/host.tree" "$tmp/guest.tree" | head -10 | sed 's/^/# /'
fi
exit $fail
