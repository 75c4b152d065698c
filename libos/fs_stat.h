/* Small helpers shared by the file calls of libos (fs_file.c, fs_path.c,
 * dirent.c). */
#ifndef LIBOS_FS_STAT_H
#define LIBOS_FS_STAT_H

#include <sys/stat.h>

#include <chime/proto/fs.h>

/* The POSIX form of a server's struct fs_stat. */
static inline void fs_stat_to_posix(const struct fs_stat *f, struct stat *st)
{
    *st = (struct stat){0};
    st->st_dev = f->dev;
    st->st_ino = (ino_t)f->ino;
    st->st_mode = f->mode;
    st->st_nlink = f->nlink;
    st->st_uid = f->uid;
    st->st_gid = f->gid;
    st->st_size = (off_t)f->size;
    st->st_blksize = f->blksize;
    st->st_blocks = (blkcnt_t)f->blocks;
    st->st_atime = (time_t)f->atime;
    st->st_mtime = (time_t)f->mtime;
    st->st_ctime = (time_t)f->ctime;
}

/* The process's file-creation mask (umask), applied by open and mkdir. */
mode_t fs_umask(void);

/* Collapse "//", "." and ".." in an absolute path, in place (lexically: the
 * cwd is kept as the path that reached it, as a shell's logical pwd). */
void fs_normalize(char *path);

#endif
