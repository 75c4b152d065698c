/* bench: console_write_line, an 80-byte line written to the console
 * through the server (DESIGN §7: target 1,500 guest instructions). The
 * figure is a write(1, line, 80) as a program makes it: libos's descriptor
 * table and console client, the IPC round trip, the console server's line
 * assembly and its UART transmit, counted on one hart, so every process on
 * the path is in it. */
#include <string.h>
#include <unistd.h>

#include "bench.h"

void bench_console_write_line(void)
{
    char line[80];
    uint64_t s[SAMPLES];

    memset(line, '.', sizeof(line));
    memcpy(line, "bench: an 80-byte console line ", 31);
    line[sizeof(line) - 1] = '\n';
    /* The first write connects to the console. */
    for (int i = 0; i < 10 + SAMPLES; i++) {
        uint64_t t0 = rdinstret();
        ssize_t r = write(1, line, sizeof(line));

        if (i >= 10)
            s[i - 10] = rdinstret() - t0;
        if (r != (ssize_t)sizeof(line)) {
            fail("console write", r);
            return;
        }
    }
    report("console_write_line", (double)median(s, SAMPLES), "insns", "<= 1500",
           "write(1, 80 bytes): libos, console server, UART");
}
