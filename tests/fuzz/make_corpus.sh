#!/bin/sh
# Build the ext2 fuzz corpus in DIR: clean images (named ok-*, which must
# read without a single error) and corrupted variants of a 1 KiB-block
# image (each must end in at least one error code, never a crash).
#
#   tests/fuzz/make_corpus.sh DIR
set -eu
out=${1:?usage: make_corpus.sh DIR}
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/chime-corpus-XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- the source tree ------------------------------------------------------
tree=$work/tree
mkdir -p "$tree/sub/deep"
printf 'hello, ext2\n' >"$tree/hello"
i=0
while [ $i -lt 700 ]; do
    printf 'line %05d of a file long enough for indirect blocks\n' $i
    i=$((i + 1))
done >"$tree/big"
printf 'deep file\n' >"$tree/sub/deep/file"
ln -s hello "$tree/link"
ln -s sub/./././././././././././././././././././././././././././deep/file "$tree/slowlink"
ln "$tree/hello" "$tree/sub/hardlink"

mkimg() { # NAME BLOCKSIZE SIZE [mke2fs options]
    name=$1 bs=$2 size=$3
    shift 3
    mke2fs -q -F -t ext2 -b "$bs" -N 32 "$@" -d "$tree" "$out/$name" "$size" >/dev/null 2>&1
}
mkimg ok-1k.img 1024 256K
mkimg ok-2k.img 2048 512K
mkimg ok-4k.img 4096 1M
mkimg ok-rev0.img 1024 256K -r 0
mkimg ok-inode128.img 1024 256K -I 128
base=$out/ok-1k.img

# ---- helpers ----------------------------------------------------------------
dbg() { debugfs -R "$1" "$2" 2>/dev/null; }
dbgw() { debugfs -w -R "$1" "$2" >/dev/null 2>&1; }
variant() { cp "$base" "$out/$1"; echo "$out/$1"; }
le16() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $((($1 >> 8) & 255)))"; }
le32() { le16 $(($1 & 65535)); le16 $((($1 >> 16) & 65535)); }
poke() { # IMAGE OFFSET: write stdin at OFFSET
    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
blk() { dbg "bmap $1 0" "$base" | tr -dc 0-9; }
ind() { dbg "stat $1" "$base" | sed -n "s/.*($2):\([0-9]*\).*/\1/p" | head -1; }

root=$(blk /)
sub=$(blk /sub)
indblk=$(ind /big IND)

# ---- superblock and group descriptors ------------------------------------------
le16 4660 | poke "$(variant bad-magic.img)" $((1024 + 56))
dbgw "ssv log_block_size 7" "$(variant bad-log-block-size.img)"
dbgw "ssv blocks_count 99999999" "$(variant bad-blocks-count.img)"
dbgw "ssv inodes_count 5" "$(variant bad-inodes-count.img)"
dbgw "ssv inode_size 100" "$(variant bad-inode-size.img)"
dbgw "ssv first_data_block 7" "$(variant bad-first-data-block.img)"
head -c 100K "$base" >"$out/truncated.img"
dbgw "set_bg 0 block_bitmap 999999" "$(variant gd-block-bitmap-outside.img)"
dbgw "set_bg 0 inode_bitmap 1" "$(variant gd-inode-bitmap-superblock.img)"
dbgw "set_bg 0 inode_table 250" "$(variant gd-inode-table-past-end.img)"
dbgw "set_bg 0 free_blocks_count 60000" "$(variant gd-bad-free-count.img)"
dbgw "sif <2> mode 0100644" "$(variant root-not-dir.img)"

# ---- block pointers ----------------------------------------------------------
dbgw "sif /hello block[0] 999999" "$(variant direct-outside.img)"
dbgw "sif /big block[IND] 999999" "$(variant ind-pointer-outside.img)"
le32 2147483647 | poke "$(variant ind-entry-outside.img)" $((indblk * 1024 + 8))
v=$(variant dind-outside.img)
dbgw "sif /big block[DIND] 4000000" "$v"
dbgw "sif /big size 1000000" "$v"
v=$(variant tind-outside.img)
dbgw "sif /big block[TIND] 4000000" "$v"
dbgw "sif /big size 90000000" "$v"
dbgw "sif /big block[3] 1" "$(variant direct-superblock.img)"

# ---- directories -------------------------------------------------------------
le16 0 | poke "$(variant dirent-reclen-zero.img)" $((root * 1024 + 4))
le16 13 | poke "$(variant dirent-reclen-unaligned.img)" $((root * 1024 + 4))
le16 2000 | poke "$(variant dirent-reclen-past-block.img)" $((root * 1024 + 16))
printf '\310' | poke "$(variant dirent-namelen-past-record.img)" $((sub * 1024 + 6))
le32 999999 | poke "$(variant dirent-inode-outside.img)" $((sub * 1024 + 24))
dbgw "sif /sub block[0] 0" "$(variant dir-hole.img)"
dbgw "sif /sub size 1000" "$(variant dir-size-partial.img)"
dbgw "link /sub /sub/deep/loop" "$(variant dir-loop-hardlink.img)"
deep_ino=$(dbg "stat /sub/deep" "$base" | sed -n 's/^Inode: *\([0-9]*\).*/\1/p')
deep=$(blk /sub/deep)
le32 "$deep_ino" | poke "$(variant dir-loop-dotdot.img)" $((deep * 1024 + 12))

# ---- symlinks ----------------------------------------------------------------
dbgw "sif /link size 200" "$(variant fast-symlink-too-long.img)"
v=$(variant symlink-loop.img)
dbgw "symlink /la lb" "$v"
dbgw "symlink /lb la" "$v"
