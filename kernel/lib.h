/* Small helpers every kernel file uses: branch hints, intrusive lists,
 * alignment, and the kernel's printf. */
#ifndef KERNEL_LIB_H
#define KERNEL_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define likely(x)                     __builtin_expect(!!(x), 1)
#define unlikely(x)                   __builtin_expect(!!(x), 0)
#define noreturn                      __attribute__((__noreturn__))
#define ARRAY_SIZE(a)                 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)                (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a)              ((x) & ~((uint64_t)(a)-1))
#define MIN(a, b)                     ((a) < (b) ? (a) : (b))
#define MAX(a, b)                     ((a) > (b) ? (a) : (b))
#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

/* Doubly-linked intrusive list with a sentinel head. */
struct list {
    struct list *prev, *next;
};

static inline void list_init(struct list *l)
{
    l->prev = l->next = l;
}

static inline bool list_empty(const struct list *l)
{
    return l->next == l;
}

static inline void list_insert_after(struct list *pos, struct list *n)
{
    n->prev = pos;
    n->next = pos->next;
    pos->next->prev = n;
    pos->next = n;
}

static inline void list_push_back(struct list *l, struct list *n)
{
    list_insert_after(l->prev, n);
}

static inline void list_push_front(struct list *l, struct list *n)
{
    list_insert_after(l, n);
}

/* Unlink n and leave it self-linked, so removing twice is harmless. */
static inline void list_remove(struct list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = n;
}

#define list_for_each_safe(pos, tmp, head)                                                         \
    for (pos = (head)->next, tmp = pos->next; pos != (head); pos = tmp, tmp = pos->next)

/* printk.c */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, size_t n);

#define assert(c)                                                                                  \
    do {                                                                                           \
        if (unlikely(!(c)))                                                                        \
            panic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__);                         \
    } while (0)

#endif
