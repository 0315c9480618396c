/* Batch buffers, reused from one sink call to the next. */
#include "batch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int pva_batch_init(pva_batch *b, const char *const *names, size_t n)
{
    memset(b, 0, sizeof(*b));
    b->ncolumns = n;
    b->time = malloc(PVA_BATCH_CAPACITY * sizeof(*b->time));
    b->columns = calloc(n ? n : 1, sizeof(*b->columns));
    b->out = calloc(n ? n : 1, sizeof(*b->out));
    if (b->time == NULL || b->columns == NULL || b->out == NULL)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        /* Eight bytes hold every element type: int64, double and a string pointer. */
        b->columns[i].values = malloc(PVA_BATCH_CAPACITY * 8);
        if (b->columns[i].values == NULL)
            goto fail;
        b->columns[i].type = PIVOT_TYPE_FLOAT64;
        b->out[i].name = names[i];
    }
    return 0;
fail:
    pva_batch_free(b);
    return PIVOT_ENOMEM;
}

int pva_batch_set_type(pva_batch *b, size_t col, pivot_type type)
{
    pva_batch_column *c = &b->columns[col];

    c->type = type;
    if (type == PIVOT_TYPE_STRING && c->str_offsets == NULL) {
        c->str_offsets = malloc(PVA_BATCH_CAPACITY * sizeof(*c->str_offsets));
        if (c->str_offsets == NULL)
            return PIVOT_ENOMEM;
    }
    return 0;
}

int pva_batch_put_string(pva_batch *b, size_t col, size_t row, const char *s, size_t len)
{
    if (len + 1 > b->arena_cap - b->arena_len) {
        size_t ncap = b->arena_cap ? b->arena_cap : 64 * 1024;
        char *grown;

        while (len + 1 > ncap - b->arena_len)
            ncap *= 2;
        grown = realloc(b->arena, ncap);
        if (grown == NULL)
            return PIVOT_ENOMEM;
        b->arena = grown;
        b->arena_cap = ncap;
    }
    /* Offsets, not pointers: the arena may move while the batch fills. */
    memcpy(b->arena + b->arena_len, s, len);
    b->arena[b->arena_len + len] = '\0';
    b->columns[col].str_offsets[row] = b->arena_len;
    b->arena_len += len + 1;
    return 0;
}

int pva_batch_fill(pva_batch *b, size_t col, size_t row)
{
    void *values = b->columns[col].values;

    switch (b->columns[col].type) {
    case PIVOT_TYPE_INT32:
        ((int32_t *)values)[row] = 0;
        break;
    case PIVOT_TYPE_INT64:
        ((int64_t *)values)[row] = 0;
        break;
    case PIVOT_TYPE_FLOAT32:
        ((float *)values)[row] = NAN;
        break;
    case PIVOT_TYPE_FLOAT64:
        ((double *)values)[row] = NAN;
        break;
    case PIVOT_TYPE_BOOL:
        ((uint8_t *)values)[row] = 0;
        break;
    case PIVOT_TYPE_STRING:
        return pva_batch_put_string(b, col, row, "", 0);
    }
    return 0;
}

int pva_batch_flush(pva_batch *b, const pivot_scan_sink *sink)
{
    pivot_batch batch;
    int rc;

    if (b->count == 0)
        return 0;
    for (size_t i = 0; i < b->ncolumns; i++) {
        pva_batch_column *c = &b->columns[i];

        if (c->type == PIVOT_TYPE_STRING) {
            const char **ptrs = c->values;
            for (size_t r = 0; r < b->count; r++)
                ptrs[r] = b->arena + c->str_offsets[r];
        }
        b->out[i].type = c->type;
        b->out[i].data = c->values;
    }
    batch.count = b->count;
    batch.time = b->time;
    batch.ncolumns = b->ncolumns;
    batch.columns = b->out;
    rc = sink->batch(sink->arg, &batch);
    b->count = 0;
    b->arena_len = 0;
    return rc;
}

void pva_batch_free(pva_batch *b)
{
    if (b->columns != NULL) {
        for (size_t i = 0; i < b->ncolumns; i++) {
            free(b->columns[i].values);
            free(b->columns[i].str_offsets);
        }
    }
    free(b->columns);
    free(b->out);
    free(b->time);
    free(b->arena);
    memset(b, 0, sizeof(*b));
}
