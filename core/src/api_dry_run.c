/*
 * POST /api/v1/pivot/jobs?dry_run=true: the validated, resolved job shown
 * instead of queued, with an estimate of its output. The estimate follows
 * the HDF5 layout: every column is a chunked dataset whose chunks are
 * allocated whole, plus a fixed cost per file, channel and dataset; the
 * sample count comes from each channel's span and rate clipped to the range.
 */
#include "api.h"

#include "http_reply.h"
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

/* Bytes of one element as written; strings count their variable-length
 * descriptor, as their text is usually short. */
static size_t element_bytes(pivot_type t)
{
    switch (t) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_FLOAT32:
        return 4;
    case PIVOT_TYPE_BOOL:
        return 1;
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
        return 8;
    case PIVOT_TYPE_STRING:
        return 16;
    }
    return 8;
}

/* Bytes of a dataset of n elements: whole chunks, plus its fixed cost. */
static double dataset_bytes(double n, size_t element, int64_t chunk_elements)
{
    double per_chunk = chunk_elements > 0
                           ? (double)chunk_elements
                           : (double)(CHUNK_BYTES / element > 0 ? CHUNK_BYTES / element : 1);
    return DATASET_OVERHEAD + ceil(n / per_chunk) * per_chunk * (double)element;
}

/* Samples of a channel in range, from its span and rate; 0 when unknown. */
static double channel_samples(pv_http_thread *t, const char *channel, pivot_range range)
{
    const pivot_source *src = t->server->source;
    pivot_range span = {0, 0};
    double rate = 0.0, n;
    char err[PIVOT_ERRMSG_SIZE];

    if (!PIVOT_HAS_MEMBER(src, pivot_source, span) || src->span == NULL ||
        src->span(t->source_ctx, channel, &span, &rate, err, sizeof(err)) != 0 ||
        span.end_ns <= span.start_ns)
        return 0.0;
    int64_t from = span.start_ns > range.start_ns ? span.start_ns : range.start_ns;
    int64_t to = span.end_ns < range.end_ns ? span.end_ns : range.end_ns;
    if (to <= from)
        return 0.0;
    if (rate <= 0.0)
        return 1.0; /* one sample known, no rate to go further */
    /* Samples every 1/rate from `from` on, before `to`; the slack absorbs
     * rounding where the range ends exactly on a sample. */
    n = ceil(((double)to - (double)from) * rate / 1e9 - 1e-9);
    return n > 0.0 ? n : 0.0;
}

/* Writes one channel of the spec and adds its estimate. */
static void gen_channel(pv_http_thread *t, yajl_gen g, yajl_val ch, pivot_range range,
                        int64_t chunk_elements, double *samples, double *bytes)
{
    const pivot_source *src = t->server->source;
    const char *name_path[] = {"name", NULL}, *signals_path[] = {"signals", NULL};
    yajl_val name = yajl_tree_get(ch, name_path, yajl_t_string);
    yajl_val sigs = yajl_tree_get(ch, signals_path, yajl_t_array);
    pivot_channel_info *info = NULL;
    char err[PIVOT_ERRMSG_SIZE];
    double n;

    if (name == NULL || sigs == NULL)
        return;
    n = channel_samples(t, YAJL_GET_STRING(name), range);
    if (src->describe(t->source_ctx, YAJL_GET_STRING(name), &info, err, sizeof(err)) != 0)
        info = NULL;
    yajl_gen_map_open(g);
    pv_gen_key_str(g, "name", YAJL_GET_STRING(name));
    pv_gen_str(g, "signals");
    yajl_gen_array_open(g);
    *bytes += CHANNEL_OVERHEAD + dataset_bytes(n, 8, chunk_elements); /* time */
    for (size_t i = 0; i < sigs->u.array.len; i++) {
        const char *sig = YAJL_GET_STRING(sigs->u.array.values[i]);
        pivot_type type = PIVOT_TYPE_FLOAT64;
        if (sig == NULL)
            continue;
        for (size_t k = 0; info != NULL && k < info->nsignals; k++)
            if (strcmp(info->signals[k].name, sig) == 0)
                type = info->signals[k].type;
        pv_gen_str(g, sig);
        *bytes += dataset_bytes(n, element_bytes(type), chunk_elements);
    }
    yajl_gen_array_close(g);
    pv_gen_key_int(g, "samples", (int64_t)n);
    yajl_gen_map_close(g);
    *samples += n;
    if (info != NULL)
        src->free_info(t->source_ctx, info);
}

int pv_api_jobs_dry_run(pv_http_thread *t, h2o_req_t *req, const pv_job *job)
{
    const char *channels_path[] = {"channels", NULL}, *chunk_path[] = {"chunk_size", NULL};
    char err[256];
    yajl_val spec = pv_json_parse(job->spec, strlen(job->spec), err, sizeof(err));
    yajl_val channels = spec != NULL ? yajl_tree_get(spec, channels_path, yajl_t_array) : NULL;
    yajl_val chunk = spec != NULL ? yajl_tree_get(spec, chunk_path, yajl_t_number) : NULL;
    pivot_range range = {job->range_start_ns, job->range_end_ns};
    int64_t chunk_elements = chunk != NULL && YAJL_IS_INTEGER(chunk) ? YAJL_GET_INTEGER(chunk) : 0;
    double samples = 0.0, bytes = FILE_OVERHEAD;
    yajl_gen g = NULL;
    int rc;

    if (channels == NULL) {
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
    for (size_t i = 0; i < channels->u.array.len; i++)
        gen_channel(t, g, channels->u.array.values[i], range, chunk_elements, &samples, &bytes);
    yajl_gen_array_close(g);
    pv_gen_str(g, "estimate");
    yajl_gen_map_open(g);
    pv_gen_key_int(g, "samples", (int64_t)samples);
    pv_gen_key_int(g, "bytes", (int64_t)bytes);
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
    rc = pv_reply_json(req, 200, g);
out:
    if (g != NULL)
        yajl_gen_free(g);
    yajl_tree_free(spec);
    return rc;
}
