/*
 * The compiled record decoder. The inner loop is a switch over each field's
 * step: with the handful of fields of a telemetry record the branch
 * predictor learns the sequence, and values are stored straight into the
 * batch columns with no intermediate representation. Nullable and masked
 * fields share one flags test, so that a record of plain fields pays for
 * neither.
 */
#include "fast_decoder.h"
#include "value_skip.h"
#include "varint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The step that reads a supported field. */
static int step_kind(const pva_field *field, pva_step *st)
{
    switch (field->type) {
    case PIVOT_TYPE_INT32:
        st->kind = PVA_STEP_INT;
        return 0;
    case PIVOT_TYPE_INT64:
        st->kind = PVA_STEP_LONG;
        return 0;
    case PIVOT_TYPE_FLOAT32:
        st->kind = PVA_STEP_FLOAT;
        return 0;
    case PIVOT_TYPE_FLOAT64:
        st->kind = PVA_STEP_DOUBLE;
        return 0;
    case PIVOT_TYPE_BOOL:
        st->kind = PVA_STEP_BOOL;
        return 0;
    case PIVOT_TYPE_STRING:
        st->kind = PVA_STEP_STRING;
        return 0;
    case PIVOT_TYPE_ENUM:
        st->kind = PVA_STEP_ENUM;
        if (field->nsymbols > UINT32_MAX)
            return PIVOT_ENOTSUP;
        st->arg = (uint32_t)field->nsymbols;
        return 0;
    case PIVOT_TYPE_BYTES:
        if (field->kind != PVA_AVRO_FIXED) {
            st->kind = PVA_STEP_BYTES;
            return 0;
        }
        st->kind = PVA_STEP_FIXED;
        if (field->fixed_size > UINT32_MAX)
            return PIVOT_ENOTSUP;
        st->arg = (uint32_t)field->fixed_size;
        return 0;
    }
    return PIVOT_ENOTSUP;
}

