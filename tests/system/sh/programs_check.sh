#!/bin/sh
# CHECK IMAGE LOG for sh_programs: what sh/programs.sh printed in the
# guest (/tmp/programs.out on the image, stdout and stderr) is
# programs.expected, section by section ("== name" lines). TAP lines.
img=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
result() {
    if [ "$1" -eq 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fail=1; fi
}

e2fsck -fn "$img" >/dev/null 2>&1
result $? "e2fsck -fn finds the image clean after poweroff"
debugfs -R "dump /tmp/programs.out $work/guest.out" "$img" >/dev/null 2>&1
# one test line per section, so a failure names the programs
section() { # file name
    awk -v s="== $2" '/^== /{on = ($0 == s)} on' "$1"
}
for s in $(sed -n 's/^== //p' "$here/programs.expected" | tr ' ' '_'); do
    name=$(echo "$s" | tr '_' ' ')
    section "$here/programs.expected" "$name" >"$work/a"
    section "$work/guest.out" "$name" >"$work/b"
    if cmp -s "$work/a" "$work/b"; then
        result 0 "programs: $name ($(grep -c -- '^-> ' "$work/a") commands)"
    else
        result 1 "programs: $name"
        diff -u "$work/a" "$work/b" | sed 's/^/# /' | head -40
    fi
done
exit $fail
