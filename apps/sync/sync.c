/* sync: asks the system to write every cached change to disk. sync() is
 * in POSIX's XSI option, hence _XOPEN_SOURCE. */
#define _XOPEN_SOURCE 700
#include <unistd.h>

int main(void)
{
    sync();
    return 0;
}
