/* table: separate chaining, FNV-1a hashes, doubling at load factor 1. */
#include "table.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_FIRST_SIZE 16

static uint32_t hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

int table_init(struct table *t)
{
    t->buckets = calloc(TABLE_FIRST_SIZE, sizeof(*t->buckets));
    if (!t->buckets)
        return -1;
    t->nbuckets = TABLE_FIRST_SIZE;
    t->nentries = 0;
    return 0;
}

/* Move every entry into a table twice as large; on failure keep the old one. */
static int table_grow(struct table *t)
{
    size_t n = t->nbuckets * 2;
    struct entry **b = calloc(n, sizeof(*b));
    if (!b)
        return -1;
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct entry *e = t->buckets[i];
        while (e) {
            struct entry *next = e->next;
            size_t slot = hash(e->word, strlen(e->word)) & (n - 1);
            e->next = b[slot];
            b[slot] = e;
            e = next;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
    return 0;
}

int table_add(struct table *t, const char *word, size_t len)
{
    struct entry **head = &t->buckets[hash(word, len) & (t->nbuckets - 1)];
    for (struct entry *e = *head; e; e = e->next) {
        if (strncmp(e->word, word, len) == 0 && e->word[len] == '\0') {
            e->count++;
            return 0;
        }
    }
    if (t->nentries >= t->nbuckets) {
        if (table_grow(t))
            return -1;
        head = &t->buckets[hash(word, len) & (t->nbuckets - 1)];
    }
    struct entry *e = malloc(sizeof(*e));
    char *copy = malloc(len + 1);
    if (!e || !copy) {
        free(e);
        free(copy);
        errno = ENOMEM;
        return -1;
    }
    memcpy(copy, word, len);
    copy[len] = '\0';
    *e = (struct entry){.word = copy, .count = 1, .next = *head};
    *head = e;
    t->nentries++;
    return 0;
}

static int by_count_then_word(const void *a, const void *b)
{
    const struct entry *x = *(const struct entry *const *)a;
    const struct entry *y = *(const struct entry *const *)b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->word, y->word);
}

struct entry **table_sorted(const struct table *t)
{
    struct entry **all = malloc((t->nentries ? t->nentries : 1) * sizeof(*all));
    size_t n = 0;
    if (!all)
        return NULL;
    for (size_t i = 0; i < t->nbuckets; i++)
        for (struct entry *e = t->buckets[i]; e; e = e->next)
            all[n++] = e;
    qsort(all, n, sizeof(*all), by_count_then_word);
    return all;
}

void table_free(struct table *t)
{
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct entry *e = t->buckets[i];
        while (e) {
            struct entry *next = e->next;
            free(e->word);
            free(e);
            e = next;
        }
    }
    free(t->buckets);
    t->buckets = NULL;
    t->nbuckets = t->nentries = 0;
}
