# servers/blk (the virtio-blk driver) is built by mk/programs.mk like every
# program; this fragment lists the blk work's files for format and lint.
BLK_SOURCES := $(wildcard servers/blk/*.c tests/guest/blktest/*.c) servers/init/virtio_probe.c kernel/dma.c
