/* Entry points around fuzz_ext2_one: libFuzzer's, or (with CORPUS_MAIN) a
 * runner that replays image files and prints one TAP line per image. A
 * corrupt image passes when the library reported at least one error and
 * nothing crashed; a clean one (name starting "ok-") when none did. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ext2.h"

#ifndef CORPUS_MAIN

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_result res;
    fuzz_ext2_one(data, size, &res);
    return 0;
}

#else

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    *size = fread(buf, 1, (size_t)(n > 0 ? n : 0), f);
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        size_t size;
        struct fuzz_result res;
        const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        uint8_t *data = slurp(argv[i], &size);
        if (!data) {
            printf("not ok - %s: cannot read\n", name);
            failed = 1;
            continue;
        }
        fuzz_ext2_one(data, size, &res);
        free(data);
        int clean = strncmp(name, "ok-", 3) == 0;
        int pass = clean ? res.errors == 0 : res.errors > 0;
        printf("%s - corpus %s: %u errors%s%s\n", pass ? "ok" : "not ok", name, res.errors,
               res.errors ? "; first: " : "", res.first);
        failed |= !pass;
    }
    return failed;
}

#endif
