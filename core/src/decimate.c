#include "decimate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[] = {"none", "downsample", "mean",  "min",
                                           "max",  "rms",        "minmax"};

/* The running state of one input signal over the open bucket. */
typedef struct accumulator {
    pivot_type type;
    int reduce;      /* numeric and a reducing method; else the first value is kept */
    int square;      /* rms: the sum is of squares */
    size_t out;      /* index of its (first) output column */
    int64_t first_i; /* first value: int32, int64 and bool */
    double first_f;  /* first value: float32 and float64 */
    char *first_s;   /* first value: string, owned until moved into a row */
    int64_t min_i, max_i;
    double min_f, max_f;
    double sum, carry; /* compensated sum of the values (mean) or squares (rms) */
} accumulator;

/* One output column's rows, PV_DECIMATE_BATCH_ROWS of them. */
typedef struct out_column {
    void *data;
} out_column;

struct pv_decimator {
    pv_decimation d;
    int64_t origin_ns;
    size_t nin;
    accumulator *acc;
    size_t nout;
    pivot_signal_info *out_signals;
    char **out_names; /* names built for minmax, NULL where borrowed */
    pivot_column *columns;
    out_column *cols;
    int64_t *time;
    size_t rows; /* rows gathered, not yet emitted */
    /* the open bucket */
    uint64_t count; /* samples in it; 0: none open */
    int64_t bucket_key;
    int64_t bucket_time;
};

int pv_decimate_method_parse(const char *name, pv_decimate_method *out)
{
    for (size_t i = 1; name != NULL && i < sizeof(method_names) / sizeof(method_names[0]); i++) {
        if (strcmp(name, method_names[i]) == 0) {
            *out = (pv_decimate_method)i;
            return 0;
        }
    }
    return PIVOT_EINVAL;
}

const char *pv_decimate_method_name(pv_decimate_method method)
{
    if ((size_t)method < sizeof(method_names) / sizeof(method_names[0]))
        return method_names[method];
    return "unknown";
}

/* Reads digits into *v; returns how many were read (0 on overflow past 10^15). */
static size_t read_digits(const char *s, int64_t *v)
{
    size_t n = 0;
    *v = 0;
    while (s[n] >= '0' && s[n] <= '9') {
        if (*v > 100000000000000LL)
            return 0;
        *v = *v * 10 + (s[n] - '0');
        n++;
    }
    return n;
}

/* Adds value * unit to *total; returns 0 or PIVOT_ERANGE. */
static int add_scaled(int64_t *total, int64_t value, int64_t unit)
{
    int64_t part;
    if (__builtin_mul_overflow(value, unit, &part) || __builtin_add_overflow(*total, part, total))
        return PIVOT_ERANGE;
    return 0;
}

int pv_decimate_interval_parse(const char *text, int64_t *ns)
{
    /* Designators in the order ISO 8601 puts them, and their length. */
    static const struct {
        char designator;
        int in_time;
        int64_t unit;
    } parts[] = {{'D', 0, 86400000000000LL},
                 {'H', 1, 3600000000000LL},
                 {'M', 1, 60000000000LL},
                 {'S', 1, 1000000000LL}};
    const char *s = text;
    int64_t total = 0;
    size_t next = 0, components = 0;
    int in_time = 0;

    if (s == NULL || *s++ != 'P')
        return PIVOT_EINVAL;
    while (*s != '\0') {
        int64_t value, frac = 0, frac_unit = 1000000000LL;
        size_t n;
        if (*s == 'T' && !in_time) {
            in_time = 1;
            s++;
            if (*s == '\0')
                return PIVOT_EINVAL; /* "PT" names no component */
            continue;
        }
        n = read_digits(s, &value);
        if (n == 0)
            return PIVOT_EINVAL;
        s += n;
        if (*s == '.' || *s == ',') {
            /* Only seconds take a fraction: a fraction of a day is rarely meant. */
            size_t digits = 0;
            for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
                if (digits < 9) {
                    frac = frac * 10 + (*s - '0');
                    frac_unit /= 10;
                }
            }
            if (digits == 0 || *s != 'S')
                return PIVOT_EINVAL;
        }
        while (next < sizeof(parts) / sizeof(parts[0]) &&
               (parts[next].designator != *s || parts[next].in_time != in_time))
            next++;
        if (next == sizeof(parts) / sizeof(parts[0]))
            return PIVOT_EINVAL; /* Y, W, a month, a repeat or out of order */
        if (add_scaled(&total, value, parts[next].unit) != 0 ||
            add_scaled(&total, frac, frac_unit) != 0)
            return PIVOT_ERANGE;
        next++;
        components++;
        s++;
    }
    if (components == 0 || total <= 0)
        return PIVOT_EINVAL;
    *ns = total;
    return 0;
}

