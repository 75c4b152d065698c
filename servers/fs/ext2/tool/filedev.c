/* A host block device over an image file, for the tool, tests and bench. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filedev.h"

static int filedev_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    struct filedev *fd = ctx;
    size_t len = (size_t)count * EXT2_SECTOR_SIZE;
    ssize_t n = pread(fd->fd, buf, len, (off_t)(sector * EXT2_SECTOR_SIZE));
    return n == (ssize_t)len ? 0 : EXT2_EIO;
}

static int filedev_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    struct filedev *fd = ctx;
    size_t len = (size_t)count * EXT2_SECTOR_SIZE;
    ssize_t n = pwrite(fd->fd, buf, len, (off_t)(sector * EXT2_SECTOR_SIZE));
    return n == (ssize_t)len ? 0 : EXT2_EIO;
}

static int filedev_flush(void *ctx)
{
    struct filedev *fd = ctx;
    if (fd->fsync_on_flush && fsync(fd->fd))
        return EXT2_EIO;
    return 0;
}

int filedev_open(struct filedev *fd, const char *path, int writable, struct ext2_blockdev *dev)
{
    struct stat st;
    fd->fd = open(path, writable ? O_RDWR : O_RDONLY);
    if (fd->fd < 0)
        return -1;
    if (fstat(fd->fd, &st)) {
        close(fd->fd);
        return -1;
    }
    dev->ctx = fd;
    dev->sectors = (uint64_t)st.st_size / EXT2_SECTOR_SIZE;
    dev->read = filedev_read;
    dev->write = filedev_write;
    dev->flush = filedev_flush;
    return 0;
}

void filedev_close(struct filedev *fd)
{
    close(fd->fd);
}
