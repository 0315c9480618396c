#include "decimate.h"

#include "batch_copy.h"
#include "export_signals.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* options.decimation's method names. The interval is an ISO 8601 duration,
 * read by the SDK's grammar library as every duration of the API is. */
static const char *const method_names[] = {"none", "downsample", "mean",  "min",
                                           "max",  "rms",        "minmax"};

int pv_decimator_method_parse(const char *name, pv_decimate_method *out)
{
    for (size_t i = 1; name != NULL && i < sizeof(method_names) / sizeof(method_names[0]); i++) {
        if (strcmp(name, method_names[i]) == 0) {
            *out = (pv_decimate_method)i;
            return 0;
        }
    }
    return PIVOT_EINVAL;
}

const char *pv_decimator_method_name(pv_decimate_method method)
{
    if ((size_t)method < sizeof(method_names) / sizeof(method_names[0]))
        return method_names[method];
    return "unknown";
}

/* The running state of one input signal over the open bucket. */
typedef struct accumulator {
    pivot_type type;
    int reduce;   /* numeric and a reducing method; else the first sample is kept */
    int square;   /* rms: the sum is of squares */
    int nullable; /* the input may carry a mask, and so do its outputs */
    size_t out;   /* index of its (first) output column */
    /* The bucket's first sample, as it is, for signals that are not reduced. */
    int first_valid;
    int64_t first_i;     /* int32, int64, bool and enum */
    double first_f;      /* float32 and float64 */
    char *first_s;       /* string, owned until moved into a row */
    pivot_bytes first_b; /* bytes, data owned until moved into a row */
    /* The bucket's valid samples, for reduced signals. */
    uint64_t n;
    int64_t min_i, max_i;
    double min_f, max_f;
    double sum, carry; /* compensated sum of the values (mean) or squares (rms) */
} accumulator;

/* One output column's rows, PV_DECIMATE_BATCH_ROWS of them. */
typedef struct out_column {
    void *data;
    uint8_t *valid; /* the rows' mask, for outputs of nullable inputs; else NULL */
} out_column;

struct pv_decimator {
    pv_decimation d;
    int64_t origin_ns;
    size_t nin;
    accumulator *acc;
    const uint8_t **in_valid; /* nin masks of the batch being fed */
    size_t nout;
    pivot_signal_info *out_signals;
    pivot_signal_detail *out_details;
    char **out_names; /* names built for minmax, NULL where borrowed */
    pivot_column *columns;
    const uint8_t **valid; /* nout masks handed out with the rows */
    int masked;            /* some output is nullable: batches carry `valid` */
    out_column *cols;
    int64_t *time;
    size_t rows; /* rows gathered, not yet emitted */
    /* the open bucket */
    uint64_t count; /* samples in it; 0: none open */
    int64_t bucket_key;
    int64_t bucket_time;
};

static int is_numeric(pivot_type t)
{
    return t == PIVOT_TYPE_INT32 || t == PIVOT_TYPE_INT64 || t == PIVOT_TYPE_FLOAT32 ||
           t == PIVOT_TYPE_FLOAT64;
}

static int is_float(pivot_type t)
{
    return t == PIVOT_TYPE_FLOAT32 || t == PIVOT_TYPE_FLOAT64;
}

/* Frees the strings and bytes that rows 0..rows-1 of output k own. */
static void free_row_values(pv_decimator *dc, size_t k, size_t rows)
{
    if (dc->cols[k].data == NULL)
        return;
    if (dc->out_signals[k].type == PIVOT_TYPE_STRING) {
        char **s = dc->cols[k].data;
        for (size_t r = 0; r < rows; r++) {
            free(s[r]);
            s[r] = NULL;
        }
    } else if (dc->out_signals[k].type == PIVOT_TYPE_BYTES) {
        pivot_bytes *b = dc->cols[k].data;
        for (size_t r = 0; r < rows; r++) {
            free((void *)b[r].data);
            b[r] = (pivot_bytes){NULL, 0};
        }
    }
}

