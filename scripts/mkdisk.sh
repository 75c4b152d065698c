#!/bin/sh
# The disk Chime boots with: an ext2 image of rootfs/ plus the programs.
#
#   sh scripts/mkdisk.sh [-r] [-s SIZE] [-b BLOCK] [-d ROOTFS] [-t CHIME_EXT2] IMAGE PROGRAM...
#
# Without IMAGE (or with -r, which erases it) it makes a new one with
# mke2fs -t ext2 -d: rootfs/ (default ROOTFS), empty /home and /tmp, and
# each PROGRAM as /bin/NAME, SIZE bytes (default 64M, mke2fs units) in
# BLOCK-byte blocks (default 4096; the ext2 library reads 1024 to 4096).
# e2fsck -fn must find it clean.
#
# When IMAGE exists, only /bin changes: each PROGRAM whose bytes differ from
# /bin/NAME replaces it, through the in-tree ext2 tool (CHIME_EXT2, default
# build/host/chime-ext2), and a line says which; the user's files stay.
# Programs no longer built stay in /bin too. Do not run it while QEMU has
# IMAGE open. Exit status 0, or 1 after a failure (a new image is then not
# there at all; an update may have replaced some programs).
set -u

usage() {
    echo "usage: mkdisk.sh [-r] [-s SIZE] [-b BLOCK] [-d ROOTFS] [-t CHIME_EXT2] IMAGE PROGRAM..." >&2
    exit 2
}

reset=0
size=64M
block=4096
rootfs=rootfs
tool=build/host/chime-ext2
while getopts rs:b:d:t: opt; do
    case $opt in
    r) reset=1 ;;
    s) size=$OPTARG ;;
    b) block=$OPTARG ;;
    d) rootfs=$OPTARG ;;
    t) tool=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
image=$1
shift

die() {
    echo "mkdisk: $*" >&2
    exit 1
}

for prog in "$@"; do
    [ -f "$prog" ] || die "$prog: no such program"
done

# A fresh image from a staging copy of ROOTFS, renamed into place only
# once e2fsck has passed it.
make_image() {
    [ -d "$rootfs" ] || die "$rootfs: no such directory"
    mkdir -p "$(dirname "$image")" || exit 1
    stage=$(mktemp -d "$image.stage.XXXXXX") || exit 1
    trap 'rm -rf "$stage" "$image.tmp"' EXIT
    cp -R "$rootfs/." "$stage/" || die "cannot copy $rootfs"
    mkdir -p "$stage/bin" "$stage/home" "$stage/tmp" || exit 1
    chmod 1777 "$stage/tmp"
    for prog in "$@"; do
        cp "$prog" "$stage/bin/$(basename "$prog")" || exit 1
        chmod 755 "$stage/bin/$(basename "$prog")"
    done
    rm -f "$image.tmp"
    mke2fs -q -F -t ext2 -b "$block" -m 0 -L chime -d "$stage" "$image.tmp" "$size" >/dev/null ||
        die "mke2fs failed"
    fsck=$(e2fsck -fn "$image.tmp" 2>&1) || {
        printf '%s\n' "$fsck" >&2
        die "e2fsck -fn does not find the new image clean"
    }
    mv "$image.tmp" "$image" || exit 1
    echo "mkdisk: made $image ($size, $block-byte blocks, $# programs in /bin)"
}

# Bring /bin of the existing image up to date with the programs.
update_image() {
    [ -x "$tool" ] || die "$tool: missing (make builds it)"
    "$tool" "$image" ls / >/dev/null || die "$image: not a disk chime-ext2 can mount (make disk-reset)"
    if ! "$tool" "$image" stat /bin >/dev/null 2>&1; then
        "$tool" "$image" mkdir /bin || exit 1
    fi
    old=$(mktemp) || exit 1
    trap 'rm -f "$old"' EXIT
    changed=""
    for prog in "$@"; do
        name=$(basename "$prog")
        if ! "$tool" "$image" get "/bin/$name" "$old" 2>/dev/null; then
            what=added
        elif cmp -s "$prog" "$old"; then
            continue
        else
            what=replaced
        fi
        "$tool" "$image" put "$prog" "/bin/$name" || die "$image: cannot write /bin/$name"
        echo "mkdisk: $image: $what /bin/$name"
        changed="$changed $name"
    done
    if [ -z "$changed" ]; then
        echo "mkdisk: $image: /bin is up to date ($# programs)"
    fi
}

if [ "$reset" -eq 1 ] || [ ! -e "$image" ]; then
    make_image "$@"
else
    update_image "$@"
fi
