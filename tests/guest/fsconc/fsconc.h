/* fsconc: file-system concurrency and full-disk tests (issue 12, done-when
 * 1). One program, several roles chosen by argv[1]: the parent spawns
 * itself as children (posix_spawn) in the other roles. */
#ifndef FSCONC_H
#define FSCONC_H

#include <stddef.h>
#include <stdint.h>

#define DIR_C    "/c"
#define LOG_PATH "/c/log"

extern int failures;

/* A TAP line; a failure counts. */
void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* FNV-1a, 32 bits. */
uint32_t fnv32(uint32_t h, const void *p, size_t n);
#define FNV32_START 2166136261u

/* A small deterministic generator (splitmix64). */
uint64_t mix64(uint64_t x);

/* Spawn this program with args (NULL-terminated after argv[0]); the pid or
 * -1. */
int spawn_self(char *const argv[]);
/* Wait for pid; its exit status, or -1. */
int wait_status(int pid);

/* Appenders: write records to LOG_PATH with O_APPEND and the same records
 * to /c/own.W (W the writer id) at their own offsets. */
int append_main(int id, int records, int threads);
/* The parent's check of LOG_PATH and the own files after the appenders. */
void append_verify(int procs, int records, int threads);

/* Rename atomicity: the renamer puts versions over /c/target, the reader
 * opens it in a loop. */
int renamer_main(int versions);
int reader_main(void);
void rename_setup(void);
void rename_verify(int versions);

/* Sparse files over every block-map level (fsconc full runs it first). */
void sparse_test(void);

/* The full-disk test on its own small disk. */
int full_main(void);

#endif
