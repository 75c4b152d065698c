#!/bin/sh
# CHECK IMAGE LOG for sh_syntax: what sh/syntax.sh printed in the guest
# (/tmp/syntax.out on the image) is what bash --posix prints for it on the
# host, and its stderr (/tmp/syntax.err) has the shell's and the
# programs' messages. TAP lines.
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
debugfs -R "dump /tmp/syntax.out $work/guest.out" "$img" >/dev/null 2>&1
debugfs -R "dump /tmp/syntax.err $work/guest.err" "$img" >/dev/null 2>&1
[ -s "$work/guest.out" ]
result $? "the guest's sh wrote /tmp/syntax.out"

# the reference: the same script under bash --posix, with the host's paths
# put back to the guest's, and bash --posix as the sh it starts
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec bash --posix "$@"\n' >"$work/bin/sh"
chmod +x "$work/bin/sh"
PATH=$work/bin:$PATH SHT_DIR=$work/sht SHT_SHEBANG_DIR=$here bash --posix "$here/syntax.sh" >"$work/ref.raw" 2>/dev/null
sed -e "s#$work/sht#/tmp/sht#g" -e "s#$here#/tmp#g" "$work/ref.raw" >"$work/ref.out"
if diff -u "$work/ref.out" "$work/guest.out" >"$work/diff"; then
    result 0 "sh/syntax.sh prints in the guest what bash --posix prints ($(wc -l <"$work/ref.out") lines)"
else
    result 1 "sh/syntax.sh prints in the guest what bash --posix prints"
    sed 's/^/# /' "$work/diff" | head -60
fi
# one line per group, so a failure names what broke
for g in $(sed -n 's/^\([a-z0-9-]*\):.*/\1/p' "$work/ref.out" | sort -u); do
    grep "^$g:" "$work/ref.out" >"$work/a"
    grep "^$g:" "$work/guest.out" >"$work/b"
    cmp -s "$work/a" "$work/b"
    result $? "syntax: $g"
done

for msg in 'sh: nosuch_cmd_x: command not found' \
    'sh: /tmp/sht/noexec: Permission denied' \
    'sh: cannot open /tmp/sht/missing-script: No such file or directory' \
    'cat: /tmp/sht/missing: No such file or directory' \
    'sh: cannot open /tmp/sht/nofile: No such file or directory' \
    'sh: cannot open /tmp/sht/nodir/f: No such file or directory' \
    'cd: /nonexistent-dir: No such file or directory'; do
    grep -qF -- "$msg" "$work/guest.err"
    result $? "stderr has: $msg"
done
[ $fail -eq 0 ] || sed 's/^/# err: /' "$work/guest.err" | head -30
exit $fail
