/* aiotest: what its files share. */
#ifndef AIOTEST_H
#define AIOTEST_H

#include <stddef.h>
#include <stdint.h>

#define CHUNK   4096
#define NCHUNK  64
#define BIGSIZE (64 * 1024)
#define FILESZ  (NCHUNK * CHUNK + 2 * BIGSIZE) /* the pattern file */
#define PATTERN "/aiotest/pattern"

void check(int ok, const char *what);
/* A call that must fail with err (r == -1, errno == err). */
void check_err(int r, int err, const char *what);
uint8_t pattern_at(uint64_t off);
int pattern_ok(const void *buf, uint64_t off, size_t n);
uint64_t now_ns(void);
/* Sleep long enough for a polling server to go to sleep (1 ms). */
void quiet(void);

void native_tests(int fd); /* native.c: libos/fsio.h */

#endif
