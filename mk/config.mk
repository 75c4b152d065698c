# Toolchains and flags shared by every fragment.

CROSS     ?= riscv64-unknown-elf-
CC_T      := $(CROSS)gcc
OBJCOPY_T := $(CROSS)objcopy
OBJDUMP_T := $(CROSS)objdump
NM_T      := $(CROSS)nm
HOSTCC    ?= gcc
CLANG     ?= clang

# rv64imac/lp64 is the picolibc multilib that links (toolchain.md, "-march trap").
ARCH_FLAGS := -march=rv64imac -misa-spec=2.2 -mabi=lp64 -mcmodel=medany
WARN       := -Wall -Wextra -Werror -Wno-unused-parameter
DEPFLAGS    = -MMD -MP

# Target C: freestanding kernel and user space, both over picolibc headers.
T_CFLAGS := $(ARCH_FLAGS) -std=gnu11 -O2 -g $(WARN) -ffunction-sections -fdata-sections \
            -fno-stack-protector -fno-pic -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
            --specs=picolibc.specs -Iinclude

# Host C: unit tests, host tools.
H_CFLAGS := -std=gnu11 -O1 -g $(WARN) -I. -Iinclude
CMOCKA_LIBS := -lcmocka

# QEMU machine, as DESIGN §2 describes.
QEMU       := qemu-system-riscv64
FW_JUMP    := /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
SMP        ?= 4
MEM        ?= 256M
QEMU_FLAGS  = -machine virt,aclint=on -smp $(SMP) -m $(MEM) -nographic -bios $(FW_JUMP) \
              -global virtio-mmio.force-legacy=false
