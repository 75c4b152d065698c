/* A host block device over an image file, for the tool, tests and bench. */
#ifndef EXT2_FILEDEV_H
#define EXT2_FILEDEV_H

#include "ext2.h"

struct filedev {
    int fd;
    int fsync_on_flush; /* make flush an fsync (the tool); tests skip it for speed */
};

/* Open path (read-write if writable) and fill dev to reach it through fd.
 * Returns 0 or -1 with errno set. */
int filedev_open(struct filedev *fd, const char *path, int writable, struct ext2_blockdev *dev);
void filedev_close(struct filedev *fd);

#endif
