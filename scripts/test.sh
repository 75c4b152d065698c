#!/bin/sh
# Run every test suite and sum their results.
#
# Each argument is one suite: a command that prints TAP-style lines
# ("ok ..." / "not ok ...") on stdout. A suite that exits non-zero without
# reporting any failure counts as one failure of its own, so a crash is
# never silent. Logs go to build/test-logs/. Ends with "N passed, N failed".
set -u
logdir=build/test-logs
mkdir -p "$logdir"
total_pass=0
total_fail=0
for suite in "$@"; do
    # The suite's name: its program (skipping "sh" and VAR=value words).
    name=$(echo "$suite" | tr ' ' '\n' | grep -v -e '^sh$' -e '=' -e '^$' | head -n 1)
    name=$(basename "$name")
    log="$logdir/$name.log"
    # shellcheck disable=SC2086
    sh -c "$suite" >"$log" 2>&1
    rc=$?
    pass=$(grep -c '^ok ' "$log")
    fail=$(grep -c '^not ok ' "$log")
    if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
        echo "not ok - $name exited with status $rc" >>"$log"
    fi
    if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
        echo "not ok - $name reported no tests" >>"$log"
    fi
    printf '%-28s %4d passed, %d failed\n' "$name" "$pass" "$fail"
    if [ "$fail" -ne 0 ]; then
        grep '^not ok ' "$log" | head -20 | sed 's/^/    /'
        echo "    (full log: $log)"
    fi
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
