#include "batch_copy.h"

#include <stdlib.h>
#include <string.h>

size_t pv_batch_type_size(pivot_type t)
{
    switch (t) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_FLOAT32:
    case PIVOT_TYPE_ENUM:
        return 4;
    case PIVOT_TYPE_BOOL:
        return 1;
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
        return 8;
    case PIVOT_TYPE_STRING:
        return sizeof(const char *);
    case PIVOT_TYPE_BYTES:
        return sizeof(pivot_bytes);
    }
    return 8;
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* The mask of column k, or NULL: read only where the column may have one. */
static const uint8_t *mask_of(const pivot_batch *b, const int *nullable, size_t k)
{
    if (nullable == NULL || !nullable[k] || b->valid == NULL)
        return NULL;
    return b->valid[k];
}

/* Bytes one column takes in the buffer: its elements, then what they point to. */
static size_t column_need(const pivot_batch *b, size_t k, const uint8_t *mask)
{
    const pivot_column *c = &b->columns[k];
    size_t need = align8(b->count * pv_batch_type_size(c->type));

    if (c->type == PIVOT_TYPE_STRING) {
        const char *const *s = c->data;
        for (size_t r = 0; r < b->count; r++)
            need += (s[r] != NULL ? strlen(s[r]) : 0) + 1;
        need = align8(need);
    } else if (c->type == PIVOT_TYPE_BYTES) {
        const pivot_bytes *e = c->data;
        for (size_t r = 0; r < b->count; r++)
            need += e[r].len;
        need = align8(need);
    }
    if (mask != NULL)
        need += align8(b->count);
    return need;
}

static int reserve(pv_batch_copy *c, size_t need, size_t ncolumns)
{
    if (need > c->buf_cap) {
        unsigned char *grown = realloc(c->buf, need);
        if (grown == NULL)
            return PIVOT_ENOMEM;
        c->buf = grown;
        c->buf_cap = need;
    }
    if (ncolumns > c->columns_cap) {
        pivot_column *grown = realloc(c->columns, ncolumns * sizeof(*grown));
        if (grown == NULL)
            return PIVOT_ENOMEM;
        c->columns = grown;
        c->columns_cap = ncolumns;
    }
    if (ncolumns > c->valid_cap) {
        const uint8_t **grown = realloc(c->valid, ncolumns * sizeof(*grown));
        if (grown == NULL)
            return PIVOT_ENOMEM;
        c->valid = grown;
        c->valid_cap = ncolumns;
    }
    return 0;
}

/* Copies column k's elements at c->buf + off and returns the offset past them. */
static size_t copy_column(pv_batch_copy *c, const pivot_batch *b, size_t k, size_t off)
{
    const pivot_column *from = &b->columns[k];
    size_t bytes = b->count * pv_batch_type_size(from->type);
    unsigned char *at = c->buf + off;

    c->columns[k] = *from;
    c->columns[k].data = at;
    off += align8(bytes);
    if (from->type == PIVOT_TYPE_STRING) {
        const char *const *s = from->data;
        const char **to = (const char **)(void *)at;
        for (size_t r = 0; r < b->count; r++) {
            const char *text = s[r] != NULL ? s[r] : "";
            size_t len = strlen(text) + 1;
            memcpy(c->buf + off, text, len);
            to[r] = (const char *)c->buf + off;
            off += len;
        }
        return align8(off);
    }
    if (from->type == PIVOT_TYPE_BYTES) {
        const pivot_bytes *e = from->data;
        pivot_bytes *to = (pivot_bytes *)(void *)at;
        for (size_t r = 0; r < b->count; r++) {
            to[r].len = e[r].len;
            to[r].data = NULL;
            if (e[r].len > 0) {
                memcpy(c->buf + off, e[r].data, e[r].len);
                to[r].data = c->buf + off;
                off += e[r].len;
            }
        }
        return align8(off);
    }
    if (bytes > 0)
        memcpy(at, from->data, bytes);
    return off;
}

int pv_batch_copy_from(pv_batch_copy *c, const pivot_batch *b, const int *nullable)
{
    size_t need = align8(b->count * sizeof(int64_t)), off;
    int masked = 0;

    memset(&c->batch, 0, sizeof(c->batch));
    for (size_t k = 0; k < b->ncolumns; k++)
        need += column_need(b, k, mask_of(b, nullable, k));
    /* Never an empty buffer: the pointers below are taken into it even for no rows. */
    if (need == 0)
        need = 8;
    if (reserve(c, need, b->ncolumns) != 0)
        return PIVOT_ENOMEM;
    if (b->count > 0)
        memcpy(c->buf, b->time, b->count * sizeof(int64_t));
    off = align8(b->count * sizeof(int64_t));
    for (size_t k = 0; k < b->ncolumns; k++) {
        const uint8_t *mask = mask_of(b, nullable, k);
        off = copy_column(c, b, k, off);
        c->valid[k] = NULL;
        if (mask == NULL)
            continue;
        memcpy(c->buf + off, mask, b->count);
        c->valid[k] = c->buf + off;
        off += align8(b->count);
        masked = 1;
    }
    c->batch.size = sizeof(c->batch);
    c->batch.count = b->count;
    c->batch.time = (const int64_t *)(void *)c->buf;
    c->batch.ncolumns = b->ncolumns;
    c->batch.columns = c->columns;
    c->batch.valid = masked ? c->valid : NULL;
    return 0;
}

void pv_batch_copy_free(pv_batch_copy *c)
{
    free(c->buf);
    free(c->columns);
    free(c->valid);
    memset(c, 0, sizeof(*c));
}
