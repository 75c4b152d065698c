#!/bin/sh
# CHECK IMAGE LOG: the file system the guest left on IMAGE is consistent
# (e2fsck -fn finds nothing).
if e2fsck -fn "$1" >/dev/null 2>&1; then
    echo "ok - e2fsck -fn finds the image clean"
else
    echo "not ok - e2fsck -fn finds the image clean"
    e2fsck -fn "$1" 2>&1 | head -20 | sed 's/^/# /'
    exit 1
fi
