/* Programs on the disk (DESIGN §8): posix_spawn reads the ELF file through
 * the fs server, posix_spawnp looks for it along PATH first; both fall
 * back to the boot archive, where init and the boot servers live. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chime/proto/fs.h>

#include "spawn_file.h"

/* Largest program read from a file: as large as an image may be. */
#define SPAWN_FILE_MAX (64u << 20)

int spawn_file_read(const char *path, void **image, size_t *size)
{
    struct stat st;
    char *buf;
    size_t done = 0;
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        return errno;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return EACCES;
    }
    if (st.st_size <= 0 || (uint64_t)st.st_size > SPAWN_FILE_MAX) {
        close(fd);
        return ENOEXEC;
    }
    buf = malloc((size_t)st.st_size);
    if (buf == NULL) {
        close(fd);
        return ENOMEM;
    }
    while (done < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

        if (n <= 0) {
            int err = n < 0 ? errno : EIO;

            free(buf);
            close(fd);
            return err;
        }
        done += (size_t)n;
    }
    close(fd);
    *image = buf;
    *size = done;
    return 0;
}

int spawn_path_find(const char *file, char *out, size_t room)
{
    const char *path = getenv("PATH");
    size_t n = strlen(file);

    if (path == NULL)
        path = "/bin";
    while (*path != '\0') {
        const char *end = strchr(path, ':');
        size_t dir = end != NULL ? (size_t)(end - path) : strlen(path);
        struct stat st;

        /* An empty entry is the current directory. */
        if (dir + 1 + n + 1 <= room) {
            memcpy(out, dir > 0 ? path : ".", dir > 0 ? dir : 1);
            size_t at = dir > 0 ? dir : 1;
            out[at++] = '/';
            memcpy(out + at, file, n + 1);
            if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
                return 0;
        }
        path += dir;
        if (*path == ':')
            path++;
    }
    return ENOENT;
}
