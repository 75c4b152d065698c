/* ulib: the few helpers every userland program shares (sh, cat, ls, ...).
 *
 * Portable POSIX.1-2008 C only: the same file builds for the host (tests)
 * and for Chime over libos. Messages follow the usual form
 * "prog: what: reason", with the program name set once by ul_init. */
#ifndef USERLAND_ULIB_H
#define USERLAND_ULIB_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* The program name used as the prefix of every message. */
extern const char *ul_prog;

/* Sets the message prefix; call first in main. */
void ul_init(const char *name);

/* "prog: <formatted>\n" on stderr. */
void ul_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "prog: what: strerror(errno)\n" on stderr; errno is preserved. */
void ul_warn_errno(const char *what);

/* "usage: prog <synopsis>\n" on stderr, then exit(2). */
void ul_usage(const char *synopsis) __attribute__((noreturn));

/* Option scanner in the POSIX getopt style, without global state: options
 * are single letters grouped after one '-' ("-la"), a letter followed by ':'
 * in spec takes an argument ("-n 5" or "-n5"). Scanning stops at the first
 * operand, at "-" and after "--". */
struct ul_opts {
    int index;       /* next argv index; the first operand when done */
    const char *arg; /* the current option's argument */
    int pos;         /* position inside a group of letters */
};

/* Returns the next option letter, -1 when the options end, or '?' after
 * printing "prog: unknown option -x" / "prog: option -x needs an argument". */
int ul_getopt(struct ul_opts *o, int argc, char **argv, const char *spec);

/* Parses a whole decimal number (optional sign); 0 on success, -1 when s is
 * empty, has trailing garbage or overflows. */
int ul_parse_long(const char *s, long *out);

/* Writes all of buf to fd, retrying short writes and EINTR; 0 or -1. */
int ul_write_all(int fd, const void *buf, size_t len);

/* Joins dir and name with one '/' into a new string (malloc); NULL on ENOMEM. */
char *ul_path_join(const char *dir, const char *name);

/* The last component of path, ignoring trailing slashes, into a new string. */
char *ul_basename(const char *path);

/* Reads one line (with its '\n', if any) into *buf, growing it; the length,
 * or -1 at end of file or on error (ferror tells which). */
ssize_t ul_getline(char **buf, size_t *cap, FILE *f);

/* Opens an input operand: "-" is stdin. NULL after "prog: name: reason". */
FILE *ul_open_input(const char *name);

/* Closes what ul_open_input opened (never stdin). */
void ul_close_input(FILE *f);

/* A signal by name ("TERM", "SIGTERM", any case) or number; -1 if unknown. */
int ul_signal_number(const char *s);

/* Prints "number NAME" for each signal ul_signal_number knows by name. */
void ul_signal_list(FILE *f);

#endif
