/* ls [-1al] [file...]: lists directories (their entries, sorted by name) and
 * names files, one per line. -a: include names starting with '.'; -l: long
 * format, "mode links uid gid size date name [-> target]" (ids are numbers).
 * Exit 0, or 1 if an operand or directory could not be read. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <userland/ulib.h>

static int show_all, long_format;

/* "drwxr-xr-x" for a mode. */
static void mode_string(mode_t m, char out[11])
{
    out[0] = S_ISDIR(m)    ? 'd'
             : S_ISLNK(m)  ? 'l'
             : S_ISCHR(m)  ? 'c'
             : S_ISBLK(m)  ? 'b'
             : S_ISFIFO(m) ? 'p'
             : S_ISSOCK(m) ? 's'
                           : '-';
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
    if (m & S_ISUID)
        out[3] = (m & S_IXUSR) ? 's' : 'S';
    if (m & S_ISGID)
        out[6] = (m & S_IXGRP) ? 's' : 'S';
    if (m & 01000) /* the sticky bit: S_ISVTX is XSI, not base POSIX */
        out[9] = (m & S_IXOTH) ? 't' : 'T';
    out[10] = '\0';
}

/* Prints one entry; path is where it is, name what to show. */
static int print_entry(const char *path, const char *name)
{
    struct stat st;
    char mode[11], date[32];

    if (!long_format) {
        printf("%s\n", name);
        return 0;
    }
    if (lstat(path, &st) < 0) {
        ul_warn_errno(path);
        return -1;
    }
    mode_string(st.st_mode, mode);
    struct tm *tm = localtime(&st.st_mtime);
    if (tm == NULL || strftime(date, sizeof(date), "%b %e %H:%M", tm) == 0)
        strcpy(date, "?");
    printf("%s %3lu %4lu %4lu %8lld %s %s", mode, (unsigned long)st.st_nlink,
           (unsigned long)st.st_uid, (unsigned long)st.st_gid, (long long)st.st_size, date, name);
    if (S_ISLNK(st.st_mode)) {
        char target[1024];
        ssize_t n = readlink(path, target, sizeof(target) - 1);
        if (n >= 0) {
            target[n] = '\0';
            printf(" -> %s", target);
        }
    }
    putchar('\n');
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int status = 0;

    if (d == NULL) {
        ul_warn_errno(dir);
        return -1;
    }
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && !show_all)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **p = realloc(names, cap * sizeof(char *));
            if (p == NULL)
                break;
            names = p;
        }
        names[n] = strdup(e->d_name);
        if (names[n] != NULL)
            n++;
    }
    if (errno != 0) {
        ul_warn_errno(dir);
        status = -1;
    }
    closedir(d);
    if (n > 0) /* qsort wants a real array, even for none */
        qsort(names, n, sizeof(char *), name_cmp);
    for (size_t i = 0; i < n; i++) {
        char *path = ul_path_join(dir, names[i]);
        if (path == NULL || print_entry(path, names[i]) < 0)
            status = -1;
        free(path);
        free(names[i]);
    }
    free(names);
    return status;
}

int main(int argc, char **argv)
{
    struct ul_opts o = {0};
    int c, status = 0;

    ul_init("ls");
    while ((c = ul_getopt(&o, argc, argv, "1al")) != -1) {
        if (c == 'a')
            show_all = 1;
        else if (c == 'l')
            long_format = 1;
        else if (c == '?')
            ul_usage("[-1al] [file...]");
    }
    if (o.index == argc)
        return list_dir(".") < 0;

    /* Files first, then each directory under a heading if there are several. */
    int nops = argc - o.index, ndirs = 0;
    for (int i = o.index; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0 && lstat(argv[i], &st) < 0) {
            ul_warn_errno(argv[i]);
            status = 1;
            argv[i] = NULL;
        } else if (S_ISDIR(st.st_mode)) {
            ndirs++;
        } else {
            status |= print_entry(argv[i], argv[i]) < 0;
            argv[i] = NULL;
        }
    }
    int shown = nops - ndirs;
    for (int i = o.index; i < argc; i++) {
        if (argv[i] == NULL)
            continue;
        if (nops > 1)
            printf("%s%s:\n", shown++ > 0 ? "\n" : "", argv[i]);
        status |= list_dir(argv[i]) < 0;
    }
    return status;
}
