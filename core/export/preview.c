#include "preview.h"

#include <pivot/common.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One signal's buckets: only those that received a value are written. */
typedef struct series {
    size_t column; /* its column in the channel's batches */
    pivot_type type;
    const char *name; /* borrowed from begin_channel's sigs, for this channel */
    double *min, *max;
    unsigned char *seen;
} series;

struct pv_preview {
    FILE *f;
    pivot_range range;
    size_t points;
    int64_t bucket_ns;
    size_t kept; /* series written so far, over all channels */
    const char *channel;
    series *s;
    size_t ns;
    uint32_t *bucket_of; /* per row of the batch being added: its bucket, or NO_BUCKET */
    size_t bucket_cap;
    int broken;       /* out of memory or over max_bytes once: the file must not be used */
    size_t max_bytes; /* 0: unbounded */
    size_t written;   /* bytes handed to f so far: never past max_bytes */
    int too_big;      /* dropped for max_bytes */
};

#define NO_BUCKET UINT32_MAX

static int numeric(pivot_type t)
{
    return t == PIVOT_TYPE_INT32 || t == PIVOT_TYPE_INT64 || t == PIVOT_TYPE_FLOAT32 ||
           t == PIVOT_TYPE_FLOAT64 || t == PIVOT_TYPE_BOOL;
}

static void drop_channel(pv_preview *pv)
{
    for (size_t i = 0; i < pv->ns; i++) {
        free(pv->s[i].min);
        free(pv->s[i].max);
        free(pv->s[i].seen);
    }
    free(pv->s);
    pv->s = NULL;
    pv->ns = 0;
}

pv_preview *pv_preview_open(const char *path, pivot_range range, size_t points, size_t max_bytes,
                            char *err, size_t errlen)
{
    pv_preview *pv = calloc(1, sizeof(*pv));
    int64_t span = range.end_ns - range.start_ns;

    if (pv == NULL || points == 0 || span <= 0) {
        snprintf(err, errlen, "cannot prepare the preview: %s",
                 pv == NULL ? "out of memory" : "empty range");
        free(pv);
        return NULL;
    }
    pv->f = fopen(path, "w");
    if (pv->f == NULL) {
        snprintf(err, errlen, "cannot create the preview file: %s", strerror(errno));
        free(pv);
        return NULL;
    }
    pv->range = range;
    pv->max_bytes = max_bytes;
    /* Whole nanoseconds per bucket, rounded up so that points buckets
     * cover the range; the last one may reach past its end. */
    pv->bucket_ns = span / (int64_t)points + (span % (int64_t)points != 0);
    pv->points = (size_t)((span + pv->bucket_ns - 1) / pv->bucket_ns);
    int n = fprintf(pv->f,
                    "{\"preview_version\":1,\"start_ns\":%lld,\"end_ns\":%lld,\"bucket_ns\":%lld,"
                    "\"points\":%zu}\n",
                    (long long)range.start_ns, (long long)range.end_ns, (long long)pv->bucket_ns,
                    pv->points);
    pv->written = n > 0 ? (size_t)n : 0;
    return pv;
}

int pv_preview_begin_channel(pv_preview *pv, const char *channel, const pivot_signal_info *sigs,
                             size_t nsigs)
{
    if (pv == NULL)
        return 0;
    drop_channel(pv);
    pv->channel = channel;
    pv->s = calloc(nsigs ? nsigs : 1, sizeof(*pv->s));
    if (pv->s == NULL) {
        pv->broken = 1;
        return PIVOT_ENOMEM;
    }
    for (size_t k = 0; k < nsigs && pv->kept + pv->ns < PV_PREVIEW_MAX_SERIES; k++) {
        if (!numeric(sigs[k].type))
            continue;
        series *s = &pv->s[pv->ns++];
        s->column = k;
        s->type = sigs[k].type;
        s->name = sigs[k].name;
        s->min = malloc(pv->points * sizeof(double));
        s->max = malloc(pv->points * sizeof(double));
        s->seen = calloc(pv->points, 1);
        if (s->min == NULL || s->max == NULL || s->seen == NULL) {
            drop_channel(pv);
            pv->broken = 1;
            return PIVOT_ENOMEM;
        }
    }
    return 0;
}

/* Each row's bucket, once for all the batch's signals. Rows come in time
 * order, so the bucket only moves forward: a comparison per row instead of
 * a division (a row out of order takes the division). */
static int bucket_rows(pv_preview *pv, const pivot_batch *batch)
{
    if (batch->count > pv->bucket_cap) {
        uint32_t *p = realloc(pv->bucket_of, batch->count * sizeof(*p));
        if (p == NULL)
            return -1;
        pv->bucket_of = p;
        pv->bucket_cap = batch->count;
    }
    int64_t start = pv->range.start_ns, end = pv->range.end_ns, step = pv->bucket_ns;
    uint32_t b = 0;
    int64_t lo = start, hi = start + step;
    for (size_t i = 0; i < batch->count; i++) {
        int64_t t = batch->time[i];
        if (t < start || t >= end) {
            pv->bucket_of[i] = NO_BUCKET;
            continue;
        }
        if (t < lo || t >= hi + step) {
            b = (uint32_t)((t - start) / step);
            lo = start + (int64_t)b * step;
            hi = lo + step;
        } else if (t >= hi) {
            b++;
            lo = hi;
            hi += step;
        }
        pv->bucket_of[i] = b;
    }
    return 0;
}

