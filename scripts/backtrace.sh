#!/bin/sh
# Turn the addresses of a kernel panic backtrace into function names and lines:
#   scripts/backtrace.sh 0xffffffc080201234 0xffffffc0802056f8 ...
exec riscv64-unknown-elf-addr2line -e "${KERNEL_ELF:-build/kernel.elf}" -f -p -C "$@"
