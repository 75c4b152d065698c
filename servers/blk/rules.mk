# servers/blk (the virtio-blk driver) is built by mk/programs.mk like every
# program; this fragment lists the blk work's files for format and lint.
BLK_SOURCES := $(wildcard servers/blk/*.c apps/blktest/*.c) servers/init/virtio_probe.c kernel/dma.c
FORMAT_SOURCES += $(BLK_SOURCES) $(wildcard servers/blk/*.h apps/blktest/*.h) \
                  servers/init/virtio_probe.h kernel/dma.h
LINT_SOURCES += $(BLK_SOURCES)