/* One signal's values into its buckets; a loop per element type so that
 * the inner loop has no switch. */
#define ADD_VALUES(ctype)                                                                          \
    do {                                                                                           \
        const ctype *v = c->data;                                                                  \
        for (size_t i = 0; i < count; i++) {                                                       \
            uint32_t b = pv->bucket_of[i];                                                         \
            if (b == NO_BUCKET || (valid != NULL && !valid[i]))                                    \
                continue;                                                                          \
            double x = (double)v[i];                                                               \
            if (!isfinite(x)) /* JSON has no NaN; a gap shows as a gap */                          \
                continue;                                                                          \
            if (!s->seen[b]) {                                                                     \
                s->seen[b] = 1;                                                                    \
                s->min[b] = s->max[b] = x;                                                         \
            } else if (x < s->min[b]) {                                                            \
                s->min[b] = x;                                                                     \
            } else if (x > s->max[b]) {                                                            \
                s->max[b] = x;                                                                     \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static void add_series(pv_preview *pv, series *s, const pivot_column *c, const uint8_t *valid,
                       size_t count)
{
    switch (c->type) {
    case PIVOT_TYPE_INT32:
        ADD_VALUES(int32_t);
        break;
    case PIVOT_TYPE_INT64:
        ADD_VALUES(int64_t);
        break;
    case PIVOT_TYPE_FLOAT32:
        ADD_VALUES(float);
        break;
    case PIVOT_TYPE_FLOAT64:
        ADD_VALUES(double);
        break;
    case PIVOT_TYPE_BOOL:
        ADD_VALUES(uint8_t);
        break;
    default:
        break;
    }
}

void pv_preview_add(pv_preview *pv, const pivot_batch *batch)
{
    if (pv == NULL || pv->ns == 0 || batch->count == 0)
        return;
    if (bucket_rows(pv, batch) != 0) {
        pv->broken = 1;
        return;
    }
    for (size_t j = 0; j < pv->ns; j++) {
        series *s = &pv->s[j];
        if (s->column >= batch->ncolumns || batch->columns[s->column].type != s->type)
            continue;
        add_series(pv, s, &batch->columns[s->column],
                   batch->valid != NULL ? batch->valid[s->column] : NULL, batch->count);
    }
}

/* A JSON string of a name from the data: channel and signal names are
 * plain, but a source may allow quotes or control characters. */
static void put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* Writes series s of the current channel as one JSON line to f. */
static void put_series(FILE *f, const char *channel, const series *s, size_t points)
{
    static const char *const names[] = {"min", "max"};
    const char *sep = "";

    fputs("{\"channel\":", f);
    put_string(f, channel);
    fputs(",\"signal\":", f);
    put_string(f, s->name);
    fputs(",\"bucket\":[", f);
    for (size_t b = 0; b < points; b++) {
        if (s->seen[b]) {
            fprintf(f, "%s%zu", sep, b);
            sep = ",";
        }
    }
    for (int m = 0; m < 2; m++) {
        const double *v = m == 0 ? s->min : s->max;
        fprintf(f, "],\"%s\":[", names[m]);
        sep = "";
        for (size_t b = 0; b < points; b++) {
            if (s->seen[b]) {
                fprintf(f, "%s%.17g", sep, v[b]);
                sep = ",";
            }
        }
    }
    fputs("]}\n", f);
}

int pv_preview_end_channel(pv_preview *pv)
{
    if (pv == NULL)
        return 0;
    for (size_t j = 0; j < pv->ns && !pv->broken; j++) {
        char *line = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&line, &len);

        if (mem == NULL) {
            pv->broken = 1;
            break;
        }
        put_series(mem, pv->channel, &pv->s[j], pv->points);
        if (fclose(mem) != 0) {
            pv->broken = 1;
        } else if (pv->max_bytes != 0 && pv->written + len > pv->max_bytes) {
            /* Measured before it is written, so that the preview never
             * meets the result's size limit (jobs.max_output_bytes, which
             * binds every file the worker writes): dropped instead. */
            pv->broken = pv->too_big = 1;
        } else {
            fwrite(line, 1, len, pv->f);
            pv->written += len;
        }
        free(line);
    }
    pv->kept += pv->ns;
    drop_channel(pv);
    return ferror(pv->f) ? PIVOT_EIO : 0;
}

int pv_preview_close(pv_preview *pv)
{
    int rc = 0;
    if (pv == NULL)
        return 0;
    if (pv->broken || ferror(pv->f))
        rc = pv->too_big ? PIVOT_ERANGE : PIVOT_EIO;
    if (fclose(pv->f) != 0)
        rc = PIVOT_EIO;
    pv->f = NULL;
    pv_preview_free(pv);
    return rc;
}

void pv_preview_free(pv_preview *pv)
{
    if (pv == NULL)
        return;
    if (pv->f != NULL)
        fclose(pv->f);
    drop_channel(pv);
    free(pv->bucket_of);
    free(pv);
}
