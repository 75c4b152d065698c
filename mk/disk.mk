# The disk a user boots with (DESIGN §8): DISK_IMAGE, an ext2 image of
# rootfs/ plus every program in /bin, made by scripts/mkdisk.sh.
#
#   make disk         make DISK_IMAGE if it is missing; otherwise replace
#                     only the programs in /bin that changed, saying which
#                     (rootfs/ is copied only into a new image)
#   make disk-reset   make it again from scratch: the user's files are lost
#
# For make run: depend on `disk`, then attach DISK_IMAGE as the virtio-blk
# disk. A QEMU that has the image open must not run while it is updated.

DISK_IMAGE      ?= $(BUILD)/disk.img
DISK_SIZE       ?= 64M
DISK_BLOCK_SIZE ?= 4096
DISK_ROOTFS     := rootfs
# The programs as the boot archive holds them (debug info stripped); the
# variables are set by later fragments, hence the second expansion.
DISK_PROGRAMS    = $(PROGRAMS:%=$(BUILD)/archive/%)
DISK_MKDISK      = sh scripts/mkdisk.sh -s $(DISK_SIZE) -b $(DISK_BLOCK_SIZE) -d $(DISK_ROOTFS) \
                   -t $(EXT2_TOOL)

.SECONDEXPANSION:
disk: $$(DISK_PROGRAMS) $$(EXT2_TOOL)
	@$(DISK_MKDISK) $(DISK_IMAGE) $(DISK_PROGRAMS)

disk-reset: $$(DISK_PROGRAMS) $$(EXT2_TOOL)
	@$(DISK_MKDISK) -r $(DISK_IMAGE) $(DISK_PROGRAMS)

.PHONY: disk disk-reset
