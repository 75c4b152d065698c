#!/bin/sh
# chime-cc end to end: build tests/chimecc/wordfreq, an ordinary Unix
# program with an ordinary Makefile, with make CC=chime-cc; check what the
# driver does on the host (depfiles, -E, -S, archives, an installed copy of
# the SDK); then put the program where the guest finds it and boot the
# cases in tests/chimecc/cases, and put it on the disk and run it from the
# shell (tests/chimecc/disk). Prints TAP lines; needs make all.
#
#   sh tests/chimecc/chimecc-test.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
top=$(pwd -P)
build=build
bin=$top/$build/bin
work=$top/$build/chimecc-test
cross=riscv64-unknown-elf-
fail=0

result() { # 0|1 (ok|not ok), description
    if [ "$1" -eq 0 ]; then
        printf 'ok - %s\n' "$2"
    else
        printf 'not ok - %s\n' "$2"
        fail=1
    fi
}

# make as a user would type it, not as a child of make test's jobserver.
user_make() {
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory "$@"
}

# Put PROGRAM where the guest starts programs from, under its file name, and
# set CHIME_BOOT_ARCHIVE / QEMU_EXTRA for tests/system/run.sh. Today spawn
# loads from the boot archive, so the program joins a copy of the standard
# archive (build/boot.cpio). When spawn loads from the disk's /bin, this is
# the one place to change: `chime-ext2 DISK put PROGRAM /bin/NAME` on a copy
# of the disk, attached through QEMU_EXTRA.
guest_install() {
    name=$(basename "$1")
    stage=$work/archive
    rm -rf "$stage" && mkdir -p "$stage" || return 1
    members=$(cpio --quiet -it <"$top/$build/boot.cpio") || return 1
    for m in $members; do
        if [ "$m" = "$name" ]; then
            echo "guest_install: $name is already in the boot archive" >&2
            return 1
        fi
    done
    (cd "$stage" && cpio --quiet -idm <"$top/$build/boot.cpio") || return 1
    "${cross}objcopy" --strip-debug "$1" "$stage/$name" || return 1
    # shellcheck disable=SC2086 # member names have no spaces
    (cd "$stage" && printf '%s\n' $members "$name" |
        cpio --quiet -o -H newc --reproducible -R 0:0) >"$work/boot.cpio" || return 1
    CHIME_BOOT_ARCHIVE=$work/boot.cpio
    export CHIME_BOOT_ARCHIVE
}

rm -rf "$work"
mkdir -p "$work"
log=$work/log

# ---- the Unix build ------------------------------------------------------
cp -R tests/chimecc/wordfreq "$work/wordfreq"
wf=$work/wordfreq
(cd "$wf" && user_make CC="$bin/chime-cc") >"$log" 2>&1
result $? "chimecc: make CC=chime-cc builds wordfreq"
cat "$log"

hdr=$("${cross}readelf" -h "$wf/wordfreq" 2>/dev/null)
echo "$hdr" | grep -q 'Machine:.*RISC-V' && echo "$hdr" | grep -q 'Type:.*EXEC' &&
    echo "$hdr" | grep -q 'soft-float ABI'
result $? "chimecc: wordfreq is a RISC-V soft-float executable"
entry=$(echo "$hdr" | sed -n 's/.*Entry point address: *0x0*//p')
start=$("${cross}nm" "$wf/wordfreq" 2>/dev/null | sed -n 's/^0*\([0-9a-f]*\) T _start$/\1/p')
[ -n "$entry" ] && [ "$entry" = "$start" ]
result $? "chimecc: its entry is libos' _start (0x$entry, _start 0x$start)"
"${cross}readelf" -l "$wf/wordfreq" 2>/dev/null | grep -Eq 'INTERP|DYNAMIC'
[ $? -eq 1 ]
result $? "chimecc: it is static (no INTERP, no DYNAMIC)"
syms=$("${cross}nm" "$wf/wordfreq" 2>/dev/null)
echo "$syms" | grep -q ' T log$' && echo "$syms" | grep -q ' T libos_start$'
result $? "chimecc: it has picolibc's log (for log2) and libos' startup"
grep -q 'table.h' "$wf/main.d" 2>/dev/null
result $? "chimecc: -MMD -MP wrote main.d naming table.h"

# ---- the SDK mirrors the in-tree include list -------------------------------
dirs=$(user_make -s chime-cc-include-dirs 2>/dev/null)
conf_dirs=$(sed -n "s/^chime_include_dirs='\(.*\)'$/\1/p" "$build/lib/chime/chime-cc.conf")
i=0
bad=""
for d in $dirs; do
    sub=$(printf '%02d' "$i")
    h=$(cd "$d" && find . -path "./$build" -prune -o -name '*.h' -print | head -n 1)
    [ -n "$h" ] && cmp -s "$d/$h" "$build/lib/chime/include/$sub/$h" || bad="$bad $d"
    i=$((i + 1))
