/* bench: the fs figures (apps/bench/fs.c). */
#ifndef BENCH_FS_H
#define BENCH_FS_H

void bench_fs(void);
void bench_fs_trace(void); /* "bench fstrace" */

#endif
