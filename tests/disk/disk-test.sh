#!/bin/sh
# The boot disk (mk/disk.mk, scripts/mkdisk.sh), checked on the host with
# e2fsprogs: make disk makes an e2fsck-clean image of rootfs/ plus every
# program; an update after a rebuild replaces /bin/hello and keeps what the
# user wrote; make disk-reset starts over. Prints TAP lines; needs make all.
#
#   sh tests/disk/disk-test.sh PROGRAM...     (the names in build/archive/)
set -u
cd "$(dirname "$0")/../.." || exit 2
build=build
work=$build/disk-test
img=$work/disk.img
tool=$build/host/chime-ext2
fail=0

result() { # 0|1 (ok|not ok), description
    if [ "$1" -eq 0 ]; then
        printf 'ok - %s\n' "$2"
    else
        printf 'not ok - %s\n' "$2"
        fail=1
    fi
}

user_make() { # make as a user types it, not as a child of make test
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory -s "$@"
}

# The image's file PATH, on stdout.
image_cat() {
    debugfs -R "cat $1" "$img" 2>/dev/null
}

# Is the image's PATH byte for byte the host's FILE?
same_file() { # PATH FILE
    rm -f "$work/out"
    debugfs -R "dump $1 $work/out" "$img" >/dev/null 2>&1 && cmp -s "$work/out" "$2"
}

fsck_clean() {
    e2fsck -fn "$img" >"$work/fsck.log" 2>&1
}

[ $# -gt 0 ] || {
    echo "not ok - disk: no programs named"
    exit 1
}
rm -rf "$work"
mkdir -p "$work"

# ---- a new disk ------------------------------------------------------------
user_make disk DISK_IMAGE="$img" >"$work/make.log" 2>&1
[ -f "$img" ] && grep -q "made $img" "$work/make.log"
result $? "disk: make disk makes the image"
cat "$work/make.log"
fsck_clean
result $? "disk: e2fsck -fn finds it clean"
info=$(dumpe2fs -h "$img" 2>/dev/null)
bs=$(echo "$info" | sed -n 's/^Block size: *//p')
count=$(echo "$info" | sed -n 's/^Block count: *//p')
[ "$bs" = 4096 ] && [ "$((bs * count))" -eq $((64 * 1024 * 1024)) ]
result $? "disk: 64 MiB in 4096-byte blocks (block size $bs, $count blocks)"
"$tool" "$img" ls / >/dev/null
result $? "disk: the Chime ext2 library mounts it (chime-ext2 ls /)"

listing=$(debugfs -R "ls /bin" "$img" 2>/dev/null)
missing=""
for p in "$@"; do
    echo "$listing" | grep -Eq "(^| )$p( |$)" || missing="$missing $p"
done
[ -z "$missing" ]
result $? "disk: debugfs ls /bin lists every program${missing:+ (missing:$missing)}"
differ=""
for p in "$@"; do
    same_file "/bin/$p" "$build/archive/$p" || differ="$differ $p"
done
[ -z "$differ" ]
result $? "disk: each /bin/NAME is build/archive/NAME${differ:+ (differ:$differ)}"

differ=""
for f in $(cd rootfs && find . -type f | sed 's|^\./||'); do
    same_file "/$f" "rootfs/$f" || differ="$differ $f"
done
[ -z "$differ" ] && [ -n "$(image_cat /etc/motd)" ] && [ -n "$(image_cat /README)" ]
result $? "disk: rootfs/ is there (/README, /etc/motd, /etc/profile...)${differ:+ (differ:$differ)}"
debugfs -R "stat /home" "$img" 2>/dev/null | grep -q 'Type: directory' &&
    debugfs -R "stat /tmp" "$img" 2>/dev/null | grep -q 'Mode:  01777'
result $? "disk: /home is a directory, /tmp one anyone may write (1777)"

# ---- updates -------------------------------------------------------------
sum=$(md5sum <"$img")
user_make disk DISK_IMAGE="$img" >"$work/make.log" 2>&1 &&
    grep -q '/bin is up to date' "$work/make.log" && [ "$(md5sum <"$img")" = "$sum" ]
result $? "disk: make disk with nothing rebuilt leaves the image as it was"
cat "$work/make.log"

printf 'a note the user wrote\n' >"$work/note.txt"
debugfs -w -R "write $work/note.txt /home/note.txt" "$img" >/dev/null 2>&1 && same_file /home/note.txt "$work/note.txt"
result $? "disk: a user file written with debugfs -w"

# A rebuild, as mkdisk sees it: hello has new bytes, and a new program.
mkdir -p "$work/progs"
for p in "$@"; do cp "$build/archive/$p" "$work/progs/$p"; done
echo rebuilt >"$work/rebuilt"
riscv64-unknown-elf-objcopy --add-section .note.rebuilt="$work/rebuilt" "$build/archive/hello" \
    "$work/progs/hello"
cp "$build/archive/hello" "$work/progs/newprog"
names=""
for p in "$@"; do names="$names $work/progs/$p"; done
# shellcheck disable=SC2086 # paths without spaces
sh scripts/mkdisk.sh -t "$tool" "$img" $names "$work/progs/newprog" >"$work/update.log" 2>&1
rc=$?
cat "$work/update.log"
[ $rc -eq 0 ] && grep -q "replaced /bin/hello$" "$work/update.log" &&
    grep -q "added /bin/newprog$" "$work/update.log" && [ "$(grep -c 'replaced' "$work/update.log")" -eq 1 ]
result $? "disk: the update says it replaced /bin/hello and added /bin/newprog, nothing else"
same_file /bin/hello "$work/progs/hello" && same_file /bin/newprog "$work/progs/newprog"
result $? "disk: /bin/hello is the rebuilt one"
same_file /home/note.txt "$work/note.txt"
result $? "disk: the user's /home/note.txt survived the update"
same_file /bin/init "$build/archive/init" && same_file /etc/motd rootfs/etc/motd
result $? "disk: other programs and rootfs files are as they were"
fsck_clean
result $? "disk: e2fsck -fn finds the updated image clean"

# ---- starting over -------------------------------------------------------
user_make disk-reset DISK_IMAGE="$img" >"$work/make.log" 2>&1
rc=$?
cat "$work/make.log"
[ $rc -eq 0 ] && ! debugfs -R "stat /home/note.txt" "$img" 2>&1 | grep -q 'Inode:' &&
    same_file /bin/hello "$build/archive/hello" && fsck_clean
result $? "disk: make disk-reset makes a fresh, clean image (the note is gone)"

head -c 1048576 /dev/zero >"$work/junk.img"
user_make disk DISK_IMAGE="$work/junk.img" >"$work/make.log" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'not a disk chime-ext2 can mount' "$work/make.log"
result $? "disk: make disk refuses to update what is not an ext2 image"
exit $fail
