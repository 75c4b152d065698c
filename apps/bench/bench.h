/* bench: what the figure files (bench.c, console.c, ...) share. */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdint.h>

#define SAMPLES 101

/* Print "BENCH name value unit" and keep the figure for the table. */
void report(const char *name, double value, const char *unit, const char *target, const char *note);
void fail(const char *what, long err);
uint64_t median(uint64_t *v, int n);

static inline uint64_t rdinstret(void)
{
    uint64_t v;

    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

/* Figures of other files, run from main. */
void bench_console_write_line(void);
void bench_pipe_4k(void);
int bench_pipe_helper(void); /* the reader process of pipe_4k */
/* spawn.c: needs the rootfs disk */
void bench_spawn_exit_wait(void);

#endif
