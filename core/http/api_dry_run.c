/*
 * POST /api/v1/pivot/jobs?dry_run=true: the validated, resolved job shown
 * instead of queued, with an estimate of its output. The estimate follows
 * the HDF5 layout: every column is a chunked dataset whose chunks are
 * allocated whole, plus a fixed cost per file, channel and dataset; the
 * sample count comes from each channel's span and rate clipped to the range,
 * and a decimated job writes one row per bucket instead of every sample.
 */
#include "api.h"

#include "decimate.h"
#include "export_signals.h"
#include "http_reply.h"
#include "job_spec.h"
#include "json_out.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The exporter's default chunk (plugins/hdf5), in bytes of elements. */
#define CHUNK_BYTES (128 * 1024)
/* Fixed costs measured on files the HDF5 exporter wrote: superblock and
 * root attributes, a channel group with its attributes, a dataset's object
 * header, attributes and chunk index. */
#define FILE_OVERHEAD 8192.0
#define CHANNEL_OVERHEAD 2048.0
#define DATASET_OVERHEAD 1024.0

/* What one channel of the estimate comes to. */
typedef struct channel_estimate {
    double samples; /* read from the source */
    double rows;    /* written: samples, or buckets when decimated */
    double bytes;
} channel_estimate;

/* A variable-length element (string, bytes) is stored as a 16-byte
 * descriptor in its chunk and its content as an object of the global heap:
 * a 16-byte header and the content padded to 8 bytes. The content is
 * counted as 8 bytes, as labels and codes are usually short. */
#define VARIABLE_DESCRIPTOR 16.0
#define VARIABLE_HEAP (16.0 + 8.0)

/* How one element of a dataset is stored, as plugins/hdf5 writes it. */
typedef struct element_layout {
    double bytes;  /* in the chunks */
    size_t sizing; /* the type's size, by which the exporter divides its chunk bytes */
    double heap;   /* outside the chunks: variable-length content */
} element_layout;

/* The smallest integer holding an enum's indices, as the exporter picks it. */
static size_t enum_bytes(const pivot_signal_detail *d)
{
    if (d->symbols == NULL || d->nsymbols == 0)
        return 4;
    return d->nsymbols <= 128 ? 1 : d->nsymbols <= 32768 ? 2 : 4;
}

static element_layout element_of(pivot_type t, const pivot_signal_detail *d)
{
    element_layout e = {8.0, 8, 0.0};

    switch (t) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_FLOAT32:
        e.bytes = 4.0;
        e.sizing = 4;
        break;
    case PIVOT_TYPE_BOOL:
        e.bytes = 1.0;
        e.sizing = 1;
        break;
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
        break;
    case PIVOT_TYPE_ENUM:
        e.sizing = enum_bytes(d);
        e.bytes = (double)e.sizing;
        break;
    case PIVOT_TYPE_STRING:
        /* HDF5 sizes a variable-length string as a pointer. */
        e.bytes = VARIABLE_DESCRIPTOR;
        e.sizing = sizeof(char *);
        e.heap = VARIABLE_HEAP;
        break;
    case PIVOT_TYPE_BYTES:
        if (d->fixed_size > 0) { /* an opaque type of that size */
            e.bytes = (double)d->fixed_size;
            e.sizing = d->fixed_size;
        } else { /* a sequence of uint8, sized as its descriptor hvl_t */
            e.bytes = VARIABLE_DESCRIPTOR;
            e.sizing = 16;
            e.heap = VARIABLE_HEAP;
        }
        break;
    }
    return e;
}

static element_layout plain_element(double bytes)
{
    element_layout e = {bytes, (size_t)bytes, 0.0};
    return e;
}

static int is_numeric(pivot_type t)
{
    return t == PIVOT_TYPE_INT32 || t == PIVOT_TYPE_INT64 || t == PIVOT_TYPE_FLOAT32 ||
           t == PIVOT_TYPE_FLOAT64;
}

