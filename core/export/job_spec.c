#include "job_spec.h"

#include "format_options.h"
#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *string_member(yajl_val obj, const char *key)
{
    yajl_val v = pv_json_member(obj, key);
    return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

static int int64_member(yajl_val obj, const char *key, int64_t *out)
{
    yajl_val v = pv_json_member(obj, key);
    if (!YAJL_IS_INTEGER(v))
        return -1;
    *out = YAJL_GET_INTEGER(v);
    return 0;
}

static char *json_text(yajl_val v)
{
    yajl_gen g = pv_json_gen_new();
    char *text = NULL;

    if (g == NULL)
        return NULL;
    pv_json_tree(g, v);
    text = pv_json_text(g);
    yajl_gen_free(g);
    return text;
}

void pv_job_spec_free(pv_job_spec *spec)
{
    free(spec->channels);
    free(spec->signal_names);
    free(spec->metadata_json);
    free(spec->format_options);
    yajl_tree_free(spec->tree);
    memset(spec, 0, sizeof(*spec));
}

/* The spec's "decimation": {"method": M, "factor": N} or {"method": M,
 * "interval_ns": N}; absent or null exports every sample. */
static int spec_decimation(yajl_val v, pv_decimation *d)
{
    int64_t factor = 0, interval_ns = 0;

    memset(d, 0, sizeof(*d));
    if (v == NULL || YAJL_IS_NULL(v))
        return 0;
    if (pv_decimator_method_parse(string_member(v, "method"), &d->method) != 0 ||
        (pv_json_member(v, "factor") != NULL && int64_member(v, "factor", &factor) != 0) ||
        (pv_json_member(v, "interval_ns") != NULL &&
         int64_member(v, "interval_ns", &interval_ns) != 0) ||
        factor < 0 || interval_ns < 0 || (factor > 0) == (interval_ns > 0))
        return -1;
    d->factor = (uint64_t)factor;
    d->interval_ns = interval_ns;
    return 0;
}

/* The spec was written and checked by the server, so a fault here means a
 * damaged row or a server of another version: say which field. */
int pv_job_spec_parse(const char *text, pv_job_spec *spec, char *err, size_t errlen)
{
    char msg[256];
    yajl_val range, channels, metadata;
    int64_t version = 0;
    size_t total = 0, used = 0;

    memset(spec, 0, sizeof(*spec));
    if (text == NULL) {
        snprintf(err, errlen, "the job has no spec");
        return PIVOT_EINVAL;
    }
    spec->tree = pv_json_parse(text, strlen(text), msg, sizeof(msg));
    if (spec->tree == NULL) {
        snprintf(err, errlen, "the job spec is not valid JSON: %s", msg);
        return PIVOT_EINVAL;
    }
    if (int64_member(spec->tree, "version", &version) != 0 || version != 1) {
        snprintf(err, errlen, "the job spec has version %lld; this worker reads version 1",
                 (long long)version);
        return PIVOT_EINVAL;
    }
    range = pv_json_member(spec->tree, "range");
    if (int64_member(range, "start_ns", &spec->range.start_ns) != 0 ||
        int64_member(range, "end_ns", &spec->range.end_ns) != 0 ||
        spec->range.start_ns >= spec->range.end_ns) {
        snprintf(err, errlen, "the job spec's range is malformed");
        return PIVOT_EINVAL;
    }
    spec->format = string_member(spec->tree, "format");
    spec->source = string_member(spec->tree, "source");
    if (spec->format == NULL || spec->source == NULL) {
        snprintf(err, errlen, "the job spec lacks its format or source");
        return PIVOT_EINVAL;
    }
    channels = pv_json_member(spec->tree, "channels");
    if (!YAJL_IS_ARRAY(channels) || channels->u.array.len == 0) {
        snprintf(err, errlen, "the job spec lists no channels");
        return PIVOT_EINVAL;
    }
    spec->nchannels = channels->u.array.len;
    for (size_t i = 0; i < spec->nchannels; i++) {
        yajl_val sigs = pv_json_member(channels->u.array.values[i], "signals");
        if (string_member(channels->u.array.values[i], "name") == NULL || !YAJL_IS_ARRAY(sigs)) {
            snprintf(err, errlen, "the job spec's channels[%zu] is malformed", i);
            return PIVOT_EINVAL;
        }
        total += sigs->u.array.len;
    }
    spec->channels = calloc(spec->nchannels, sizeof(*spec->channels));
    spec->signal_names = calloc(total > 0 ? total : 1, sizeof(*spec->signal_names));
    if (spec->channels == NULL || spec->signal_names == NULL) {
        snprintf(err, errlen, "out of memory reading the job spec");
        return PIVOT_ENOMEM;
    }
    for (size_t i = 0; i < spec->nchannels; i++) {
        yajl_val ch = channels->u.array.values[i];
        yajl_val sigs = pv_json_member(ch, "signals");
        spec->channels[i].name = string_member(ch, "name");
        spec->channels[i].signals = spec->signal_names + used;
        spec->channels[i].nsignals = sigs->u.array.len;
        for (size_t j = 0; j < sigs->u.array.len; j++) {
            if (!YAJL_IS_STRING(sigs->u.array.values[j])) {
                snprintf(err, errlen, "the job spec's channels[%zu].signals[%zu] is not a string",
                         i, j);
                return PIVOT_EINVAL;
            }
            spec->signal_names[used++] = YAJL_GET_STRING(sigs->u.array.values[j]);
        }
    }
    /* Absent from specs that did not ask for them. */
    if ((pv_json_member(spec->tree, "gzip_level") != NULL &&
         (int64_member(spec->tree, "gzip_level", &spec->gzip_level) != 0 || spec->gzip_level < 0 ||
          spec->gzip_level > 9)) ||
        (pv_json_member(spec->tree, "chunk_size") != NULL &&
         (int64_member(spec->tree, "chunk_size", &spec->chunk_size) != 0 ||
          spec->chunk_size < 0))) {
        snprintf(err, errlen, "the job spec's gzip_level or chunk_size is malformed");
        return PIVOT_EINVAL;
    }
    if (spec_decimation(pv_json_member(spec->tree, "decimation"), &spec->decimation) != 0) {
        snprintf(err, errlen, "the job spec's decimation is malformed");
        return PIVOT_EINVAL;
    }
    if (pv_format_options_read(pv_json_member(spec->tree, "format_options"), &spec->format_options,
                               &spec->nformat_options) != 0) {
        snprintf(err, errlen, "the job spec's format_options is malformed");
        return PIVOT_EINVAL;
    }
    metadata = pv_json_member(spec->tree, "metadata");
    if (YAJL_IS_OBJECT(metadata)) {
        spec->metadata_json = json_text(metadata);
        if (spec->metadata_json == NULL) {
            snprintf(err, errlen, "out of memory reading the job spec");
            return PIVOT_ENOMEM;
        }
        spec->description = string_member(metadata, "description");
        spec->user = string_member(metadata, "user");
    }
    return 0;
}

void pv_job_spec_export_info(const pv_job_spec *spec, pivot_export_info *info)
{
    memset(info, 0, sizeof(*info));
    info->size = sizeof(*info);
    info->requested = spec->range;
    info->metadata_json = spec->metadata_json;
    info->description = spec->description;
    info->user = spec->user;
    info->producer = "pivotd " PIVOT_VERSION;
    info->gzip_level = (unsigned)spec->gzip_level;
    info->chunk_size = (uint64_t)spec->chunk_size;
    info->format_options = spec->format_options;
    info->nformat_options = spec->nformat_options;
    info->nchannels = spec->nchannels;
    if (spec->decimation.method != PV_DECIMATE_NONE) {
        info->decimation_method = pv_decimator_method_name(spec->decimation.method);
        info->decimation_factor = spec->decimation.factor;
        info->decimation_interval_ns = spec->decimation.interval_ns;
    }
}
