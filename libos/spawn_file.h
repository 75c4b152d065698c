/* Programs on the disk for posix_spawn and posix_spawnp (spawn_file.c). */
#ifndef LIBOS_SPAWN_FILE_H
#define LIBOS_SPAWN_FILE_H

#include <stddef.h>

/* Read the whole regular file at path into a new malloc'd buffer: 0 with
 * *image and *size, or an errno value (ENOENT, EACCES for what is not a
 * regular file, ENOEXEC for an empty or huge one, ...). */
int spawn_file_read(const char *path, void **image, size_t *size);

/* The first "dir/file" along $PATH (default "/bin") that names a regular
 * file, into out (room bytes): 0, or ENOENT. */
int spawn_path_find(const char *file, char *out, size_t room);

#endif