/* Elements per chunk: options.chunk_size, or about CHUNK_BYTES of the type. */
static double chunk_of(element_layout e, int64_t chunk_size)
{
    if (chunk_size > 0)
        return (double)chunk_size;
    return (double)(CHUNK_BYTES / e.sizing > 0 ? CHUNK_BYTES / e.sizing : 1);
}

/* Bytes of a dataset of n elements in chunks of per_chunk: whole chunks,
 * the content kept outside them, plus its fixed cost. */
static double dataset_bytes(double n, element_layout e, double per_chunk)
{
    return DATASET_OVERHEAD + ceil(n / per_chunk) * per_chunk * e.bytes + n * e.heap;
}

/* Samples of a channel in range, from its span and rate, and the part of
 * the range they cover, [*from, *to); 0 when unknown. */
static double channel_samples(pv_api_env *env, const char *channel, pivot_range range,
                              int64_t *from, int64_t *to)
{
    const pivot_source *src = env->server->source;
    pivot_range span = {0, 0};
    double rate = 0.0, n;
    char err[PIVOT_ERRMSG_SIZE];

    if (!PIVOT_HAS_MEMBER(src, pivot_source, span) || src->span == NULL ||
        src->span(env->source_ctx, channel, &span, &rate, err, sizeof(err)) != 0 ||
        span.end_ns <= span.start_ns)
        return 0.0;
    *from = span.start_ns > range.start_ns ? span.start_ns : range.start_ns;
    *to = span.end_ns < range.end_ns ? span.end_ns : range.end_ns;
    if (*to <= *from)
        return 0.0;
    if (rate <= 0.0)
        return 1.0; /* one sample known, no rate to go further */
    /* Samples every 1/rate from `from` on, before `to`; the slack absorbs
     * rounding where the range ends exactly on a sample. The difference is
     * taken in integers: a double holds times since 1970 to 256 ns only. */
    n = ceil((double)(*to - *from) * rate / 1e9 - 1e-9);
    return n > 0.0 ? n : 0.0;
}

/* Rows a decimated channel writes: one per bucket that holds a sample. With
 * an interval, the buckets start at the range's start and those met between
 * the first and the last sample are counted (a gap in the data leaves
 * buckets empty, so this is at most one too many per gap); never more
 * than the samples. */
static double decimated_rows(const pv_decimation *d, double n, pivot_range range, int64_t from,
                             int64_t to)
{
    double buckets;

    if (d->method == PV_DECIMATE_NONE || n <= 0.0)
        return n;
    if (d->factor > 0)
        return ceil(n / (double)d->factor);
    buckets = (double)((to - 1 - range.start_ns) / d->interval_ns -
                       (from - range.start_ns) / d->interval_ns + 1);
    return buckets < n ? buckets : n;
}

/* Bytes of the datasets one signal becomes: minmax splits a numeric signal
 * in two, mean and rms write float64, and each nullable output has a
 * uint8 `.valid` mask beside it, chunked as the output. */
static double signal_bytes(const pv_decimation *d, pivot_type type,
                           const pivot_signal_detail *detail, double rows, int64_t chunk_size)
{
    element_layout element = element_of(type, detail);
    double per_chunk;
    int outputs = 1;

    if (is_numeric(type) && d->method == PV_DECIMATE_MINMAX)
        outputs = 2;
    else if (is_numeric(type) && (d->method == PV_DECIMATE_MEAN || d->method == PV_DECIMATE_RMS))
        element = plain_element(8.0);
    per_chunk = chunk_of(element, chunk_size);
    return outputs *
           (dataset_bytes(rows, element, per_chunk) +
            (detail->nullable ? dataset_bytes(rows, plain_element(1.0), per_chunk) : 0.0));
}

