#!/bin/sh
# CHECK IMAGE LOG: the file system the guest left on IMAGE is consistent
# (e2fsck -fn finds nothing), and the files the guest wrote are there.
img=$1
sh "$(dirname "$0")/fsck_clean.sh" "$img" || exit 1
out=$(debugfs -R "cat /fstest/c" "$img" 2>/dev/null)
[ "$out" = "b" ]
st=$?
[ $st -eq 0 ] && echo "ok - the host reads /fstest/c as the guest left it" ||
    echo "not ok - the host reads /fstest/c as the guest left it (got '$out')"
exit $st