void pv_decimator_free(pv_decimator *dc)
{
    if (dc == NULL)
        return;
    for (size_t i = 0; dc->acc != NULL && i < dc->nin; i++) {
        free(dc->acc[i].first_s);
        free((void *)dc->acc[i].first_b.data);
    }
    for (size_t k = 0; dc->cols != NULL && k < dc->nout; k++) {
        free_row_values(dc, k, dc->rows);
        free(dc->cols[k].data);
        free(dc->cols[k].valid);
    }
    for (size_t k = 0; dc->out_names != NULL && k < dc->nout; k++)
        free(dc->out_names[k]);
    free(dc->out_names);
    free(dc->cols);
    free(dc->columns);
    free(dc->valid);
    free(dc->out_signals);
    free(dc->out_details);
    free(dc->in_valid);
    free(dc->acc);
    free(dc->time);
    free(dc);
}

/*
 * Adds "<name><suffix>" as output column k of input detail `in`, owning the
 * name. A mean or rms is a value of no type the source has: it gets no
 * source_type.
 */
static int add_output(pv_decimator *dc, size_t k, const char *name, const char *suffix,
                      pivot_type type, const pivot_signal_detail *in, int derived)
{
    if (suffix != NULL) {
        size_t len = strlen(name) + strlen(suffix) + 1;
        dc->out_names[k] = malloc(len);
        if (dc->out_names[k] == NULL)
            return PIVOT_ENOMEM;
        snprintf(dc->out_names[k], len, "%s%s", name, suffix);
        name = dc->out_names[k];
    }
    dc->out_signals[k] = (pivot_signal_info){.name = name, .type = type};
    pivot_signal_detail_read(in, &dc->out_details[k]);
    if (derived)
        dc->out_details[k].source_type = NULL;
    dc->columns[k] = (pivot_column){.name = name, .type = type};
    dc->cols[k].data = calloc(PV_DECIMATE_BATCH_ROWS, pv_batch_type_size(type));
    if (dc->cols[k].data == NULL)
        return PIVOT_ENOMEM;
    if (dc->out_details[k].nullable) {
        dc->masked = 1;
        dc->cols[k].valid = calloc(PV_DECIMATE_BATCH_ROWS, 1);
        if (dc->cols[k].valid == NULL)
            return PIVOT_ENOMEM;
    }
    return 0;
}

int pv_decimator_new(const pv_decimation *d, int64_t origin_ns, const pivot_signal_info *in,
                     const pivot_signal_detail *in_details, size_t nin, pv_decimator **out,
                     char *err, size_t errlen)
{
    pv_decimator *dc = NULL;
    size_t k = 0, slots;
    int rc = PIVOT_ENOMEM;

    *out = NULL;
    if (d->method <= PV_DECIMATE_NONE || d->method > PV_DECIMATE_MINMAX ||
        (d->factor == 0) == (d->interval_ns <= 0)) {
        snprintf(err, errlen, "the decimation needs a method and either a factor or an interval");
        return PIVOT_EINVAL;
    }
    dc = calloc(1, sizeof(*dc));
    if (dc == NULL)
        goto out;
    dc->d = *d;
    dc->origin_ns = origin_ns;
    dc->nin = nin;
    for (size_t i = 0; i < nin; i++)
        dc->nout += (d->method == PV_DECIMATE_MINMAX && is_numeric(in[i].type)) ? 2 : 1;
    slots = dc->nout > 0 ? dc->nout : 1;
    dc->acc = calloc(nin > 0 ? nin : 1, sizeof(*dc->acc));
    dc->in_valid = calloc(nin > 0 ? nin : 1, sizeof(*dc->in_valid));
    dc->out_signals = calloc(slots, sizeof(*dc->out_signals));
    dc->out_details = calloc(slots, sizeof(*dc->out_details));
    dc->out_names = calloc(slots, sizeof(*dc->out_names));
    dc->columns = calloc(slots, sizeof(*dc->columns));
    dc->valid = calloc(slots, sizeof(*dc->valid));
    dc->cols = calloc(slots, sizeof(*dc->cols));
    dc->time = calloc(PV_DECIMATE_BATCH_ROWS, sizeof(*dc->time));
    if (dc->acc == NULL || dc->in_valid == NULL || dc->out_signals == NULL ||
        dc->out_details == NULL || dc->out_names == NULL || dc->columns == NULL ||
        dc->valid == NULL || dc->cols == NULL || dc->time == NULL)
        goto out;
    for (size_t i = 0; i < nin; i++) {
        accumulator *a = &dc->acc[i];
        const pivot_signal_detail *detail = in_details != NULL ? &in_details[i] : NULL;
        pivot_type t = in[i].type;
        int averaged;
        a->type = t;
        a->reduce = is_numeric(t) && d->method != PV_DECIMATE_DOWNSAMPLE;
        a->out = k;
        a->square = d->method == PV_DECIMATE_RMS;
        a->nullable = detail != NULL && detail->nullable;
        if (d->method == PV_DECIMATE_MINMAX && a->reduce) {
            if (add_output(dc, k++, in[i].name, ".min", t, detail, 0) != 0 ||
                add_output(dc, k++, in[i].name, ".max", t, detail, 0) != 0)
                goto out;
            continue;
        }
        averaged = a->reduce && (d->method == PV_DECIMATE_MEAN || d->method == PV_DECIMATE_RMS);
        if (add_output(dc, k++, in[i].name, NULL, averaged ? PIVOT_TYPE_FLOAT64 : t, detail,
                       averaged) != 0)
            goto out;
    }
    *out = dc;
    dc = NULL;
    rc = 0;
out:
    if (rc != 0)
        snprintf(err, errlen, "out of memory setting up the decimation");
    pv_decimator_free(dc);
    return rc;
}