/* Writes one channel of the spec and returns its estimate. */
static channel_estimate gen_channel(pv_api_env *env, yajl_gen g, const pv_job_spec *spec,
                                    const pv_pipeline_channel *ch)
{
    const pivot_source *src = env->server->source;
    pivot_channel_info *info = NULL;
    channel_estimate e = {0.0, 0.0, CHANNEL_OVERHEAD};
    int64_t from = 0, to = 0;
    char err[PIVOT_ERRMSG_SIZE];

    e.samples = channel_samples(env, ch->name, spec->range, &from, &to);
    e.rows = decimated_rows(&spec->decimation, e.samples, spec->range, from, to);
    if (src->describe(env->source_ctx, ch->name, &info, err, sizeof(err)) != 0)
        info = NULL;
    yajl_gen_map_open(g);
    pv_gen_key_str(g, "name", ch->name);
    pv_gen_str(g, "signals");
    yajl_gen_array_open(g);
    e.bytes += dataset_bytes(e.rows, plain_element(8.0),
                             chunk_of(plain_element(8.0), spec->chunk_size)); /* time */
    for (size_t i = 0; i < ch->nsignals; i++) {
        pivot_type type = PIVOT_TYPE_FLOAT64;
        pivot_signal_detail detail;
        for (size_t k = 0; info != NULL && k < info->nsignals; k++)
            if (strcmp(info->signals[k].name, ch->signals[i]) == 0)
                type = info->signals[k].type;
        pivot_signal_detail_read(pv_signal_detail_find(info, ch->signals[i]), &detail);
        pv_gen_str(g, ch->signals[i]);
        e.bytes += signal_bytes(&spec->decimation, type, &detail, e.rows, spec->chunk_size);
    }
    yajl_gen_array_close(g);
    pv_gen_key_int(g, "samples", (int64_t)e.samples);
    pv_gen_key_int(g, "rows", (int64_t)e.rows);
    yajl_gen_map_close(g);
    if (info != NULL)
        src->free_info(env->source_ctx, info);
    return e;
}

int pv_api_jobs_dry_run(pv_api_env *env, h2o_req_t *req, const pv_job *job)
{
    pv_job_spec spec;
    channel_estimate total = {0.0, 0.0, FILE_OVERHEAD};
    char err[PIVOT_ERRMSG_SIZE];
    yajl_gen g = NULL;
    int rc;

    if (pv_job_spec_parse(job->spec, &spec, err, sizeof(err)) != 0) {
        rc = pv_reply_error(req, 500, "internal-error", "Internal error",
                            "the resolved job could not be read back: %s", err);
        goto out;
    }
    g = pv_gen_new();
    if (g == NULL) {
        rc = -1;
        goto out;
    }
    yajl_gen_map_open(g);
    pv_gen_str(g, "dry_run");
    yajl_gen_bool(g, 1);
    pv_gen_str(g, "time_range");
    yajl_gen_map_open(g);
    pv_gen_key_time_ns(g, "start", job->range_start_ns);
    pv_gen_key_time_ns(g, "end", job->range_end_ns);
    yajl_gen_map_close(g);
    pv_gen_key_str(g, "format", job->format);
    pv_gen_str(g, "channels");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < spec.nchannels; i++) {
        channel_estimate e = gen_channel(env, g, &spec, &spec.channels[i]);
        total.samples += e.samples;
        total.rows += e.rows;
        total.bytes += e.bytes;
    }
    yajl_gen_array_close(g);
    pv_gen_str(g, "estimate");
    yajl_gen_map_open(g);
    pv_gen_key_int(g, "samples", (int64_t)total.samples);
    pv_gen_key_int(g, "rows", (int64_t)total.rows);
    pv_gen_key_int(g, "bytes", (int64_t)total.bytes);
    /* Compressed sizes depend on the data, which a dry run does not read:
     * the bytes stay those of the uncompressed file, which deflate only
     * shrinks, and the answer says so rather than guessing a ratio. */
    pv_gen_str(g, "compressed");
    yajl_gen_bool(g, spec.gzip_level > 0);
    pv_gen_str(g, "bytes_is_upper_bound");
    yajl_gen_bool(g, spec.gzip_level > 0);
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
    rc = pv_reply_json(req, 200, g);
out:
    if (g != NULL)
        yajl_gen_free(g);
    pv_job_spec_free(&spec);
    return rc;
}
