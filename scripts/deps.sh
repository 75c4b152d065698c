#!/bin/sh
# Install every Debian package Chime needs to build, run and test.
# Idempotent and quiet when everything is present; run as root (or via sudo).
set -e

PACKAGES="make gcc clang libclang-rt-14-dev gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
picolibc-riscv64-unknown-elf qemu-system-misc opensbi libcmocka-dev pkg-config e2fsprogs
device-tree-compiler cpio cppcheck clang-format python3"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps.sh: done"
