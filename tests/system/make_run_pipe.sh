#!/bin/sh
# Input piped into make run is read by the shell as if typed (issue 13,
# done-when 2): `printf 'echo hi\npoweroff\n' | make run` prints hi and ends
# with status 0. This runs exactly that, with make as a user types it (on a
# scratch disk, one hart), and prints TAP lines. Needs make all.
#
#   sh tests/system/make_run_pipe.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
logdir=build/test-logs/system
mkdir -p "$logdir"
img=$logdir/make_run_pipe.img
log=$logdir/make_run_pipe.log
fail=0

result() { # 0|1 (ok|not ok), description
    if [ "$1" -eq 0 ]; then
        printf 'ok - %s\n' "$2"
    else
        printf 'not ok - %s\n' "$2"
        fail=1
    fi
}

rm -f "$img"
# make as a user would type it, not as a child of make test's jobserver
printf 'echo hi\npoweroff\n' |
    timeout -k 5 180 env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
        make --no-print-directory run DISK="$img" SMP=1 >"$log" 2>&1
rc=$?
tr -d '\r' <"$log" >"$log.txt"
[ "$rc" -eq 0 ]
result $? "make_run_pipe: printf 'echo hi\\npoweroff\\n' | make run ends with status 0 (got $rc, log: $log)"
grep -qx 'hi' "$log.txt"
result $? "make_run_pipe: the shell ran echo hi (a line 'hi')"
grep -q 'command not found' "$log.txt"
[ $? -eq 1 ]
result $? "make_run_pipe: no byte of the input was lost (no 'command not found')"
grep -q 'init: power off requested' "$log.txt"
result $? "make_run_pipe: poweroff was read from the pipe"
e2fsck -fn "$img" >/dev/null 2>&1
result $? "make_run_pipe: e2fsck -fn finds the disk clean after poweroff"
rm -f "$img" "$log.txt"
exit $fail
