#!/bin/sh
# CHECK IMAGE LOG (fs_hostile.case): the file system the attacks left on
# IMAGE is consistent (e2fsck -fn finds nothing), and W's verdict is there.
img=$1
if e2fsck -fn "$img" >/dev/null 2>&1; then
    echo "ok - e2fsck -fn finds the image clean"
else
    echo "not ok - e2fsck -fn finds the image clean"
    e2fsck -fn "$img" 2>&1 | head -20 | sed 's/^/# /'
    exit 1
fi
out=$(debugfs -R "cat /fshostile.d/w-result" "$img" 2>/dev/null)
if [ "$out" = "w ok" ]; then
    echo "ok - the host reads W's verdict: w ok"
else
    echo "not ok - the host reads W's verdict: w ok (got '$out')"
    exit 1
fi
