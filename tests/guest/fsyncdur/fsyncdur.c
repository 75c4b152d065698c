/* fsyncdur: data that fsync covered survives a power cut (issue 12,
 * done-when 3). On a fresh ext2 disk it makes, each followed by the call
 * that should make it durable:
 *   /dur/a  a new file in a new directory, 1 MiB + 777 bytes of a pattern
 *           (byte i is (i * 131 + (i >> 12)) & 0xff), then fsync;
 *   /dur/b  a small new file, then fdatasync;
 *   /dur/c  written as /dur/c.tmp, fsync, renamed to /dur/c, then fsync of
 *           the directory /dur (the POSIX way to make a rename durable).
 * Then it prints `fsync-done a=SIZE b=SIZE c=SIZE`, leaves more dirty data
 * in /dur/late without syncing it, and sleeps: the case (KILL_AFTER) kills
 * QEMU at that line and tests/system/fsync_check.sh reads the image. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define A_SIZE ((1 << 20) + 777)
#define B_TEXT "durable small file\n"
#define C_TEXT "renamed into place, then the directory fsync'd\n"
#define CHUNK  65536

static int failures;

static void check(int ok, const char *what)
{
    printf("%s - fsyncdur: %s\n", ok ? "ok" : "not ok", what);
    if (!ok) {
        printf("# errno %s\n", strerror(errno));
        failures++;
    }
}

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int make_file(const char *path, const void *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);

    if (fd < 0)
        return -1;
    if (write_all(fd, data, n) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int main(void)
{
    static unsigned char a[A_SIZE];
    int fd, dir;

    for (size_t i = 0; i < A_SIZE; i++)
        a[i] = (unsigned char)((i * 131 + (i >> 12)) & 0xff);
    check(mkdir("/dur", 0755) == 0, "mkdir /dur");

    fd = open("/dur/a", O_WRONLY | O_CREAT | O_EXCL, 0644);
    check(fd >= 0, "create /dur/a");
    int ok = 1;
    for (size_t off = 0; off < A_SIZE && ok; off += CHUNK)
        ok = write_all(fd, a + off, A_SIZE - off < CHUNK ? A_SIZE - off : CHUNK) == 0;
    check(ok, "write 1 MiB + 777 bytes to /dur/a");
    check(fsync(fd) == 0, "fsync /dur/a");
    check(close(fd) == 0, "close /dur/a");

    fd = make_file("/dur/b", B_TEXT, strlen(B_TEXT));
    check(fd >= 0, "create and write /dur/b");
    check(fdatasync(fd) == 0, "fdatasync /dur/b");
    close(fd);

    fd = make_file("/dur/c.tmp", C_TEXT, strlen(C_TEXT));
    check(fd >= 0, "create and write /dur/c.tmp");
    check(fsync(fd) == 0, "fsync /dur/c.tmp");
    close(fd);
    check(rename("/dur/c.tmp", "/dur/c") == 0, "rename /dur/c.tmp to /dur/c");
    dir = open("/dur", O_RDONLY | O_DIRECTORY);
    check(dir >= 0 && fsync(dir) == 0, "fsync of the directory /dur");
    close(dir);

    printf("fsyncdur: %d failures\n", failures);
    printf("fsync-done a=%d b=%zu c=%zu\n", A_SIZE, strlen(B_TEXT), strlen(C_TEXT));
    fflush(stdout);
    /* Dirty data nobody synced: the cut may or may not keep it. */
    fd = open("/dur/late", O_WRONLY | O_CREAT, 0644);
    if (fd >= 0)
        write_all(fd, a, 4096);
    struct timespec ts = {.tv_sec = 1};
    for (;;)
        nanosleep(&ts, NULL);
}
