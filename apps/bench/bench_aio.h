/* bench: the AIO figures (apps/bench/aio.c). */
#ifndef BENCH_AIO_H
#define BENCH_AIO_H

void bench_aio(void);

#endif
