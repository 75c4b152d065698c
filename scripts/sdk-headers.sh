#!/bin/sh
# Copy the headers of an include list into an SDK, one numbered directory
# per entry so that the search order stays the list's order:
#
#   sh scripts/sdk-headers.sh DEST SKIP DIR...
#
# DEST/00 gets every *.h under the first DIR (keeping their paths), DEST/01
# the second, and so on. SKIP (the build directory) and .git are never
# entered. DEST is replaced as a whole, so removed headers disappear; mtimes
# are kept, so programs depending on unchanged headers do not rebuild.
set -eu
[ $# -ge 2 ] || {
    echo "usage: sdk-headers.sh DEST SKIP DIR..." >&2
    exit 2
}
dest=$1
skip=$(cd "$2" 2>/dev/null && pwd -P || echo "$2")
shift 2
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
i=0
for dir in "$@"; do
    sub=$(printf '%02d' "$i")
    mkdir -p "$dest.tmp/$sub"
    out=$(cd "$dest.tmp/$sub" && pwd -P)
    src=$(cd "$dir" && pwd -P)
    # SKIP, as find names it from inside DIR (when it is inside DIR at all)
    case $skip in
    "$src"/*) prune=./${skip#"$src"/} ;;
    *) prune=./.git ;;
    esac
    (cd "$src" && find . \( -path ./.git -o -path "$prune" \) -prune -o -name '*.h' -print |
        cpio --quiet -pdm "$out")
    i=$((i + 1))
done
rm -rf "$dest"
mv "$dest.tmp" "$dest"