static int is_numeric(pivot_type t)
{
    return t == PIVOT_TYPE_INT32 || t == PIVOT_TYPE_INT64 || t == PIVOT_TYPE_FLOAT32 ||
           t == PIVOT_TYPE_FLOAT64;
}

static int is_float(pivot_type t)
{
    return t == PIVOT_TYPE_FLOAT32 || t == PIVOT_TYPE_FLOAT64;
}

static size_t type_size(pivot_type t)
{
    switch (t) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_FLOAT32:
        return 4;
    case PIVOT_TYPE_BOOL:
        return 1;
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
    case PIVOT_TYPE_STRING:
        return 8;
    }
    return 8;
}

void pv_decimator_free(pv_decimator *dc)
{
    if (dc == NULL)
        return;
    for (size_t i = 0; dc->acc != NULL && i < dc->nin; i++)
        free(dc->acc[i].first_s);
    for (size_t k = 0; dc->cols != NULL && k < dc->nout; k++) {
        if (dc->out_signals[k].type == PIVOT_TYPE_STRING && dc->cols[k].data != NULL) {
            char **s = dc->cols[k].data;
            for (size_t r = 0; r < dc->rows; r++)
                free(s[r]);
        }
        free(dc->cols[k].data);
    }
    for (size_t k = 0; dc->out_names != NULL && k < dc->nout; k++)
        free(dc->out_names[k]);
    free(dc->out_names);
    free(dc->cols);
    free(dc->columns);
    free(dc->out_signals);
    free(dc->acc);
    free(dc->time);
    free(dc);
}

/* Adds "<name><suffix>" as output column k, owning the name. */
static int add_output(pv_decimator *dc, size_t k, const char *name, const char *suffix,
                      pivot_type type)
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
    dc->columns[k] = (pivot_column){.name = name, .type = type};
    dc->cols[k].data = calloc(PV_DECIMATE_BATCH_ROWS, type_size(type));
    return dc->cols[k].data != NULL ? 0 : PIVOT_ENOMEM;
}

