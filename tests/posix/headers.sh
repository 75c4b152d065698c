#!/bin/sh
# POSIX headers for guest programs: compile tests/posix/posix2008.c with the
# flags every user program gets (make posix-header-cmd) under three feature
# settings, then link it against libos with chime-cc (every function it
# names must be defined). One TAP line each.
set -u
cd "$(dirname "$0")/../.." || exit 2
cmd=${CHIME_USER_CC:-$(make -s --no-print-directory posix-header-cmd 2>/dev/null)}
if [ -z "$cmd" ]; then
    echo "not ok - posix headers: no compiler command (make posix-header-cmd failed)"
    exit 1
fi
out=build/posix
mkdir -p "$out"
fail=0
for variant in "-D_POSIX_C_SOURCE=200809L -std=c11" "" "-D_XOPEN_SOURCE=700"; do
    what=${variant:-"no feature macro"}
    # shellcheck disable=SC2086
    if $cmd $variant -Werror=implicit-function-declaration -c tests/posix/posix2008.c \
        -o "$out/posix2008.o" >"$out/headers.log" 2>&1; then
        echo "ok - posix headers: a POSIX.1-2008 program compiles ($what)"
    else
        echo "not ok - posix headers: a POSIX.1-2008 program compiles ($what)"
        sed 's/^/    # /' "$out/headers.log" | head -20
        fail=1
    fi
done
if build/bin/chime-cc -D_POSIX_C_SOURCE=200809L -o "$out/posix2008" tests/posix/posix2008.c \
    >"$out/link.log" 2>&1; then
    echo "ok - posix headers: that program links against libos with no missing symbol"
else
    echo "not ok - posix headers: that program links against libos with no missing symbol"
    grep -o "undefined reference to .*" "$out/link.log" | sort -u | sed 's/^/    # /' | head -20
    fail=1
fi
exit $fail
