/* libos: the directory entry types behind picolibc's <dirent.h> (whose own
 * sys/dirent.h is an #error for systems without directories). The
 * functions are declared by <dirent.h> and implemented over the fs server. */
#ifndef LIBOS_SYS_DIRENT_H
#define LIBOS_SYS_DIRENT_H

#include <sys/types.h>

struct dirent {
    ino_t d_ino;          /* file serial number */
    unsigned char d_type; /* DT_*, DT_UNKNOWN when not known */
    char d_name[256];     /* NUL-terminated name, at most NAME_MAX bytes */
};

/* An open directory stream (private to libos). */
typedef struct __libos_dir DIR;

#if __BSD_VISIBLE
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12
#endif

#endif
