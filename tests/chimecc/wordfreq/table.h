/* table: words and how often each was seen, in a hash table that grows. */
#ifndef WORDFREQ_TABLE_H
#define WORDFREQ_TABLE_H

#include <stddef.h>

struct entry {
    char *word;
    unsigned long count;
    struct entry *next;
};

struct table {
    struct entry **buckets;
    size_t nbuckets; /* a power of two */
    size_t nentries;
};

/* An empty table. Returns 0, or -1 with errno set. */
int table_init(struct table *t);

/* Count one more occurrence of the len bytes at word. Returns 0, or -1 with
 * errno set (the table is unchanged then). */
int table_add(struct table *t, const char *word, size_t len);

/* Every entry, most frequent first, ties in byte order of the word; a
 * malloc'd array of t->nentries pointers the caller frees (the entries stay
 * the table's). NULL with errno set when out of memory. */
struct entry **table_sorted(const struct table *t);

/* Free every entry and the buckets. */
void table_free(struct table *t);

#endif