const pivot_signal_info *pv_decimator_signals(const pv_decimator *dc, size_t *n)
{
    *n = dc->nout;
    return dc->out_signals;
}

const pivot_signal_detail *pv_decimator_details(const pv_decimator *dc)
{
    return dc->out_details;
}

/* Neumaier's compensated sum: the mean of a bucket of 10^6 samples stays
 * within a few ulps of the exact one, whatever the order of magnitude. */
static void add_compensated(accumulator *a, double x)
{
    double t = a->sum + x;
    if (fabs(a->sum) >= fabs(x))
        a->carry += (a->sum - t) + x;
    else
        a->carry += (x - t) + a->sum;
    a->sum = t;
}

static double compensated_total(const accumulator *a)
{
    /* An infinite or NaN sum leaves a NaN carry; the sum alone is right then. */
    return isfinite(a->sum) ? a->sum + a->carry : a->sum;
}

/* Keeps sample r of column c, value and validity as they are, as the bucket's first. */
static int take_first(accumulator *a, const pivot_column *c, size_t r, int valid)
{
    a->first_valid = valid;
    switch (a->type) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_ENUM:
        a->first_i = ((const int32_t *)c->data)[r];
        break;
    case PIVOT_TYPE_INT64:
        a->first_i = ((const int64_t *)c->data)[r];
        break;
    case PIVOT_TYPE_BOOL:
        a->first_i = ((const uint8_t *)c->data)[r];
        break;
    case PIVOT_TYPE_FLOAT32:
        a->first_f = ((const float *)c->data)[r];
        break;
    case PIVOT_TYPE_FLOAT64:
        a->first_f = ((const double *)c->data)[r];
        break;
    case PIVOT_TYPE_STRING: {
        const char *s = ((const char *const *)c->data)[r];
        free(a->first_s);
        a->first_s = strdup(s != NULL ? s : "");
        if (a->first_s == NULL)
            return PIVOT_ENOMEM;
        break;
    }
    case PIVOT_TYPE_BYTES: {
        const pivot_bytes *b = &((const pivot_bytes *)c->data)[r];
        uint8_t *copy = NULL;
        free((void *)a->first_b.data);
        a->first_b = (pivot_bytes){NULL, 0};
        if (b->len > 0) {
            copy = malloc(b->len);
            if (copy == NULL)
                return PIVOT_ENOMEM;
            memcpy(copy, b->data, b->len);
        }
        a->first_b = (pivot_bytes){copy, b->len};
        break;
    }
    }
    return 0;
}

/*
 * Takes sample r of column c into the accumulator; opens says it is the
 * bucket's first sample. A reduced signal counts only the samples with a
 * value (valid NULL: all of them).
 */
