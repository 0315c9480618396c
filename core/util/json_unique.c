#include "json_unique.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Objects up to this size are compared pairwise; larger ones are sorted. */
#define PAIRWISE_MAX 16

/* A member's name and its place in the object, for sorting. */
typedef struct named {
    const char *key;
    size_t index;
} named;

static int by_key(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* The index of the first member of obj whose name an earlier member already
 * has, or obj's length when there is none. Sorting is O(n log n) for the
 * large objects a client may send; without memory, pairs are compared. */
static size_t first_repeat(yajl_val obj)
{
    const char **keys = obj->u.object.keys;
    size_t n = obj->u.object.len, found = n;
    named *sorted = NULL;

    if (n > PAIRWISE_MAX)
        sorted = malloc(n * sizeof(*sorted));
    if (sorted == NULL) {
        for (size_t j = 1; j < n && found == n; j++)
            for (size_t i = 0; i < j && found == n; i++)
                if (strcmp(keys[i], keys[j]) == 0)
                    found = j;
        return found;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = (named){keys[i], i};
    qsort(sorted, n, sizeof(*sorted), by_key);
    /* Equal names sort by place, so the later of each adjacent pair repeats. */
    for (size_t i = 1; i < n; i++)
        if (strcmp(sorted[i - 1].key, sorted[i].key) == 0 && sorted[i].index < found)
            found = sorted[i].index;
    free(sorted);
    return found;
}

/* Walks v with path[0..used) naming it. */
static int walk(yajl_val v, char *path, size_t pathlen, size_t used)
{
    size_t n, at;

    if (v == NULL)
        return 0;
    if (YAJL_IS_OBJECT(v)) {
        n = v->u.object.len;
        if ((at = first_repeat(v)) < n) {
            snprintf(path + used, pathlen - used, "%s%s", used ? "." : "", v->u.object.keys[at]);
            return 1;
        }
        for (size_t i = 0; i < n; i++) {
            int w =
                snprintf(path + used, pathlen - used, "%s%s", used ? "." : "", v->u.object.keys[i]);
            size_t next = w < 0 ? used : used + (size_t)w;
            if (walk(v->u.object.values[i], path, pathlen, next < pathlen ? next : pathlen - 1))
                return 1;
        }
    } else if (YAJL_IS_ARRAY(v)) {
        for (size_t i = 0; i < v->u.array.len; i++) {
            int w = snprintf(path + used, pathlen - used, "[%zu]", i);
            size_t next = w < 0 ? used : used + (size_t)w;
            if (walk(v->u.array.values[i], path, pathlen, next < pathlen ? next : pathlen - 1))
                return 1;
        }
    }
    path[used] = '\0';
    return 0;
}

int pv_json_find_duplicate(yajl_val v, char *path, size_t pathlen)
{
    if (pathlen == 0)
        return 0;
    path[0] = '\0';
    return walk(v, path, pathlen, 0);
}