int pva_decoder_compile(const pva_schema *schema, const size_t *field_of, size_t nsignals,
                        const pva_batch *b, pva_decoder *out)
{
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (schema->time_index < 0 || schema->nfields == 0 || schema->types.broken)
        return PIVOT_ENOTSUP;
    out->types = &schema->types;
    out->steps = calloc(schema->nfields, sizeof(*out->steps));
    if (out->steps == NULL)
        return PIVOT_ENOMEM;
    out->nsteps = schema->nfields;
    out->time_ns_per_unit = schema->time_ns_per_unit;
    for (size_t f = 0; f < schema->nfields; f++) {
        const pva_field *field = &schema->fields[f];
        pva_step *st = &out->steps[f];

        st->column = PVA_STEP_SKIP;
        if (!field->supported) {
            if (field->skip_type < 0 || (uint64_t)field->skip_type > UINT32_MAX) {
                rc = PIVOT_ENOTSUP;
                goto out;
            }
            st->kind = PVA_STEP_VALUE;
            st->arg = (uint32_t)field->skip_type;
            continue;
        }
        rc = step_kind(field, st);
        if (rc != 0)
            goto out;
        if (field->nullable)
            st->flags |= PVA_STEP_NULLABLE;
        st->null_branch = (uint8_t)field->null_branch;
    }
    out->steps[schema->time_index].column = PVA_STEP_TIME;
    out->fill = calloc(nsignals ? nsignals : 1, sizeof(*out->fill));
    if (out->fill == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    /* A signal asked for twice takes the last column: the scan rejects that earlier. */
    for (size_t i = 0; i < nsignals; i++) {
        pva_step *st;

        if (field_of[i] == PVA_FIELD_ABSENT) {
            out->fill[out->nfill++] = i;
            continue;
        }
        st = &out->steps[field_of[i]];
        st->column = (int32_t)i;
        if (b->columns[i].valid != NULL)
            st->flags |= PVA_STEP_MASKED;
    }
out:
    if (rc != 0)
        pva_decoder_free(out);
    return rc;
}

void pva_decoder_free(pva_decoder *d)
{
    free(d->steps);
    free(d->fill);
    memset(d, 0, sizeof(*d));
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

        if (st->flags) {
            if (st->flags & PVA_STEP_NULLABLE) {
                p = pva_get_varint(p, end, &v);
                if (p == NULL || v > 1)
                    return NULL;
                if (v == st->null_branch) {
                    if (col >= 0 && pva_batch_fill(b, (size_t)col, row) != 0) {
                        *nomem = 1;
                        return NULL;
                    }
                    continue;
                }
            }
            if (st->flags & PVA_STEP_MASKED)
                b->columns[col].valid[row] = 1;
        }
        switch (st->kind) {
        case PVA_STEP_INT:
            p = pva_get_varint(p, end, &v);
            if (p == NULL || (int64_t)v != (int32_t)v)
                return NULL;
            if (col >= 0)
                ((int32_t *)b->columns[col].values)[row] = (int32_t)v;
            break;
        case PVA_STEP_LONG:
            p = pva_get_varint(p, end, &v);
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
            p = pva_get_length(p, end, &v);
            if (p == NULL)
                return NULL;
            if (col >= 0 &&
                pva_batch_put_string(b, (size_t)col, row, (const char *)p, (size_t)v) != 0) {
                *nomem = 1;
                return NULL;
            }
            p += v;
            break;
        case PVA_STEP_ENUM:
            p = pva_get_varint(p, end, &v);
            if (p == NULL)
                return NULL;
            /* Checked where it is stored, as the libavro reader does. */
            if (col >= 0) {
                if (v >= st->arg)
                    return NULL;
                ((int32_t *)b->columns[col].values)[row] = (int32_t)v;
            }
            break;
        case PVA_STEP_BYTES:
        case PVA_STEP_FIXED:
            if (st->kind == PVA_STEP_BYTES) {
                p = pva_get_length(p, end, &v);
                if (p == NULL)
                    return NULL;
            } else {
                v = st->arg;
                if ((uint64_t)(end - p) < v)
                    return NULL;
            }
            if (col >= 0 && pva_batch_put_bytes(b, (size_t)col, row, p, (size_t)v) != 0) {
                *nomem = 1;
                return NULL;
            }
            p += v;
            break;
        case PVA_STEP_VALUE:
            p = pva_skip_value(d->types, st->arg, p, end);
            if (p == NULL)
                return NULL;
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
        /* The block's byte size is a check: its last record must end it. */
        if (i == count - 1 && p != end) {
            b->arena_len = arena_mark;
            pva_errf(err, errlen, "damaged data: the records of a block do not fill its %zu bytes",
                     len);
            return PIVOT_EIO;
        }
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
    if (p != end) {
        pva_errf(err, errlen, "damaged data: the records of a block do not fill its %zu bytes",
                 len);
        return PIVOT_EIO;
    }
    return 0;
}

/* Steps over one field's value; NULL when malformed. */
static const uint8_t *skip_step(const pva_decoder *d, const pva_step *st, const uint8_t *p,
                                const uint8_t *end)
{
    uint64_t v;

    switch (st->kind) {
    case PVA_STEP_INT:
    case PVA_STEP_LONG:
    case PVA_STEP_ENUM:
        return pva_get_varint(p, end, &v);
    case PVA_STEP_FLOAT:
        return end - p >= 4 ? p + 4 : NULL;
    case PVA_STEP_DOUBLE:
        return end - p >= 8 ? p + 8 : NULL;
    case PVA_STEP_BOOL:
        return p < end ? p + 1 : NULL;
    case PVA_STEP_STRING:
    case PVA_STEP_BYTES:
        p = pva_get_length(p, end, &v);
        return p != NULL ? p + v : NULL;
    case PVA_STEP_FIXED:
        return (uint64_t)(end - p) >= st->arg ? p + st->arg : NULL;
    case PVA_STEP_VALUE:
        return pva_skip_value(d->types, st->arg, p, end);
    }
    return NULL;
}

int pva_decoder_first_time(const pva_decoder *d, const uint8_t *data, size_t len, int64_t *time_ns)
{
    const uint8_t *p = data, *end = data + len;

    for (size_t f = 0; f < d->nsteps && p != NULL; f++) {
        const pva_step *st = &d->steps[f];
        uint64_t v;

        if (st->flags & PVA_STEP_NULLABLE) {
            p = pva_get_varint(p, end, &v);
            if (p == NULL || v > 1)
                return -1;
            if (v == st->null_branch)
                continue;
        }
        if (st->column == PVA_STEP_TIME) {
            if (pva_get_varint(p, end, &v) == NULL)
                return -1;
            *time_ns = to_ns((int64_t)v, d->time_ns_per_unit);
            return 0;
        }
        p = skip_step(d, st, p, end);
    }
    return -1;
}

int pva_decoder_walk(const pva_decoder *d, const uint8_t *data, size_t len, int64_t count,
                     int64_t *first, int64_t *last)
{
    const uint8_t *p = data, *end = data + len;

    for (int64_t i = 0; i < count; i++) {
        for (size_t f = 0; f < d->nsteps; f++) {
            const pva_step *st = &d->steps[f];
            uint64_t v;

            if (p == NULL)
                return -1;
            if (st->flags & PVA_STEP_NULLABLE) {
                p = pva_get_varint(p, end, &v);
                if (p == NULL || v > 1)
                    return -1;
                if (v == st->null_branch)
                    continue;
            }
            if (st->column == PVA_STEP_TIME) {
                p = pva_get_varint(p, end, &v);
                if (p != NULL && i == 0)
                    *first = (int64_t)v;
                if (p != NULL)
                    *last = (int64_t)v;
                continue;
            }
            p = skip_step(d, st, p, end);
        }
    }
    return p == end && count > 0 ? 0 : -1;
}