int pv_decimator_new(const pv_decimation *d, int64_t origin_ns, const pivot_signal_info *in,
                     size_t nin, pv_decimator **out, char *err, size_t errlen)
{
    pv_decimator *dc = NULL;
    size_t k = 0;
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
    dc->acc = calloc(nin > 0 ? nin : 1, sizeof(*dc->acc));
    dc->out_signals = calloc(dc->nout > 0 ? dc->nout : 1, sizeof(*dc->out_signals));
    dc->out_names = calloc(dc->nout > 0 ? dc->nout : 1, sizeof(*dc->out_names));
    dc->columns = calloc(dc->nout > 0 ? dc->nout : 1, sizeof(*dc->columns));
    dc->cols = calloc(dc->nout > 0 ? dc->nout : 1, sizeof(*dc->cols));
    dc->time = calloc(PV_DECIMATE_BATCH_ROWS, sizeof(*dc->time));
    if (dc->acc == NULL || dc->out_signals == NULL || dc->out_names == NULL ||
        dc->columns == NULL || dc->cols == NULL || dc->time == NULL)
        goto out;
    for (size_t i = 0; i < nin; i++) {
        accumulator *a = &dc->acc[i];
        pivot_type t = in[i].type;
        a->type = t;
        a->reduce = is_numeric(t) && d->method != PV_DECIMATE_DOWNSAMPLE;
        a->out = k;
        a->square = d->method == PV_DECIMATE_RMS;
        if (d->method == PV_DECIMATE_MINMAX && a->reduce) {
            if (add_output(dc, k++, in[i].name, ".min", t) != 0 ||
                add_output(dc, k++, in[i].name, ".max", t) != 0)
                goto out;
            continue;
        }
        if (a->reduce && (d->method == PV_DECIMATE_MEAN || d->method == PV_DECIMATE_RMS))
            t = PIVOT_TYPE_FLOAT64;
        if (add_output(dc, k++, in[i].name, NULL, t) != 0)
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

/* Takes sample r of column c into the accumulator; first says it opens the bucket. */
static int accumulate(accumulator *a, const pivot_column *c, size_t r, int first)
{
    int64_t vi = 0;
    double vf = 0.0;

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
    case PIVOT_TYPE_BOOL:
        vi = ((const uint8_t *)c->data)[r];
        break;
    case PIVOT_TYPE_STRING:
        if (first) {
            const char *s = ((const char *const *)c->data)[r];
            a->first_s = strdup(s != NULL ? s : "");
            if (a->first_s == NULL)
                return PIVOT_ENOMEM;
        }
        return 0;
    }
    if (first) {
        a->first_i = a->min_i = a->max_i = vi;
        a->first_f = a->min_f = a->max_f = vf;
        a->sum = a->carry = 0.0;
    } else if (!a->reduce) {
        return 0;
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
    if (a->reduce)
        add_compensated(a, a->square ? vf * vf : vf);
    return 0;
}

/* Writes the open bucket's value of accumulator a into row `row` of its output columns. */
static void write_value(pv_decimator *dc, accumulator *a, uint64_t count, size_t row)
{
    void *data = dc->cols[a->out].data;
    pv_decimate_method m = dc->d.method;

    if (a->type == PIVOT_TYPE_STRING) {
        ((char **)data)[row] = a->first_s; /* the row owns it now */
        a->first_s = NULL;
        return;
    }
    if (a->reduce && (m == PV_DECIMATE_MEAN || m == PV_DECIMATE_RMS)) {
        double mean = compensated_total(a) / (double)count;
        ((double *)data)[row] = m == PV_DECIMATE_RMS ? sqrt(mean) : mean;
        return;
    }
    for (int side = 0; side < (m == PV_DECIMATE_MINMAX && a->reduce ? 2 : 1); side++) {
        int64_t vi = a->first_i;
        double vf = a->first_f;
        if (a->reduce && (m == PV_DECIMATE_MIN || (m == PV_DECIMATE_MINMAX && side == 0))) {
            vi = a->min_i;
            vf = a->min_f;
        } else if (a->reduce) {
            vi = a->max_i;
            vf = a->max_f;
        }
        data = dc->cols[a->out + (size_t)side].data;
        switch (a->type) {
        case PIVOT_TYPE_INT32:
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
            break;
        }
    }
}

/* Hands out the gathered rows and frees the strings they held. */
static int emit_rows(pv_decimator *dc, pv_decimate_emit_fn emit, void *arg)
{
    pivot_batch b = {
        .count = dc->rows, .time = dc->time, .ncolumns = dc->nout, .columns = dc->columns};
    int rc = 0;

    if (dc->rows == 0)
        return 0;
    for (size_t k = 0; k < dc->nout; k++)
        dc->columns[k].data = dc->cols[k].data;
    rc = emit(arg, &b);
    for (size_t k = 0; k < dc->nout; k++) {
        if (dc->out_signals[k].type != PIVOT_TYPE_STRING)
            continue;
        char **s = dc->cols[k].data;
        for (size_t r = 0; r < dc->rows; r++) {
            free(s[r]);
            s[r] = NULL;
        }
    }
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
        write_value(dc, &dc->acc[i], dc->count, dc->rows);
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

int pv_decimator_feed(pv_decimator *dc, const pivot_batch *batch, pv_decimate_emit_fn emit,
                      void *arg, char *err, size_t errlen)
{
    int rc = 0;

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
    }
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
            if (accumulate(&dc->acc[i], &batch->columns[i], r, dc->count == 0) != 0) {
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