static int accumulate(accumulator *a, const pivot_column *c, const uint8_t *valid, size_t r,
                      int opens)
{
    int has = valid == NULL || valid[r] != 0;
    int64_t vi = 0;
    double vf = 0.0;

    if (!a->reduce)
        return opens ? take_first(a, c, r, has) : 0;
    if (opens) {
        a->n = 0;
        a->sum = a->carry = 0.0;
    }
    if (!has)
        return 0;
    switch (a->type) {
    case PIVOT_TYPE_INT32:
        vi = ((const int32_t *)c->data)[r];
        vf = (double)vi;
        break;
    case PIVOT_TYPE_INT64:
        vi = ((const int64_t *)c->data)[r];
        vf = (double)vi;
        break;
    case PIVOT_TYPE_FLOAT32:
        vf = ((const float *)c->data)[r];
        break;
    case PIVOT_TYPE_FLOAT64:
        vf = ((const double *)c->data)[r];
        break;
    default:
        return 0; /* only numeric signals are reduced */
    }
    if (a->n == 0) {
        a->min_i = a->max_i = vi;
        a->min_f = a->max_f = vf;
    } else if (is_float(a->type)) {
        /* A NaN makes the bucket's min and max NaN, as numpy's min and max do. */
        if (isnan(vf) || vf < a->min_f)
            a->min_f = isnan(a->min_f) ? a->min_f : vf;
        if (isnan(vf) || vf > a->max_f)
            a->max_f = isnan(a->max_f) ? a->max_f : vf;
    } else {
        if (vi < a->min_i)
            a->min_i = vi;
        if (vi > a->max_i)
            a->max_i = vi;
    }
    add_compensated(a, a->square ? vf * vf : vf);
    a->n++;
    return 0;
}

/* Stores a value of a fixed-size type in row `row` of a column. */
static void put_value(void *data, pivot_type t, size_t row, int64_t vi, double vf)
{
    switch (t) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_ENUM:
        ((int32_t *)data)[row] = (int32_t)vi;
        break;
    case PIVOT_TYPE_INT64:
        ((int64_t *)data)[row] = vi;
        break;
    case PIVOT_TYPE_FLOAT32:
        ((float *)data)[row] = (float)vf;
        break;
    case PIVOT_TYPE_FLOAT64:
        ((double *)data)[row] = vf;
        break;
    case PIVOT_TYPE_BOOL:
        ((uint8_t *)data)[row] = (uint8_t)vi;
        break;
    case PIVOT_TYPE_STRING:
    case PIVOT_TYPE_BYTES:
        break;
    }
}

/* Writes the bucket's first sample of a signal that is not reduced. */
static void write_first(pv_decimator *dc, accumulator *a, size_t row)
{
    out_column *col = &dc->cols[a->out];

    if (col->valid != NULL)
        col->valid[row] = (uint8_t)(a->first_valid != 0);
    if (a->type == PIVOT_TYPE_STRING) {
        ((char **)col->data)[row] = a->first_s; /* the row owns it now */
        a->first_s = NULL;
    } else if (a->type == PIVOT_TYPE_BYTES) {
        ((pivot_bytes *)col->data)[row] = a->first_b; /* and these bytes */
        a->first_b = (pivot_bytes){NULL, 0};
    } else {
        put_value(col->data, a->type, row, a->first_i, a->first_f);
    }
}

/*
 * Writes the open bucket's value of accumulator a into row `row` of its
 * output columns. A bucket without a valid sample gives a null row: mask 0,
 * NaN in floating-point outputs, 0 in integer ones.
 */
static void write_value(pv_decimator *dc, accumulator *a, size_t row)
{
    pv_decimate_method m = dc->d.method;
    int has = a->n > 0;

    if (!a->reduce) {
        write_first(dc, a, row);
        return;
    }
    if (m == PV_DECIMATE_MEAN || m == PV_DECIMATE_RMS) {
        double mean = has ? compensated_total(a) / (double)a->n : NAN;
        ((double *)dc->cols[a->out].data)[row] = m == PV_DECIMATE_RMS ? sqrt(mean) : mean;
        if (dc->cols[a->out].valid != NULL)
            dc->cols[a->out].valid[row] = (uint8_t)has;
        return;
    }
    for (size_t side = 0; side < (m == PV_DECIMATE_MINMAX ? 2u : 1u); side++) {
        int low = m == PV_DECIMATE_MIN || (m == PV_DECIMATE_MINMAX && side == 0);
        out_column *col = &dc->cols[a->out + side];
        int64_t vi = !has ? 0 : low ? a->min_i : a->max_i;
        double vf = !has ? NAN : low ? a->min_f : a->max_f;
        put_value(col->data, a->type, row, vi, vf);
        if (col->valid != NULL)
            col->valid[row] = (uint8_t)has;
    }
}

