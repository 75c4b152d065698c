#!/bin/sh
# CHECK IMAGE LOG for sysinfo: the image is clean after reboot, and what
# ps, free and df printed agrees with itself and with the image.
img=$1 log=$2
st=0
t() { # t OK WHAT: one TAP line
    if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; st=1; fi
}
e2fsck -fn "$img" >/dev/null 2>&1
t $? "e2fsck -fn finds the image clean after reboot"

bs=$(dumpe2fs -h "$img" 2>/dev/null | sed -n 's/^Block size: *//p')
bc=$(dumpe2fs -h "$img" 2>/dev/null | sed -n 's/^Block count: *//p')
df=$(grep -m1 '^ext2 ' "$log" | awk '{print $2}')
[ -n "$bs" ] && [ "$df" = "$((bc * bs / 1024))" ]
t $? "df's 1K-blocks ($df) are the image's $bc blocks of $bs bytes"

set -- $(grep -m1 '^Mem: ' "$log" | awk '{print $2, $3, $4}')
[ $# = 3 ] && [ "$1" = $(($2 + $3)) ] && [ "$1" = 262144 ]
t $? "free: total $1 KiB (256 MiB) = used $2 + free $3"

# ps: init is 1 with parent 0; ps's parent is the shell
sh_pid=$(grep -m1 -E '^ +[0-9]+ +[0-9]+ sh ' "$log" | awk '{print $1}')
ps_parent=$(grep -m1 -E '^ +[0-9]+ +[0-9]+ ps ' "$log" | awk '{print $2}')
[ -n "$sh_pid" ] && [ "$ps_parent" = "$sh_pid" ]
t $? "ps: its parent ($ps_parent) is the shell ($sh_pid)"
exit $st
