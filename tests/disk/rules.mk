# The boot disk's host test (disk-test.sh): make disk, e2fsck, /bin, rootfs/,
# an update keeping the user's files, make disk-reset.

TEST_SUITES += 'sh tests/disk/disk-test.sh $(PROGRAMS)'