done
[ -n "$dirs" ] && [ "$(echo "$conf_dirs" | wc -w)" -eq "$i" ] && [ -z "$bad" ]
result $? "chimecc: the SDK has one include directory per -I of USER_CFLAGS ($dirs), in order${bad:+ (wrong:$bad)}"

# ---- the driver's other modes --------------------------------------------
printf '#include <stdio.h>\n#include <libos/libos.h>\nstack_top = LIBOS_STACK_TOP;\n' >"$work/e.c"
"$bin/chime-cc" -E -P "$work/e.c" 2>&1 | grep -q 'stack_top = 0x1ff0100000ull'
result $? "chimecc: -E expands a libos macro"
deps=$("$bin/chime-cc" -M "$work/e.c" 2>&1)
echo "$deps" | grep -q '/usr/lib/picolibc/[^ ]*/include/stdio.h' &&
    echo "$deps" | grep -q "$build/lib/chime/include/[0-9]*/libos/libos.h"
result $? "chimecc: -M finds <stdio.h> in picolibc and <libos/libos.h> in the SDK"
"$bin/chime-cc" -O2 -S -o "$work/table.s" "$wf/table.c" && grep -q 'rv64i2p0_m2p0_a2p0_c2p0' "$work/table.s"
result $? "chimecc: -S writes rv64imac assembly"
"$bin/chime-cc" -DTOP=1 -c -o "$work/t.o" "$wf/table.c" &&
    "${cross}readelf" -h "$work/t.o" | grep -q 'Type:.*REL'
result $? "chimecc: -c compiles without linking"

rm -f "$work/libtable.a"
(cd "$wf" && "$bin/chime-ar" rc "$work/libtable.a" table.o && "$bin/chime-ranlib" "$work/libtable.a" &&
    "$bin/chime-cc" -o "$work/wf-lib" main.o -L"$work" -ltable -lm -l pthread -lrt) >"$log" 2>&1 &&
    "$bin/chime-nm" -s "$work/libtable.a" | grep -q 'table_add in table.o'
result $? "chimecc: chime-ar/chime-ranlib make a library that links with -L -l (-lpthread -lrt accepted)"
cat "$log"

"$bin/chime-cc" -o "$work/wf-lc" "$wf/main.o" "$wf/table.o" -lm -lc -lgcc >"$log" 2>&1
result $? "chimecc: -lm -lc -lgcc name picolibc and libgcc without clashing with libos"
cat "$log"

! "$bin/chime-cc" -shared -o "$work/x.so" "$wf/table.c" >"$log" 2>&1 &&
    grep -q 'no shared libraries' "$log"
result $? "chimecc: -shared is refused with a reason"

# ---- installed elsewhere -------------------------------------------------
user_make -s install-sdk PREFIX="$work/prefix" >"$log" 2>&1
result $? "chimecc: make install-sdk PREFIX=... copies the driver and its SDK"
cat "$log"
moved="$work/moved prefix"
mv "$work/prefix" "$moved"
mkdir -p "$work/links"
ln -s "$moved/bin/chime-cc" "$work/links/chime-cc"
cp -R tests/chimecc/wordfreq "$work/wordfreq2"
(cd "$work/wordfreq2" && user_make CC="$work/links/chime-cc") >"$log" 2>&1
result $? "chimecc: a moved install (path with a space, reached by a symlink) builds wordfreq"
cat "$log"
"${cross}objcopy" --strip-debug "$wf/wordfreq" "$work/wf-a" &&
    "${cross}objcopy" --strip-debug "$work/wordfreq2/wordfreq" "$work/wf-b" &&
    cmp -s "$work/wf-a" "$work/wf-b"
result $? "chimecc: ...and the program is the same as the in-tree driver's"
mkdir -p "$work/lone/bin"
cp scripts/chime-cc.sh "$work/lone/bin/chime-cc"
chmod +x "$work/lone/bin/chime-cc"
CHIME_SDK="$moved/lib/chime" "$work/lone/bin/chime-cc" -o "$work/wf-sdk" "$wf/main.o" "$wf/table.o" -lm
result $? "chimecc: CHIME_SDK points a lone copy of the driver at the SDK"
"$work/lone/bin/chime-cc" -c "$wf/table.c" -o "$work/x.o" >"$log" 2>&1
[ $? -eq 2 ] && grep -q 'no Chime SDK' "$log"
result $? "chimecc: without an SDK it says so and exits 2"

# ---- in the guest ----------------------------------------------------------
if guest_install "$wf/wordfreq"; then
    result 0 "chimecc: wordfreq installed for the guest"
    CASES= CHIME_CASE_DIR=tests/chimecc/cases sh tests/system/run.sh || fail=1
    # on the disk, run from the shell, with the standard boot archive
    CASES= CHIME_BOOT_ARCHIVE=$top/$build/boot.cpio CHIME_CASE_DIR=tests/chimecc/disk \
        sh tests/system/run.sh || fail=1
else
    result 1 "chimecc: wordfreq installed for the guest"
fi
exit $fail
