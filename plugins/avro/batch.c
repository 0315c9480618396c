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
        /* Eight bytes hold most element types: int64, double and a string pointer. */
        b->columns[i].values = malloc(PVA_BATCH_CAPACITY * 8);
        if (b->columns[i].values == NULL)
            goto fail;
        b->columns[i].width = 8;
        b->columns[i].type = PIVOT_TYPE_FLOAT64;
        b->out[i].name = names[i];
    }
    return 0;
fail:
    pva_batch_free(b);
    return PIVOT_ENOMEM;
}

int pva_batch_set_nullable(pva_batch *b, size_t col)
{
    pva_batch_column *c = &b->columns[col];

    if (b->valid == NULL) {
        b->valid = calloc(b->ncolumns, sizeof(*b->valid));
        if (b->valid == NULL)
            return PIVOT_ENOMEM;
    }
    if (c->valid == NULL) {
        c->valid = malloc(PVA_BATCH_CAPACITY);
        if (c->valid == NULL)
            return PIVOT_ENOMEM;
    }
    b->valid[col] = c->valid;
    return 0;
}

int pva_batch_set_type(pva_batch *b, size_t col, pivot_type type)
{
    pva_batch_column *c = &b->columns[col];

    c->type = type;
    if (type == PIVOT_TYPE_BYTES && c->width < sizeof(pivot_bytes)) {
        void *wider = malloc(PVA_BATCH_CAPACITY * sizeof(pivot_bytes));
        if (wider == NULL)
            return PIVOT_ENOMEM;
        free(c->values);
        c->values = wider;
        c->width = sizeof(pivot_bytes);
    }
    if ((type == PIVOT_TYPE_STRING || type == PIVOT_TYPE_BYTES) && c->str_offsets == NULL) {
        c->str_offsets = malloc(PVA_BATCH_CAPACITY * sizeof(*c->str_offsets));
        if (c->str_offsets == NULL)
            return PIVOT_ENOMEM;
    }
    return 0;
}

/* Makes room for `len` more bytes in the arena. Returns 0 or PIVOT_ENOMEM. */
static int arena_reserve(pva_batch *b, size_t len)
{
    size_t ncap;
    uint8_t *grown;

    if (len <= b->arena_cap - b->arena_len)
        return 0;
    ncap = b->arena_cap ? b->arena_cap : 64 * 1024;
    while (len > ncap - b->arena_len)
        ncap *= 2;
    grown = realloc(b->arena, ncap);
    if (grown == NULL)
        return PIVOT_ENOMEM;
    b->arena = grown;
    b->arena_cap = ncap;
    return 0;
}

int pva_batch_put_string(pva_batch *b, size_t col, size_t row, const char *s, size_t len)
{
    if (arena_reserve(b, len + 1) != 0)
        return PIVOT_ENOMEM;
    /* Offsets, not pointers: the arena may move while the batch fills. */
    memcpy(b->arena + b->arena_len, s, len);
    b->arena[b->arena_len + len] = '\0';
    b->columns[col].str_offsets[row] = b->arena_len;
    b->arena_len += len + 1;
    return 0;
}

int pva_batch_put_bytes(pva_batch *b, size_t col, size_t row, const uint8_t *data, size_t len)
{
    if (arena_reserve(b, len) != 0)
        return PIVOT_ENOMEM;
    if (len > 0)
        memcpy(b->arena + b->arena_len, data, len);
    b->columns[col].str_offsets[row] = b->arena_len;
    ((pivot_bytes *)b->columns[col].values)[row].len = len;
    b->arena_len += len;
    return 0;
}

int pva_batch_fill(pva_batch *b, size_t col, size_t row)
{
    pva_batch_column *c = &b->columns[col];
    void *values = c->values;

    if (c->valid != NULL)
        c->valid[row] = 0;
    switch (c->type) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_ENUM:
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
    case PIVOT_TYPE_BYTES:
        return pva_batch_put_bytes(b, col, row, NULL, 0);
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

        /* The arena is complete now: offsets become pointers. */
        if (c->type == PIVOT_TYPE_STRING) {
            const char **ptrs = c->values;
            for (size_t r = 0; r < b->count; r++)
                ptrs[r] = (const char *)b->arena + c->str_offsets[r];
        } else if (c->type == PIVOT_TYPE_BYTES) {
            pivot_bytes *bytes = c->values;
            for (size_t r = 0; r < b->count; r++)
                bytes[r].data = b->arena != NULL ? b->arena + c->str_offsets[r] : NULL;
        }
        b->out[i].type = c->type;
        b->out[i].data = c->values;
    }
    memset(&batch, 0, sizeof(batch));
    batch.size = sizeof(batch);
    batch.count = b->count;
    batch.time = b->time;
    batch.ncolumns = b->ncolumns;
    batch.columns = b->out;
    batch.valid = b->valid;
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
            free(b->columns[i].valid);
        }
    }
    free(b->columns);
    free(b->out);
    free(b->valid);
    free(b->time);
    free(b->arena);
    memset(b, 0, sizeof(*b));
}
