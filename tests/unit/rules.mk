# Host unit tests: cmocka programs built with the host compiler.
#
# To add a test, append its name and sources in any fragment (the rules for
# every name are made after all fragments are read: mk/unit-tests.mk and the
# Makefile):
#
#   UNIT_TESTS += test_frame
#   test_frame_SRCS := tests/unit/test_frame.c kernel/frame.c
#   test_frame_DATA := files the test reads, built before it runs (optional)
#   test_frame_ARGS := its command-line arguments, e.g. $(test_frame_DATA) (optional)
#
# Each test becomes build/host/tests/<name>, is part of `make` (ALL_TARGETS)
# and runs under `make test` (TEST_SUITES). cmocka prints TAP because make
# exports CMOCKA_MESSAGE_OUTPUT=TAP; the suite command starts with the binary
# so that scripts/test.sh names its log after the test.

# ---- this component's tests ---------------------------------------------
UNIT_TESTS += test_fdt test_cpio test_elf

test_fdt_SRCS := tests/unit/test_fdt.c platform/riscv/fdt.c platform/riscv/fdt_node.c
test_fdt_DATA := $(UNIT_BIN)/virt-smp1.dtb $(UNIT_BIN)/virt-smp4.dtb
test_fdt_ARGS := $(test_fdt_DATA)

test_cpio_SRCS := tests/unit/test_cpio.c lib/cpio.c

test_elf_SRCS := tests/unit/test_elf.c lib/elf.c


# DTBs that QEMU itself writes (dumpdtb), with a virtio disk, an initrd and
# bootargs, so /chosen and the virtio slots look as they do at boot.
UNIT_DTB_ARGS = -machine virt,aclint=on,dumpdtb=$@ -m 256M -nographic -bios $(FW_JUMP) \
                 -global virtio-mmio.force-legacy=false \
                 -drive file=$(UNIT_BIN)/fdt-disk.img,if=none,format=raw,id=hd0,readonly=on \
                 -device virtio-blk-device,drive=hd0 \
                 -kernel $(UNIT_BIN)/fdt-kernel.bin -initrd $(UNIT_BIN)/fdt-initrd.img \
                 -append "console=uart poweroff run=/bin/hello"

$(UNIT_BIN)/fdt-disk.img $(UNIT_BIN)/fdt-kernel.bin:
	@mkdir -p $(@D)
	head -c 65536 /dev/zero > $@

# 1000 bytes, so the test can check initrd_end - initrd_start.
$(UNIT_BIN)/fdt-initrd.img:
	@mkdir -p $(@D)
	head -c 1000 /dev/zero > $@

$(UNIT_BIN)/virt-smp%.dtb: $(UNIT_BIN)/fdt-disk.img $(UNIT_BIN)/fdt-kernel.bin \
                           $(UNIT_BIN)/fdt-initrd.img
	$(QEMU) $(UNIT_DTB_ARGS) -smp $* >/dev/null