/* Hands out the gathered rows and frees the strings and bytes they held. */
static int emit_rows(pv_decimator *dc, pv_decimate_emit_fn emit, void *arg)
{
    pivot_batch b = {.size = sizeof(pivot_batch),
                     .count = dc->rows,
                     .time = dc->time,
                     .ncolumns = dc->nout,
                     .columns = dc->columns,
                     .valid = dc->masked ? dc->valid : NULL};
    int rc = 0;

    if (dc->rows == 0)
        return 0;
    for (size_t k = 0; k < dc->nout; k++) {
        dc->columns[k].data = dc->cols[k].data;
        dc->valid[k] = dc->cols[k].valid;
    }
    rc = emit(arg, &b);
    for (size_t k = 0; k < dc->nout; k++)
        free_row_values(dc, k, dc->rows);
    dc->rows = 0;
    return rc;
}

/* Turns the open bucket into a row, emitting the rows when they fill a batch. */
static int close_bucket(pv_decimator *dc, pv_decimate_emit_fn emit, void *arg)
{
    if (dc->count == 0)
        return 0;
    dc->time[dc->rows] = dc->bucket_time;
    for (size_t i = 0; i < dc->nin; i++)
        write_value(dc, &dc->acc[i], dc->rows);
    dc->rows++;
    dc->count = 0;
    return dc->rows == PV_DECIMATE_BATCH_ROWS ? emit_rows(dc, emit, arg) : 0;
}

/* The interval bucket of time t: floor((t - origin) / interval), also before the origin. */
static int64_t bucket_of(const pv_decimator *dc, int64_t t)
{
    int64_t off = t - dc->origin_ns, q = off / dc->d.interval_ns;
    return (off % dc->d.interval_ns < 0) ? q - 1 : q;
}

/* Checks the batch's columns and picks the masks of the nullable ones. */
static int check_batch(pv_decimator *dc, const pivot_batch *batch, char *err, size_t errlen)
{
    if (batch->ncolumns != dc->nin) {
        snprintf(err, errlen, "a batch of %zu columns reached the decimation, %zu were expected",
                 batch->ncolumns, dc->nin);
        return PIVOT_EINVAL;
    }
    for (size_t i = 0; i < dc->nin; i++) {
        if (batch->columns[i].type != dc->acc[i].type) {
            snprintf(err, errlen, "signal \"%s\" arrived as %s, described as %s",
                     batch->columns[i].name != NULL ? batch->columns[i].name : "?",
                     pivot_type_name(batch->columns[i].type), pivot_type_name(dc->acc[i].type));
            return PIVOT_EINVAL;
        }
        /* Only a nullable signal's batch is known to have a `valid` member. */
        dc->in_valid[i] = dc->acc[i].nullable && batch->valid != NULL ? batch->valid[i] : NULL;
    }
    return 0;
}

int pv_decimator_feed(pv_decimator *dc, const pivot_batch *batch, pv_decimate_emit_fn emit,
                      void *arg, char *err, size_t errlen)
{
    int rc = check_batch(dc, batch, err, errlen);

    if (rc != 0)
        return rc;
    for (size_t r = 0; r < batch->count; r++) {
        int64_t t = batch->time[r];
        if (dc->d.interval_ns > 0) {
            int64_t key = bucket_of(dc, t);
            if (dc->count > 0 && key != dc->bucket_key) {
                rc = close_bucket(dc, emit, arg);
                if (rc != 0)
                    goto out;
            }
            if (dc->count == 0) {
                dc->bucket_key = key;
                dc->bucket_time = dc->origin_ns + key * dc->d.interval_ns;
            }
        } else if (dc->count == 0) {
            dc->bucket_time = t;
        }
        for (size_t i = 0; i < dc->nin; i++) {
            if (accumulate(&dc->acc[i], &batch->columns[i], dc->in_valid[i], r, dc->count == 0) !=
                0) {
                snprintf(err, errlen, "out of memory decimating signal \"%s\"",
                         dc->out_signals[dc->acc[i].out].name);
                rc = PIVOT_ENOMEM;
                goto out;
            }
        }
        dc->count++;
        if (dc->d.factor > 0 && dc->count == dc->d.factor) {
            rc = close_bucket(dc, emit, arg);
            if (rc != 0)
                goto out;
        }
    }
out:
    return rc;
}

int pv_decimator_flush(pv_decimator *dc, pv_decimate_emit_fn emit, void *arg, char *err,
                       size_t errlen)
{
    int rc;

    (void)err;
    (void)errlen;
    rc = close_bucket(dc, emit, arg);
    if (rc == 0)
        rc = emit_rows(dc, emit, arg);
    return rc;
}
