#!/bin/sh
# CHECK IMAGE LOG for aio.case: the file system aiotest left on IMAGE is
# consistent (e2fsck -fn), and /aiotest/written, made by three aio_writes
# and an aio_fsync, holds what the guest wrote: 4 KiB each of c, b, a.
img=$1
if e2fsck -fn "$img" >/dev/null 2>&1; then
    echo "ok - e2fsck -fn finds the image clean"
else
    echo "not ok - e2fsck -fn finds the image clean"
    e2fsck -fn "$img" 2>&1 | head -20 | sed 's/^/# /'
    exit 1
fi
want=$(for c in c b a; do head -c 4096 /dev/zero | tr '\0' "$c"; done | md5sum)
got=$(debugfs -R "cat /aiotest/written" "$img" 2>/dev/null | md5sum)
if [ "$want" = "$got" ]; then
    echo "ok - the host reads /aiotest/written as the guest's aio_writes left it"
else
    echo "not ok - the host reads /aiotest/written as the guest's aio_writes left it"
    exit 1
fi
