/* wordfreq: count the words of its arguments, or of standard input when it
 * has none, and print the most frequent ones.
 *
 *   wordfreq [-i] [-n TOP] [TEXT...]
 *
 * A word is a run of letters, digits and apostrophes; -i folds case. The
 * output is up to TOP lines "COUNT WORD" (default 10), most frequent first,
 * then "N words, M distinct, entropy E bits". Exit status 0, 1 after a read
 * or memory error, 2 after a usage error. An ordinary POSIX program: nothing
 * in it knows about Chime (tests/chimecc builds it with chime-cc). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "table.h"

#define READ_CHUNK 4096

static int is_word_char(int c)
{
    return isalnum(c) || c == '\'';
}

/* Add every word of text[0, len) to t, lower-casing it first if fold.
 * Returns 0, or -1 with errno set. */
static int count_text(struct table *t, char *text, size_t len, int fold)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && !is_word_char((unsigned char)text[i]))
            i++;
        size_t start = i;
        for (; i < len && is_word_char((unsigned char)text[i]); i++)
            if (fold)
                text[i] = (char)tolower((unsigned char)text[i]);
        if (i > start && table_add(t, text + start, i - start))
            return -1;
    }
    return 0;
}

/* All of standard input in one malloc'd buffer; NULL with errno set. */
static char *read_all(int fd, size_t *len)
{
    size_t cap = READ_CHUNK, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger)
                break;
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r == 0) {
            *len = n;
            return buf;
        }
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0)
            n += (size_t)r;
    }
    free(buf);
    return NULL;
}

/* Shannon entropy, in bits, of the words' distribution. */
static double entropy(struct entry **all, size_t n, unsigned long total)
{
    double h = 0;
    for (size_t i = 0; i < n; i++) {
        double p = (double)all[i]->count / (double)total;
        h -= p * log2(p);
    }
    return h;
}

static int report(const struct table *t, long top)
{
    struct entry **all = table_sorted(t);
    unsigned long total = 0;
    if (!all)
        return -1;
    for (size_t i = 0; i < t->nentries; i++)
        total += all[i]->count;
    for (size_t i = 0; i < t->nentries && (long)i < top; i++)
        printf("%lu %s\n", all[i]->count, all[i]->word);
    printf("%lu words, %zu distinct, entropy %.3f bits\n", total, t->nentries,
           total ? entropy(all, t->nentries, total) : 0.0);
    free(all);
    return fflush(stdout) == 0 ? 0 : -1;
}

static void usage(void)
{
    fprintf(stderr, "usage: wordfreq [-i] [-n TOP] [TEXT...]\n");
}

int main(int argc, char **argv)
{
    long top = 10;
    int fold = 0, opt;
    while ((opt = getopt(argc, argv, "in:")) != -1) {
        char *end;
        switch (opt) {
        case 'i':
            fold = 1;
            break;
        case 'n':
            errno = 0;
            top = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || top <= 0) {
                fprintf(stderr, "wordfreq: -n wants a positive number, not '%s'\n", optarg);
                return 2;
            }
            break;
        default:
            usage();
            return 2;
        }
    }

    struct table t;
    if (table_init(&t)) {
        perror("wordfreq");
        return 1;
    }
    int err = 0;
    if (optind < argc) {
        for (int i = optind; i < argc && !err; i++)
            err = count_text(&t, argv[i], strlen(argv[i]), fold);
    } else {
        size_t len = 0;
        char *text = read_all(STDIN_FILENO, &len);
        err = text ? count_text(&t, text, len, fold) : -1;
        free(text);
    }
    if (err || report(&t, top)) {
        perror("wordfreq");
        table_free(&t);
        return 1;
    }
    table_free(&t);
    return 0;
}
