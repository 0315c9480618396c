/* The row recorder of the decimator and pipeline tests; see recorded_rows.h. */
#include "recorded_rows.h"

#include <stdio.h>
#include <string.h>

/* Row r of column col into the record's row `row`. */
static void record_value(recorded_rows *c, size_t k, size_t row, const pivot_column *col, size_t r)
{
    const void *d = col->data;

    switch (col->type) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_ENUM:
        c->num[k][row] = ((const int32_t *)d)[r];
        break;
    case PIVOT_TYPE_INT64:
        c->num[k][row] = (double)((const int64_t *)d)[r];
        break;
    case PIVOT_TYPE_FLOAT32:
        c->num[k][row] = ((const float *)d)[r];
        break;
    case PIVOT_TYPE_FLOAT64:
        c->num[k][row] = ((const double *)d)[r];
        break;
    case PIVOT_TYPE_BOOL:
        c->num[k][row] = ((const uint8_t *)d)[r];
        break;
    case PIVOT_TYPE_STRING:
        if (row < RECORDED_TEXT_ROWS)
            snprintf(c->str[k][row], sizeof(c->str[k][row]), "%s", ((const char *const *)d)[r]);
        break;
    case PIVOT_TYPE_BYTES: {
        const pivot_bytes *e = &((const pivot_bytes *)d)[r];

        if (row < RECORDED_TEXT_ROWS) {
            c->len[k][row] = e->len;
            if (e->len > 0 && e->len <= sizeof(c->bytes[k][row]))
                memcpy(c->bytes[k][row], e->data, e->len);
        }
        break;
    }
    }
}

int record_rows(void *arg, const pivot_batch *b)
{
    recorded_rows *c = arg;

    c->batches++;
    if (c->fail_at_batch != 0 && c->batches == (size_t)c->fail_at_batch)
        return PIVOT_EIO;
    c->ncols = b->ncolumns;
    c->last_valid = b->valid != NULL;
    c->batches_with_valid += b->valid != NULL;
    for (size_t r = 0; r < b->count && c->rows < RECORDED_MAX_ROWS; r++, c->rows++) {
        c->time[c->rows] = b->time[r];
        for (size_t k = 0; k < b->ncolumns && k < RECORDED_MAX_COLS; k++) {
            const uint8_t *mask = b->valid != NULL ? b->valid[k] : NULL;

            c->type[k] = b->columns[k].type;
            c->valid[k][c->rows] = mask != NULL ? mask[r] : -1;
            record_value(c, k, c->rows, &b->columns[k], r);
        }
    }
    return 0;
}
