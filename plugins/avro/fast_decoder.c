/*
 * The compiled record decoder. The inner loop is a switch over each field's
 * step: with the handful of fields of a telemetry record the branch
 * predictor learns the sequence, and values are stored straight into the
 * batch columns with no intermediate representation.
 */
#include "fast_decoder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int pva_decoder_compile(const pva_schema *schema, const size_t *field_of, size_t nsignals,
                        pva_decoder *out)
{
    memset(out, 0, sizeof(*out));
    if (schema->time_index < 0 || schema->nfields == 0)
        return PIVOT_ENOTSUP;
    out->steps = calloc(schema->nfields, sizeof(*out->steps));
    if (out->steps == NULL)
        return PIVOT_ENOMEM;
    out->nsteps = schema->nfields;
    out->time_ns_per_unit = schema->time_ns_per_unit;
    for (size_t f = 0; f < schema->nfields; f++) {
        const pva_field *field = &schema->fields[f];
        pva_step *st = &out->steps[f];

        if (!field->supported) {
            pva_decoder_free(out);
            return PIVOT_ENOTSUP;
        }
        switch (field->type) {
        case PIVOT_TYPE_INT32:
            st->kind = PVA_STEP_INT;
            break;
        case PIVOT_TYPE_INT64:
            st->kind = PVA_STEP_LONG;
            break;
        case PIVOT_TYPE_FLOAT32:
            st->kind = PVA_STEP_FLOAT;
            break;
        case PIVOT_TYPE_FLOAT64:
            st->kind = PVA_STEP_DOUBLE;
            break;
        case PIVOT_TYPE_BOOL:
            st->kind = PVA_STEP_BOOL;
            break;
        case PIVOT_TYPE_STRING:
            st->kind = PVA_STEP_STRING;
            break;
        }
        st->column = PVA_STEP_SKIP;
        st->nullable = (uint8_t)field->nullable;
        st->null_branch = (uint8_t)field->null_branch;
    }
    out->steps[schema->time_index].column = PVA_STEP_TIME;
    out->fill = calloc(nsignals ? nsignals : 1, sizeof(*out->fill));
    if (out->fill == NULL) {
        pva_decoder_free(out);
        return PIVOT_ENOMEM;
    }
    /* A signal asked for twice takes the last column: the scan rejects that earlier. */
    for (size_t i = 0; i < nsignals; i++) {
        if (field_of[i] == PVA_FIELD_ABSENT)
            out->fill[out->nfill++] = i;
        else
            out->steps[field_of[i]].column = (int32_t)i;
    }
    return 0;
}

void pva_decoder_free(pva_decoder *d)
{
    free(d->steps);
    free(d->fill);
    memset(d, 0, sizeof(*d));
}

/* Zig-zag varint; NULL when the bytes run out or the varint is too long. */
static inline const uint8_t *get_varint(const uint8_t *p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    int shift = 0;

    /* Most values of a telemetry record fit one to three bytes. */
    while (p < end) {
        uint8_t c = *p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *out = (v >> 1) ^ -(v & 1);
            return p;
        }
        shift += 7;
        if (shift >= 70)
            return NULL;
    }
    return NULL;
}

/* Converts a count of `per_unit` nanoseconds, saturating instead of overflowing. */
static inline int64_t to_ns(int64_t v, int64_t per_unit)
{
    if (per_unit == 1)
        return v;
    if (v > INT64_MAX / per_unit)
        return INT64_MAX;
    if (v < INT64_MIN / per_unit)
        return INT64_MIN;
    return v * per_unit;
}

/* Decodes one record into row `row`; the time goes to *t. Returns the next
 * byte, or NULL when the record is malformed. */
