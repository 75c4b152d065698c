#!/bin/sh
# CHECK IMAGE LOG (fs_hostile.case): the file system the attacks left on
# IMAGE is consistent (e2fsck -fn finds nothing), and W's verdict is there.
img=$1
sh "$(dirname "$0")/fsck_clean.sh" "$img" || exit 1
out=$(debugfs -R "cat /fshostile.d/w-result" "$img" 2>/dev/null)
if [ "$out" = "w ok" ]; then
    echo "ok - the host reads W's verdict: w ok"
else
    echo "not ok - the host reads W's verdict: w ok (got '$out')"
    exit 1
fi
