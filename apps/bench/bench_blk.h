/* bench: the blk figures (apps/bench/blk.c). */
#ifndef BENCH_BLK_H
#define BENCH_BLK_H

void bench_blk(void (*report)(const char *, double, const char *, const char *, const char *));

#endif
