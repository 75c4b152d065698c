/* One fuzz iteration over an ext2 image, shared by the libFuzzer entry
 * point and the fixed-corpus runner. */
#ifndef FUZZ_EXT2_H
#define FUZZ_EXT2_H

#include <stddef.h>
#include <stdint.h>

/* What one iteration saw. */
struct fuzz_result {
    unsigned errors; /* error codes returned by the library */
    int mount_failed;
    char first[200]; /* the first error and its detail */
};

/* Mount a copy of the image, walk, read and modify it; returns errors seen. */
int fuzz_ext2_one(const uint8_t *data, size_t size, struct fuzz_result *res);

#endif