static inline const uint8_t *decode_record(const pva_decoder *d, const uint8_t *p,
                                           const uint8_t *end, pva_batch *b, size_t row, int64_t *t,
                                           int *nomem)
{
    for (size_t f = 0; f < d->nsteps; f++) {
        const pva_step *st = &d->steps[f];
        int32_t col = st->column;
        uint64_t v;

        if (st->nullable) {
            p = get_varint(p, end, &v);
            if (p == NULL || v > 1)
                return NULL;
            if (v == st->null_branch) {
                if (col >= 0 && st->kind == PVA_STEP_FLOAT)
                    ((float *)b->columns[col].values)[row] = NAN;
                else if (col >= 0)
                    ((double *)b->columns[col].values)[row] = NAN;
                continue;
            }
        }
        switch (st->kind) {
        case PVA_STEP_INT:
            p = get_varint(p, end, &v);
            if (p == NULL || (int64_t)v != (int32_t)v)
                return NULL;
            if (col >= 0)
                ((int32_t *)b->columns[col].values)[row] = (int32_t)v;
            break;
        case PVA_STEP_LONG:
            p = get_varint(p, end, &v);
            if (p == NULL)
                return NULL;
            if (col == PVA_STEP_TIME)
                *t = to_ns((int64_t)v, d->time_ns_per_unit);
            else if (col >= 0)
                ((int64_t *)b->columns[col].values)[row] = (int64_t)v;
            break;
        case PVA_STEP_FLOAT:
            if (end - p < 4)
                return NULL;
            if (col >= 0)
                memcpy(&((float *)b->columns[col].values)[row], p, 4);
            p += 4;
            break;
        case PVA_STEP_DOUBLE:
            if (end - p < 8)
                return NULL;
            if (col >= 0)
                memcpy(&((double *)b->columns[col].values)[row], p, 8);
            p += 8;
            break;
        case PVA_STEP_BOOL:
            if (p >= end)
                return NULL;
            /* As libavro: any non-zero byte is true. */
            if (col >= 0)
                ((uint8_t *)b->columns[col].values)[row] = *p != 0;
            p++;
            break;
        case PVA_STEP_STRING:
            p = get_varint(p, end, &v);
            if (p == NULL || (int64_t)v < 0 || (uint64_t)(end - p) < v)
                return NULL;
            if (col >= 0 &&
                pva_batch_put_string(b, (size_t)col, row, (const char *)p, (size_t)v) != 0) {
                *nomem = 1;
                return NULL;
            }
            p += v;
            break;
        }
    }
    for (size_t i = 0; i < d->nfill; i++) {
        if (pva_batch_fill(b, d->fill[i], row) != 0) {
            *nomem = 1;
            return NULL;
        }
    }
    return p;
}

int pva_decoder_block(const pva_decoder *d, const uint8_t *data, size_t len, int64_t count,
                      pivot_range range, pva_batch *b, const pivot_scan_sink *sink, int *past_end,
                      char *err, size_t errlen)
{
    const uint8_t *p = data, *end = data + len;
    int nomem = 0;
    int rc;

    *past_end = 0;
    for (int64_t i = 0; i < count; i++) {
        size_t arena_mark = b->arena_len;
        int64_t t = 0;
        const uint8_t *next = decode_record(d, p, end, b, b->count, &t, &nomem);

        if (next == NULL) {
            b->arena_len = arena_mark;
            if (nomem)
                return PIVOT_ENOMEM;
            pva_errf(err, errlen, "damaged data: record %lld of a block of %lld is malformed",
                     (long long)i, (long long)count);
            return PIVOT_EIO;
        }
        p = next;
        if (t < range.start_ns) {
            /* Decoded into the next free row, which the next record overwrites. */
            b->arena_len = arena_mark;
            continue;
        }
        if (t >= range.end_ns) {
            b->arena_len = arena_mark;
            *past_end = 1;
            return 0;
        }
        b->time[b->count++] = t;
        if (b->count == PVA_BATCH_CAPACITY) {
            rc = pva_batch_flush(b, sink);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

int pva_decoder_first_time(const pva_decoder *d, const uint8_t *data, size_t len, int64_t *time_ns)
{
    const uint8_t *p = data, *end = data + len;

    for (size_t f = 0; f < d->nsteps; f++) {
        const pva_step *st = &d->steps[f];
        uint64_t v;

        if (st->nullable) {
            p = get_varint(p, end, &v);
            if (p == NULL || v > 1)
                return -1;
            if (v == st->null_branch)
                continue;
        }
        switch (st->kind) {
        case PVA_STEP_INT:
        case PVA_STEP_LONG:
            p = get_varint(p, end, &v);
            if (p == NULL)
                return -1;
            if (st->column == PVA_STEP_TIME) {
                *time_ns = to_ns((int64_t)v, d->time_ns_per_unit);
                return 0;
            }
            break;
        case PVA_STEP_FLOAT:
        case PVA_STEP_DOUBLE:
        case PVA_STEP_BOOL: {
            size_t width = st->kind == PVA_STEP_FLOAT ? 4 : st->kind == PVA_STEP_DOUBLE ? 8 : 1;
            if ((size_t)(end - p) < width)
                return -1;
            p += width;
            break;
        }
        case PVA_STEP_STRING:
            p = get_varint(p, end, &v);
            if (p == NULL || (uint64_t)(end - p) < v)
                return -1;
            p += v;
            break;
        }
    }
    return -1;
}
