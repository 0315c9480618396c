/*
 * POST /api/v1/pivot/jobs?dry_run=true: the validated, resolved job shown
 * instead of queued, with an estimate of its output. The sample count comes
 * from each channel's span and rate clipped to the range, and a decimated
 * job writes one row per bucket instead of every sample; the bytes those
 * rows make are the exporter's to say (estimate.h).
 */
#include "api.h"

#include "abi_check.h"

#include "decimate.h"
#include "estimate.h"
#include "http_reply.h"
#include "job_spec.h"
#include "json_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Samples of a channel in range, from its span and rate, and the part of
 * the range they cover, [*from, *to); 0 when unknown. */
static double channel_samples(pv_api_env *env, const char *channel, pivot_range range,
                              int64_t *from, int64_t *to)
{
    const pivot_source *src = env->server->source;
    pivot_range span = {0, 0};
    double rate = 0.0, n;
    char err[PIVOT_ERRMSG_SIZE];

    if (src->span == NULL ||
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

/* One channel as the dry run sees it: the source's description, kept
 * until the exporter's estimate has read what borrows from it. */
typedef struct dry_channel {
    pivot_channel_info *info;
    pv_estimate_channel est;
} dry_channel;

/* Writes one channel of the spec, adds its samples and rows to the totals
 * and prepares what the exporter's estimate is told of it in *dc. */
static int gen_channel(pv_api_env *env, yajl_gen g, const pv_job_spec *spec,
                       const pv_pipeline_channel *ch, dry_channel *dc, double *samples,
                       double *rows, char *err, size_t errlen)
{
    const pivot_source *src = env->server->source;
    int64_t from = 0, to = 0;
    double n, r;
    char msg[PIVOT_ERRMSG_SIZE];

    n = channel_samples(env, ch->name, spec->range, &from, &to);
    r = decimated_rows(&spec->decimation, n, spec->range, from, to);
    if (pv_source_describe(src, env->source_ctx, ch->name, &dc->info, msg, sizeof(msg)) != 0)
        dc->info = NULL;
    yajl_gen_map_open(g);
    pv_json_key_str(g, "name", ch->name);
    pv_json_str(g, "signals");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < ch->nsignals; i++)
        pv_json_str(g, ch->signals[i]);
    yajl_gen_array_close(g);
    pv_json_key_int(g, "samples", (int64_t)n);
    pv_json_key_int(g, "rows", (int64_t)r);
    yajl_gen_map_close(g);
    *samples += n;
    *rows += r;
    return pv_estimate_channel_init(&dc->est, ch->name, dc->info, ch->signals, ch->nsignals,
                                    &spec->decimation, spec->range.start_ns, (uint64_t)r, err,
                                    errlen);
}

/* The file's bytes by the job's exporter, and how they were estimated. */
static pv_estimate_basis estimate_bytes(pv_api_env *env, const pv_job *job, const pv_job_spec *spec,
                                        const dry_channel *channels,
                                        const pivot_estimate_channel **list, uint64_t *bytes)
{
    const pivot_exporter *e = pv_registry_exporter(env->server->registry, job->format);
    pivot_export_info info;

    for (size_t i = 0; i < spec->nchannels; i++)
        list[i] = &channels[i].est.est;
    pv_job_spec_export_info(spec, &info);
    info.job_id = ""; /* none yet */
    info.request_json = job->request;
    info.owner = job->owner;
    if (e == NULL) { /* validation checked the format; the registry never shrinks */
        *bytes = pv_estimate_generic(list, spec->nchannels);
        return PV_ESTIMATE_GENERIC;
    }
    return pv_estimate_bytes(e, &info, list, spec->nchannels, bytes);
}

int pv_api_jobs_dry_run(pv_api_env *env, h2o_req_t *req, const pv_job *job)
{
    const pivot_source *src = env->server->source;
    pv_job_spec spec;
    dry_channel *channels = NULL;
    const pivot_estimate_channel **list = NULL;
    double samples = 0.0, rows = 0.0;
    uint64_t bytes = 0;
    pv_estimate_basis basis;
    char err[PIVOT_ERRMSG_SIZE];
    yajl_gen g = NULL;
    int rc;

    if (pv_job_spec_parse(job->spec, &spec, err, sizeof(err)) != 0) {
        rc = pv_reply_error(req, 500, "internal-error", "Internal error",
                            "the resolved job could not be read back: %s", err);
        goto out;
    }
    channels = calloc(spec.nchannels > 0 ? spec.nchannels : 1, sizeof(*channels));
    list = calloc(spec.nchannels > 0 ? spec.nchannels : 1, sizeof(*list));
    g = pv_json_gen_new();
    if (channels == NULL || list == NULL || g == NULL) {
        rc = -1;
        goto out;
    }
    yajl_gen_map_open(g);
    pv_json_str(g, "dry_run");
    yajl_gen_bool(g, 1);
    pv_json_str(g, "time_range");
    yajl_gen_map_open(g);
    pv_json_key_time_ns(g, "start", job->range_start_ns);
    pv_json_key_time_ns(g, "end", job->range_end_ns);
    yajl_gen_map_close(g);
    pv_json_key_str(g, "format", job->format);
    pv_json_str(g, "channels");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < spec.nchannels; i++) {
        if (gen_channel(env, g, &spec, &spec.channels[i], &channels[i], &samples, &rows, err,
                        sizeof(err)) != 0) {
            rc = pv_reply_error(req, 500, "internal-error", "Internal error",
                                "the estimate of channel \"%s\" failed: %s", spec.channels[i].name,
                                err);
            goto out;
        }
    }
    yajl_gen_array_close(g);
    basis = estimate_bytes(env, job, &spec, channels, list, &bytes);
    pv_json_str(g, "estimate");
    yajl_gen_map_open(g);
    pv_json_key_int(g, "samples", (int64_t)samples);
    pv_json_key_int(g, "rows", (int64_t)rows);
    pv_json_key_int(g, "bytes", (int64_t)bytes);
    /* Compressed sizes depend on the data, which a dry run does not read:
     * the bytes stay those of the uncompressed file, which deflate only
     * shrinks, and the answer says so rather than guessing a ratio. */
    pv_json_str(g, "compressed");
    yajl_gen_bool(g, spec.gzip_level > 0);
    pv_json_str(g, "bytes_is_upper_bound");
    yajl_gen_bool(g, spec.gzip_level > 0);
    pv_json_key_str(g, "bytes_basis", basis == PV_ESTIMATE_EXPORTER ? "exporter" : "generic");
    yajl_gen_map_close(g);
    pv_api_gen_missing_data(env, g, job);
    yajl_gen_map_close(g);
    rc = pv_reply_json(req, 200, g);
out:
    for (size_t i = 0; channels != NULL && i < spec.nchannels; i++) {
        pv_estimate_channel_free(&channels[i].est);
        if (channels[i].info != NULL)
            src->free_info(env->source_ctx, channels[i].info);
    }
    free(channels);
    free(list);
    if (g != NULL)
        yajl_gen_free(g);
    pv_job_spec_free(&spec);
    return rc;
}
