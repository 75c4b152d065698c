#!/bin/sh
# CHECK IMAGE LOG: the file system the guest left on IMAGE is consistent
# (e2fsck -fn finds nothing), and the files the guest wrote are there.
img=$1
if e2fsck -fn "$img" >/dev/null 2>&1; then
    echo "ok - e2fsck -fn finds the image clean"
else
    echo "not ok - e2fsck -fn finds the image clean"
    e2fsck -fn "$img" 2>&1 | head -20 | sed 's/^/# /'
    exit 1
fi
out=$(debugfs -R "cat /fstest/c" "$img" 2>/dev/null)
[ "$out" = "b" ]
st=$?
[ $st -eq 0 ] && echo "ok - the host reads /fstest/c as the guest left it" ||
    echo "not ok - the host reads /fstest/c as the guest left it (got '$out')"
exit $st
