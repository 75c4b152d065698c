/* rmdir dir...: removes empty directories. Exit 1 if any could not be. */
#include <unistd.h>

#include <userland/ulib.h>

int main(int argc, char **argv)
{
    int status = 0;

    ul_init("rmdir");
    if (argc < 2)
        ul_usage("dir...");
    for (int i = 1; i < argc; i++) {
        if (rmdir(argv[i]) < 0) {
            ul_warn_errno(argv[i]);
            status = 1;
        }
    }
    return status;
}
