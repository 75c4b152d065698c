#!/bin/sh
# CHECK IMAGE LOG for sh_session: the image is clean after poweroff and
# holds what the shell wrote.
img=$1
if e2fsck -fn "$img" >/dev/null 2>&1; then
    echo "ok - e2fsck -fn finds the image clean after poweroff"
else
    echo "not ok - e2fsck -fn finds the image clean after poweroff"
    exit 1
fi
a=$(debugfs -R "cat /tmp/a" "$img" 2>/dev/null)
d=$(debugfs -R "stat /home/me/x" "$img" 2>/dev/null | grep -c "Type: directory")
[ "$a" = "hello" ] && echo "ok - /tmp/a holds what echo wrote" || echo "not ok - /tmp/a holds what echo wrote (got '$a')"
[ "$d" = 1 ] && echo "ok - /home/me/x is a directory" || echo "not ok - /home/me/x is a directory"
[ "$a" = "hello" ] && [ "$d" = 1 ]
