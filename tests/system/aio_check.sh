#!/bin/sh
# CHECK IMAGE LOG for aio.case: the file system aiotest left on IMAGE is
# consistent (e2fsck -fn), and /aiotest/written, made by three aio_writes
# and an aio_fsync, holds what the guest wrote: 4 KiB each of c, b, a.
img=$1
sh "$(dirname "$0")/fsck_clean.sh" "$img" || exit 1
want=$(for c in c b a; do head -c 4096 /dev/zero | tr '\0' "$c"; done | md5sum)
got=$(debugfs -R "cat /aiotest/written" "$img" 2>/dev/null | md5sum)
if [ "$want" = "$got" ]; then
    echo "ok - the host reads /aiotest/written as the guest's aio_writes left it"
else
    echo "not ok - the host reads /aiotest/written as the guest's aio_writes left it"
    exit 1
fi
