#!/bin/sh
# chime-cc: the C compiler driver for Chime programs, a wrapper around the
# cross gcc that adds what the in-tree programs are built with (mk/programs.mk):
# the target flags, the include list, libos' linker script and libos itself,
# over picolibc. Everything else on the command line is the user's and goes
# to gcc unchanged, so it works as CC= for ordinary Makefiles:
#
#   chime-cc -O2 -o prog main.c util.c -lm
#   chime-cc -c -MMD -Iinclude x.c && chime-cc -o prog x.o
#   make CC=chime-cc AR=chime-ar RANLIB=chime-ranlib
#
# The same script answers as chime-ar, chime-ranlib, chime-strip, chime-nm,
# chime-objcopy, chime-objdump, chime-readelf and chime-size (its name picks
# the tool).
#
# It finds its SDK (headers, libos.a, user.ld, chime-cc.conf) in ../lib/chime
# next to the directory it lives in, symlinks followed, or in $CHIME_SDK.
# $CHIME_CROSS overrides the cross prefix (riscv64-unknown-elf-);
# CHIME_CC_VERBOSE=1 prints the gcc command line on stderr.
set -u
set -f

me=$(basename -- "$0")
self=$(readlink -f -- "$0" 2>/dev/null) || self=$0
[ -n "$self" ] || self=$0
sdk=${CHIME_SDK:-$(dirname -- "$self")/../lib/chime}
if [ ! -f "$sdk/chime-cc.conf" ]; then
    echo "$me: no Chime SDK in $sdk (set CHIME_SDK to the directory holding chime-cc.conf)" >&2
    exit 2
fi
sdk=$(cd -- "$sdk" && pwd -P) || exit 2
# The flags, written by mk/chime-cc.mk.
chime_cross='' chime_cflags='' chime_include_dirs='' chime_ldflags='' chime_libs=''
chime_dropped_libs=''
# shellcheck source=/dev/null
. "$sdk/chime-cc.conf"
cross=${CHIME_CROSS:-$chime_cross}

case $me in
chime-ar | chime-ranlib | chime-strip | chime-nm | chime-objcopy | chime-objdump | chime-readelf | \
    chime-size)
    exec "${cross}${me#chime-}" "$@"
    ;;
esac

# Rebuild the argument list, leaving out what libos already is (-lpthread,
# -lrt) or what cannot mean anything here, and note whether gcc will link.
links=1
inputs=0
n=$#
while [ "$n" -gt 0 ]; do
    arg=$1
    shift
    n=$((n - 1))
    case $arg in
    -c | -S | -E | -M | -MM | -fsyntax-only)
        links=0
        ;;
    -shared | -dynamic | -rdynamic)
        echo "$me: $arg: Chime programs are static; there are no shared libraries" >&2
        exit 1
        ;;
    -march=native | -mtune=native | -mcpu=native)
        continue
        ;;
    -l*)
        inputs=$((inputs + 1))
        lib=${arg#-l}
        if [ -z "$lib" ] && [ "$n" -gt 0 ]; then
            lib=$1
            shift
            n=$((n - 1))
            arg="-l$lib"
        fi
        case " $chime_dropped_libs " in
        *" -l$lib "*) continue ;;
        esac
        ;;
    -o | -I | -D | -U | -L | -MF | -MT | -MQ | -include | -imacros | -isystem | -iquote | -idirafter | \
        -x | -Xlinker | -Xassembler | -Xpreprocessor | -T | -u | -e | -z | --param | -aux-info)
        # An option whose value is the next word: keep both, count neither.
        set -- "$@" "$arg"
        if [ "$n" -gt 0 ]; then
            arg=$1
            shift
            n=$((n - 1))
        else
            continue
        fi
        ;;
    -?*) ;;
    *)
        inputs=$((inputs + 1))
        ;;
    esac
    set -- "$@" "$arg"
done

if [ "$links" -eq 1 ] && [ "$inputs" -gt 0 ]; then
    # The link flags and libos go first: libos' definitions (sbrk, locks)
    # are then in place before any -lc the user names, which would pull in
    # picolibc's own. @SDK@ in a word is the SDK directory (spaces and all).
    n=$#
    for word in $chime_ldflags $chime_libs; do
        case $word in
        *@SDK@*) word=${word%%@SDK@*}$sdk${word#*@SDK@} ;;
        esac
        set -- "$@" "$word"
    done
    while [ "$n" -gt 0 ]; do
        set -- "$@" "$1"
        shift
        n=$((n - 1))
    done
fi
# After the user's own -I, so those come first; before picolibc's.
for dir in $chime_include_dirs; do
    set -- "$@" "-I$sdk/include/$dir"
done

if [ "${CHIME_CC_VERBOSE:-0}" != 0 ]; then
    printf '%s' "${cross}gcc $chime_cflags" >&2
    printf ' %s' "$@" >&2
    printf '\n' >&2
fi
# shellcheck disable=SC2086 # the flags are words without spaces or globs
exec "${cross}gcc" $chime_cflags "$@"
