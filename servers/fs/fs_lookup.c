/* Whole-path lookups (fs_server.h): the paths of the requests served
 * lately, each with the inode it resolved to, kept while no directory has
 * changed (ext2_names_gen). A repeated path then costs a hash and a compare
 * of a few words, not a walk of its names. The path copy s->path[i] is
 * 8-byte aligned and path_len[i] long, so both work on whole words
 * inside the copy. Only found inodes are kept; a miss
 * resolves through the library, which reports every error. */
#include <string.h>

#include "fs_server.h"

typedef uint64_t __attribute__((may_alias)) word_t;

/* The path's words in w (the last one zero-padded); returns the hash. */
static uint64_t path_words(const char *path, uint32_t len, uint64_t *w)
{
    const word_t *pw = __builtin_assume_aligned(path, 8);
    uint32_t n = len / 8, tail = len % 8;
    uint64_t h = len;

    for (uint32_t i = 0; i < n; i++) {
        w[i] = pw[i];
        h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
    }
    if (tail) {
        /* The word holding the tail lies inside the copy (FS_PATH_MAX
         * bytes, aligned); the bytes past the NUL are masked off. */
        uint64_t t = pw[n] & ((1ull << (8 * tail)) - 1);

        w[n] = t;
        h = (h ^ t) * 0x9e3779b97f4a7c15ull;
    }
    return h ^ (h >> 29);
}

long fs_lookup(struct fs_server *s, int i, int follow, uint32_t *ino)
{
    uint32_t len = s->path_len[i], words = (len + 7) / 8, gen = ext2_names_gen(s->fs) + 1;
    uint64_t w[FS_PCACHE_WORDS];
    struct fs_pentry *e;
    long r;

    if (len > 8 * FS_PCACHE_WORDS || gen == 0)
        return ext2_lookup(s->fs, s->path[i], follow, ino);
    e = &s->pcache[path_words(s->path[i], len, w) % FS_PCACHE_SLOTS];
    if (e->gen == gen && e->len == len && e->follow == (uint32_t)(follow != 0)) {
        uint32_t k = 0;

        while (k < words && e->w[k] == w[k])
            k++;
        if (k == words) {
            *ino = e->ino;
            return 0;
        }
    }
    r = ext2_lookup(s->fs, s->path[i], follow, ino);
    if (r == 0 && ext2_names_gen(s->fs) + 1 == gen) {
        e->gen = gen;
        e->ino = *ino;
        e->len = len;
        e->follow = follow != 0;
        memcpy(e->w, w, 8 * words);
    }
    return r;
}
