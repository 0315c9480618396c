/* The job request as a whole, from body to resolved spec; the `signals`
 * member is resolved in request_signals.c. */
#include "request.h"
#include "request_internal.h"

#include "abi_check.h"

#include "channel_select.h"
#include "coverage.h"
#include "decimate.h"
#include "format_options.h"
#include "json_out.h"
#include "json_unique.h"
#include "suggest.h"
#include <pivot/grammar.h>
#include <pivot/host_json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T_MALFORMED "malformed-json", "The request body is not valid JSON"
#define T_FIELD "invalid-field", "A field of the request is invalid"
#define T_TOO_MANY "too-many-channels", "The job selects too many channels"
#define T_NO_CHANNELS "no-channels", "The job selects no channel"
#define T_UNKNOWN_CHANNEL "unknown-channel", "The job names channels that do not exist"
#define T_UNUSABLE_CHANNEL "unusable-channel", "A channel's data cannot be exported"
#define T_FORMAT "unsupported-format", "The requested output format is not available"
#define T_SOURCE "source-error", "The data source could not be read"

/* Bounds of options.chunk_size, in elements: smaller chunks bloat the chunk
 * index, larger ones make every partial read fetch megabytes. */
#define PV_CHUNK_SIZE_MIN 64
#define PV_CHUNK_SIZE_MAX 1048576

/*
 * options.compression when a job leaves it out and its format is "hdf5":
 * gzip 1 behind shuffle. Measured (docs/performance.md) on the headline
 * export: faster than writing it uncompressed, and 6x smaller. Other
 * formats compress on their writer thread and keep "none".
 */
#define PV_DEFAULT_GZIP_LEVEL 1
#define PV_DEFAULT_GZIP_FORMAT "hdf5"

/* Largest options.decimation.factor: a bucket beyond it is better asked as an interval. */
#define PV_DECIMATION_FACTOR_MAX 1000000000

/* How the exporter stores the data: options.compression and options.chunk_size. */
typedef struct pv_storage {
    yajl_val format_options;  /* options.format_options, checked by the exporter; NULL: none */
    unsigned gzip_level;      /* 0: none */
    int64_t chunk_size;       /* 0: the exporter's default */
    pv_decimation decimation; /* options.decimation; method NONE: every sample */
    int refuse_missing;       /* options.on_missing is "fail" */
} pv_storage;

/* Everything resolved while validating; freed by selection_free. */
typedef struct selection {
    pv_channel_list channels;
    pivot_channel_info **infos; /* one per channel, from the source */
    pv_channel_list *signals;   /* one per channel: signals to export */
} selection;

static void selection_free(const pv_request_env *env, selection *sel)
{
    for (size_t i = 0; i < sel->channels.count; i++) {
        if (sel->infos != NULL && sel->infos[i] != NULL)
            env->source->free_info(env->source_ctx, sel->infos[i]);
        if (sel->signals != NULL)
            pv_channel_list_free(&sel->signals[i]);
    }
    free(sel->infos);
    free(sel->signals);
    pv_channel_list_free(&sel->channels);
}

const char *pv_request_kind_name(yajl_val v)
{
    if (v == NULL)
        return "nothing";
    switch (v->type) {
    case yajl_t_string:
        return "a string";
    case yajl_t_number:
        return "a number";
    case yajl_t_object:
        return "an object";
    case yajl_t_array:
        return "an array";
    case yajl_t_true:
    case yajl_t_false:
        return "a boolean";
    case yajl_t_null:
        return "null";
    default:
        return "an unknown value";
    }
}

/* Refuses members not in `allowed` (NULL-terminated): a misspelt key
 * ("channel", "time-range") would otherwise be ignored silently. */
static int check_members(yajl_val obj, const char *path, const char *const *allowed, pv_problem *pb)
{
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const char *key = obj->u.object.keys[i];
        int known = 0;
        char list[256] = "", quoted[300];
        for (size_t j = 0; allowed[j] != NULL; j++) {
            known |= strcmp(key, allowed[j]) == 0;
            size_t used = strlen(list);
            snprintf(list + used, sizeof(list) - used, "%s%s", j ? ", " : "", allowed[j]);
        }
        if (!known) {
            char field[400];
            pv_problem_quote(key, quoted, sizeof(quoted));
            snprintf(field, sizeof(field), "%s%s%s", path, path[0] ? "." : "", quoted);
            return pv_problem_set(pb, 400, T_FIELD, field,
                                  "%s: unknown member \"%s\"; %s accepts: %s", field, quoted,
                                  path[0] ? path : "the request", list);
        }
    }
    return 0;
}

/* {"type": "preset", "name": ...}: the core's own type, resolved from
 * every plugin's presets by name. */
static int resolve_preset(const pv_request_env *env, yajl_val tr, pivot_range *range,
                          pv_problem *pb)
{
    yajl_val name = pv_json_member(tr, "name");
    const pivot_preset *preset;
    char err[PIVOT_ERRMSG_SIZE], names[512], quoted[300];

    pv_registry_preset_names(env->registry, names, sizeof(names));
    if (name == NULL || YAJL_IS_NULL(name))
        return pv_problem_set(pb, 400, T_FIELD, "time_range.name",
                              "time_range.name: required for type \"preset\", one of %s", names);
    if (!YAJL_IS_STRING(name))
        return pv_problem_set(pb, 400, T_FIELD, "time_range.name",
                              "time_range.name: must be a string, one of %s; got %s", names,
                              pv_request_kind_name(name));
    preset = pv_registry_preset(env->registry, name->u.string);
    if (preset == NULL) {
        pv_suggest near;
        char hint[PV_SUGGEST_MAX * PV_SUGGEST_NAME_SIZE + 32];
        pv_suggest_init(&near, name->u.string);
        for (int i = 0; i < env->registry->npresets; i++)
            pv_suggest_offer(&near,
                             ((const pivot_preset *)env->registry->presets[i].provider)->name);
        pv_suggest_text(&near, hint, sizeof(hint));
        pv_problem_quote(name->u.string, quoted, sizeof(quoted));
        return pv_problem_set(pb, 400, T_FIELD, "time_range.name",
                              "time_range.name: unknown preset \"%s\"%s; use one of %s (GET "
                              "/api/v1/pivot/presets shows what each resolves to now)",
                              quoted, hint, names);
    }
    if (pv_registry_preset_resolve(preset, env->now_ns, range, err, sizeof(err)) != 0)
        return pv_problem_set(pb, 400, T_FIELD, "time_range.name",
                              "time_range.name: preset \"%s\": %s", preset->name, err);
    return 0;
}

static int parse_time_range(const pv_request_env *env, yajl_val root, pivot_range *range,
                            pv_problem *pb)
{
    yajl_val tr = pv_json_member(root, "time_range"), type;
    const pivot_timespec_parser *parser;
    char err[PIVOT_ERRMSG_SIZE] = "", names[512], quoted[300];

    if (tr == NULL || !YAJL_IS_OBJECT(tr))
        return pv_problem_set(pb, 400, T_FIELD, "time_range",
                              "time_range: required, an object such as {\"type\": \"relative\", "
                              "\"duration\": \"PT1H\"}; got %s",
                              pv_request_kind_name(tr));
    type = pv_json_member(tr, "type");
    pv_registry_timespec_names(env->registry, names, sizeof(names));
    if (type == NULL || !YAJL_IS_STRING(type))
        return pv_problem_set(pb, 400, T_FIELD, "time_range.type",
                              "time_range.type: required, a string, one of %s; got %s", names,
                              pv_request_kind_name(type));
    if (strcmp(type->u.string, PV_PRESET_TYPE) == 0 && env->registry->npresets > 0)
        return resolve_preset(env, tr, range, pb);
    parser = pv_registry_timespec(env->registry, type->u.string);
    if (parser == NULL) {
        pv_problem_quote(type->u.string, quoted, sizeof(quoted));
        return pv_problem_set(pb, 400, T_FIELD, "time_range.type",
                              "time_range.type: unknown type \"%s\"; use one of %s", quoted, names);
    }
    if (parser->resolve(pivot_host_json_from_yajl(tr), env->now_ns, range, err, sizeof(err)) != 0) {
        /* Parsers start their messages with the field's path: report it. */
        char field[400] = "time_range";
        const char *colon = strchr(err, ':');
        if (strncmp(err, "time_range", 10) == 0 && colon != NULL &&
            (size_t)(colon - err) < sizeof(field))
            snprintf(field, sizeof(field), "%.*s", (int)(colon - err), err);
        return pv_problem_set(pb, 400, T_FIELD, field, "%s", err[0] ? err : "time_range: invalid");
    }
    if (range->start_ns < 0 || range->end_ns <= range->start_ns)
        return pv_problem_set(pb, 400, T_FIELD, "time_range",
                              "time_range: resolves to an empty range; end must be after start");
    return 0;
}

/* Reads a string array of channel names into list. */
static int read_names(const pv_request_env *env, yajl_val arr, const char *path,
                      pv_channel_list *list, pv_problem *pb)
{
    size_t max = (size_t)env->config->max_channels_per_job;
    if (!YAJL_IS_ARRAY(arr))
        return pv_problem_set(pb, 400, T_FIELD, path,
                              "%s: must be an array of channel names such as [\"ch1\", \"ch2\"]; "
                              "got %s",
                              path, pv_request_kind_name(arr));
    if (arr->u.array.len > max)
        return pv_problem_set(pb, 413, T_TOO_MANY, path,
                              "%s: lists %zu channels; a job may select at most %zu (limit "
                              "api.limits.max_channels); split the export into several jobs",
                              path, arr->u.array.len, max);
    for (size_t i = 0; i < arr->u.array.len; i++) {
        yajl_val v = arr->u.array.values[i];
        char field[400], quoted[300];
        snprintf(field, sizeof(field), "%s[%zu]", path, i);
        if (!YAJL_IS_STRING(v))
            return pv_problem_set(pb, 400, T_FIELD, field, "%s: must be a string; got %s", field,
                                  pv_request_kind_name(v));
        if (!pv_channel_name_valid(v->u.string)) {
            pv_problem_quote(v->u.string, quoted, sizeof(quoted));
            return pv_problem_set(pb, 400, T_FIELD, field,
                                  "%s: \"%s\" is not a valid channel name; names use letters, "
                                  "digits, '_', '.' and '-', start with a letter or digit, and "
                                  "do not contain \"..\"",
                                  field, quoted);
        }
        if (pv_channel_list_add(list, v->u.string) != 0)
            return pv_problem_set(pb, 500, "internal-error", "Internal error", NULL,
                                  "out of memory");
    }
    return 0;
}

typedef struct pattern_scan {
    const char *pattern;
    pv_channel_list *list;
    int failed;
} pattern_scan;

static int add_if_matches(void *arg, const char *channel)
{
    pattern_scan *scan = arg;
    if (pv_channel_name_valid(channel) && pv_channel_glob_match(scan->pattern, channel) &&
        pv_channel_list_add(scan->list, channel) != 0) {
        scan->failed = 1;
        return 1;
    }
    return 0;
}

static int select_channels(const pv_request_env *env, yajl_val root, selection *sel, pv_problem *pb)
{
    static const char *const allowed[] = {"include", "exclude", "pattern", NULL};
    yajl_val ch = pv_json_member(root, "channels"), include, exclude, pattern;
    pv_channel_list excluded = {0};
    int rc = -1;

    if (ch == NULL || !YAJL_IS_OBJECT(ch)) {
        pv_problem_set(pb, 400, T_FIELD, "channels",
                       "channels: required, an object such as {\"include\": [\"ch1\", \"ch2\"]}; "
                       "got %s",
                       pv_request_kind_name(ch));
        goto out;
    }
    if (check_members(ch, "channels", allowed, pb) != 0)
        goto out;
    include = pv_json_member(ch, "include");
    exclude = pv_json_member(ch, "exclude");
    pattern = pv_json_member(ch, "pattern");
    if (include != NULL && !YAJL_IS_NULL(include) &&
        read_names(env, include, "channels.include", &sel->channels, pb) != 0)
        goto out;
    if (pattern != NULL && !YAJL_IS_NULL(pattern)) {
        char err[PIVOT_ERRMSG_SIZE] = "";
        pattern_scan scan = {NULL, &sel->channels, 0};
        if (!YAJL_IS_STRING(pattern) || pattern->u.string[0] == '\0' ||
            strlen(pattern->u.string) > 256) {
            pv_problem_set(pb, 400, T_FIELD, "channels.pattern",
                           "channels.pattern: must be null or a glob of 1 to 256 characters such "
                           "as \"ch0*\"; got %s",
                           pv_request_kind_name(pattern));
            goto out;
        }
        scan.pattern = pattern->u.string;
        if (env->source->list_channels(env->source_ctx, add_if_matches, &scan, err, sizeof(err)) !=
                0 &&
            !scan.failed) {
            pv_problem_set(pb, 500, T_SOURCE, NULL, "listing channels failed: %s", err);
            goto out;
        }
    }
    if (exclude != NULL && !YAJL_IS_NULL(exclude)) {
        if (read_names(env, exclude, "channels.exclude", &excluded, pb) != 0)
            goto out;
        for (size_t i = 0; i < excluded.count; i++)
            pv_channel_list_remove(&sel->channels, excluded.names[i]);
    }
    if (sel->channels.count == 0) {
        pv_problem_set(pb, 422, T_NO_CHANNELS, "channels",
                       "channels: the selection is empty; name channels in channels.include or "
                       "a pattern that matches some (GET /api/v1/pivot/channels lists them)");
        goto out;
    }
    if (sel->channels.count > (size_t)env->config->max_channels_per_job) {
        pv_problem_set(pb, 413, T_TOO_MANY, "channels",
                       "channels: selects %zu channels; a job may select at most %d (limit "
                       "api.limits.max_channels); split the export into several jobs",
                       sel->channels.count, env->config->max_channels_per_job);
        goto out;
    }
    rc = 0;
out:
    pv_channel_list_free(&excluded);
    return rc;
}

/* The unknown channels (at most MAX_SUGGESTED) and the names near each. */
#define MAX_SUGGESTED 10
typedef struct near_channels {
    pv_suggest near[MAX_SUGGESTED];
    size_t n;
} near_channels;

static int offer_channel(void *arg, const char *channel)
{
    near_channels *nc = arg;
    for (size_t i = 0; i < nc->n; i++)
        pv_suggest_offer(&nc->near[i], channel);
    return 0;
}

/* "\"ch0001\" (did you mean \"ch001\"?), \"x\"": the unknown names with
 * the channels nearest each, from one walk of the source's channel list. */
static void list_unknown(const pv_request_env *env, near_channels *nc, char *out, size_t len)
{
    char err[PIVOT_ERRMSG_SIZE], hint[PV_SUGGEST_MAX * PV_SUGGEST_NAME_SIZE + 32], quoted[300];
    size_t used = 0;

    /* Without a list, the names go without suggestions. */
    if (env->source->list_channels(env->source_ctx, offer_channel, nc, err, sizeof(err)) != 0)
        for (size_t i = 0; i < nc->n; i++)
            nc->near[i].n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < nc->n && used < len; i++) {
        pv_problem_quote(nc->near[i].query, quoted, sizeof(quoted));
        pv_suggest_text(&nc->near[i], hint, sizeof(hint));
        used +=
            (size_t)snprintf(out + used, len - used, "%s\"%s\"%s", i > 0 ? ", " : "", quoted, hint);
    }
}

/* Asks the source about every selected channel; reports all unknown ones at once. */
static int describe_channels(const pv_request_env *env, selection *sel, pv_problem *pb)
{
    near_channels nc = {.n = 0}; /* about 5 KiB */
    char missing[900] = "";
    size_t nmissing = 0;
    int rc;

    sel->infos = calloc(sel->channels.count, sizeof(*sel->infos));
    sel->signals = calloc(sel->channels.count, sizeof(*sel->signals));
    if (sel->infos == NULL || sel->signals == NULL)
        return pv_problem_set(pb, 500, "internal-error", "Internal error", NULL, "out of memory");
    for (size_t i = 0; i < sel->channels.count; i++) {
        char err[PIVOT_ERRMSG_SIZE] = "";
        const char *name = sel->channels.names[i];
        rc = pv_source_describe(env->source, env->source_ctx, name, &sel->infos[i], err,
                                sizeof(err));
        if (rc == PIVOT_ENOENT) {
            if (nmissing++ < MAX_SUGGESTED)
                pv_suggest_init(&nc.near[nc.n++], name);
            sel->infos[i] = NULL;
        } else if (rc == PIVOT_EINVAL) {
            return pv_problem_set(pb, 422, T_UNUSABLE_CHANNEL, "channels",
                                  "channels: channel \"%s\" cannot be exported: %s", name, err);
        } else if (rc != 0) {
            return pv_problem_set(pb, 500, T_SOURCE, NULL, "channel \"%s\": %s", name, err);
        }
    }
    if (nmissing == 0)
        return 0;
    list_unknown(env, &nc, missing, sizeof(missing));
    return pv_problem_set(pb, 422, T_UNKNOWN_CHANNEL, "channels",
                          "channels: %zu channel%s not found in the data: %s%s; GET "
                          "/api/v1/pivot/channels lists the available ones",
                          nmissing, nmissing == 1 ? " was" : "s were", missing,
                          nmissing > MAX_SUGGESTED ? ", ..." : "");
}

static int parse_priority(yajl_val opt, int *priority, pv_problem *pb)
{
    static const char *const names[] = {"low", "normal", "high"};
    yajl_val v = pv_json_member(opt, "priority");

    *priority = 1;
    if (v == NULL || YAJL_IS_NULL(v))
        return 0;
    for (int i = 0; YAJL_IS_STRING(v) && i < 3; i++) {
        if (strcmp(v->u.string, names[i]) == 0) {
            *priority = i;
            return 0;
        }
    }
    return pv_problem_set(pb, 400, T_FIELD, "options.priority",
                          "options.priority: use \"low\", \"normal\" (the default) or "
                          "\"high\"; it orders your own queued jobs; got %s",
                          pv_request_kind_name(v));
}

/* options.compression: "none" or null, or {"gzip": 1..9}; left out: the format's default. */
static int parse_compression(yajl_val opt, unsigned *gzip_level, int *given, pv_problem *pb)
{
    static const char *const allowed[] = {"gzip", NULL};
    yajl_val v = pv_json_member(opt, "compression"), level;

    *gzip_level = 0;
    *given = v != NULL;
    if (v == NULL || YAJL_IS_NULL(v) || (YAJL_IS_STRING(v) && strcmp(v->u.string, "none") == 0))
        return 0;
    if (!YAJL_IS_OBJECT(v))
        return pv_problem_set(pb, 400, T_FIELD, "options.compression",
                              "options.compression: use \"none\" (also null) or {\"gzip\": "
                              "LEVEL} with LEVEL 1 to 9 (hdf5's default: {\"gzip\": 1}); got %s",
                              pv_request_kind_name(v));
    if (check_members(v, "options.compression", allowed, pb) != 0)
        return -1;
    level = pv_json_member(v, "gzip");
    if (level == NULL || !YAJL_IS_INTEGER(level) || YAJL_GET_INTEGER(level) < 1 ||
        YAJL_GET_INTEGER(level) > 9)
        return pv_problem_set(pb, 400, T_FIELD, "options.compression.gzip",
                              "options.compression.gzip: must be an integer from 1 (fastest) to "
                              "9 (smallest); got %s",
                              level != NULL && YAJL_IS_NUMBER(level) ? "an out-of-range number"
                                                                     : pv_request_kind_name(level));
    *gzip_level = (unsigned)YAJL_GET_INTEGER(level);
    return 0;
}

/* options.chunk_size: elements per HDF5 chunk, or null for the exporter's default. */
static int parse_chunk_size(yajl_val opt, int64_t *chunk_size, pv_problem *pb)
{
    yajl_val v = pv_json_member(opt, "chunk_size");

    *chunk_size = 0;
    if (v == NULL || YAJL_IS_NULL(v))
        return 0;
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < PV_CHUNK_SIZE_MIN ||
        YAJL_GET_INTEGER(v) > PV_CHUNK_SIZE_MAX)
        return pv_problem_set(pb, 400, T_FIELD, "options.chunk_size",
                              "options.chunk_size: must be an integer number of elements per "
                              "chunk from %d to %d, or null for about 128 KiB per chunk; got %s",
                              PV_CHUNK_SIZE_MIN, PV_CHUNK_SIZE_MAX,
                              YAJL_IS_NUMBER(v) ? "an out-of-range number"
                                                : pv_request_kind_name(v));
    *chunk_size = YAJL_GET_INTEGER(v);
    return 0;
}

/* options.decimation: {"factor": N, "method": M} or {"interval": "PT1S", "method": M}. */
static int parse_decimation(yajl_val opt, pv_decimation *d, pv_problem *pb)
{
    static const char *const allowed[] = {"factor", "interval", "method", NULL};
    static const char methods[] = "\"downsample\", \"mean\", \"min\", \"max\", \"minmax\" or "
                                  "\"rms\"";
    yajl_val v = pv_json_member(opt, "decimation"), method, factor, interval;
    char why[PIVOT_ERRMSG_SIZE];

    memset(d, 0, sizeof(*d));
    if (v == NULL || YAJL_IS_NULL(v))
        return 0;
    if (!YAJL_IS_OBJECT(v))
        return pv_problem_set(pb, 400, T_FIELD, "options.decimation",
                              "options.decimation: must be null or an object such as "
                              "{\"interval\": \"PT1S\", \"method\": \"mean\"} or {\"factor\": "
                              "10, \"method\": \"downsample\"}; got %s",
                              pv_request_kind_name(v));
    if (check_members(v, "options.decimation", allowed, pb) != 0)
        return -1;
    method = pv_json_member(v, "method");
    if (method != NULL && YAJL_IS_STRING(method) &&
        pv_decimator_method_parse(method->u.string, &d->method) != 0) {
        char quoted[300];
        pv_problem_quote(method->u.string, quoted, sizeof(quoted));
        return pv_problem_set(pb, 400, T_FIELD, "options.decimation.method",
                              "options.decimation.method: \"%s\" is not a method; use one of %s",
                              quoted, methods);
    }
    if (method == NULL || !YAJL_IS_STRING(method))
        return pv_problem_set(pb, 400, T_FIELD, "options.decimation.method",
                              "options.decimation.method: required, one of %s; got %s", methods,
                              pv_request_kind_name(method));
    factor = pv_json_member(v, "factor");
    interval = pv_json_member(v, "interval");
    if (factor != NULL && YAJL_IS_NULL(factor))
        factor = NULL;
    if (interval != NULL && YAJL_IS_NULL(interval))
        interval = NULL;
    if ((factor == NULL) == (interval == NULL))
        return pv_problem_set(pb, 400, T_FIELD, "options.decimation",
                              "options.decimation: give exactly one of factor (samples per "
                              "bucket) and interval (an ISO 8601 duration such as \"PT1S\")");
    if (factor != NULL) {
        if (YAJL_IS_NUMBER(factor) && (!YAJL_IS_INTEGER(factor) || YAJL_GET_INTEGER(factor) < 1 ||
                                       YAJL_GET_INTEGER(factor) > PV_DECIMATION_FACTOR_MAX)) {
            char quoted[300];
            pv_problem_quote(factor->u.number.r, quoted, sizeof(quoted));
            return pv_problem_set(pb, 400, T_FIELD, "options.decimation.factor",
                                  "options.decimation.factor: %s is not a number of samples per "
                                  "bucket; use an integer from 1 to %d",
                                  quoted, PV_DECIMATION_FACTOR_MAX);
        }
        if (!YAJL_IS_NUMBER(factor))
            return pv_problem_set(pb, 400, T_FIELD, "options.decimation.factor",
                                  "options.decimation.factor: must be an integer number of "
                                  "samples per bucket from 1 to %d; got %s",
                                  PV_DECIMATION_FACTOR_MAX, pv_request_kind_name(factor));
        d->factor = (uint64_t)YAJL_GET_INTEGER(factor);
        return 0;
    }
    if (!YAJL_IS_STRING(interval))
        return pv_problem_set(pb, 400, T_FIELD, "options.decimation.interval",
                              "options.decimation.interval: must be a positive ISO 8601 duration "
                              "such as \"PT1S\", \"PT0.001S\" or \"PT1M30S\"; got %s",
                              pv_request_kind_name(interval));
    if (pivot_iso_duration_parse(interval->u.string, strlen(interval->u.string), &d->interval_ns,
                                 why, sizeof(why)) != 0)
        return pv_problem_set(pb, 400, T_FIELD, "options.decimation.interval",
                              "options.decimation.interval: %s", why);
    return 0;
}

static int parse_options(const pv_request_env *env, yajl_val root, const char **format,
                         yajl_val *metadata, int *priority, pv_storage *storage, pv_problem *pb)
{
    static const char *const allowed[] = {"chunk_size", "compression",    "decimation",
                                          "format",     "format_options", "metadata",
                                          "on_missing", "priority",       NULL};
    yajl_val opt = pv_json_member(root, "options"), v;
    char names[512], quoted[300];
    int compression_given = 0;

    *format = "hdf5";
    *metadata = NULL;
    *priority = 1;
    storage->format_options = NULL;
    storage->gzip_level = PV_DEFAULT_GZIP_LEVEL;
    storage->chunk_size = 0;
    memset(&storage->decimation, 0, sizeof(storage->decimation));
    storage->refuse_missing = 0;
    if (opt == NULL || YAJL_IS_NULL(opt))
        return 0;
    if (!YAJL_IS_OBJECT(opt))
        return pv_problem_set(pb, 400, T_FIELD, "options", "options: must be an object; got %s",
                              pv_request_kind_name(opt));
    if (check_members(opt, "options", allowed, pb) != 0 || parse_priority(opt, priority, pb) != 0 ||
        parse_compression(opt, &storage->gzip_level, &compression_given, pb) != 0 ||
        parse_chunk_size(opt, &storage->chunk_size, pb) != 0 ||
        parse_decimation(opt, &storage->decimation, pb) != 0 ||
        pv_coverage_parse_on_missing(opt, &storage->refuse_missing, pb) != 0)
        return -1;
    v = pv_json_member(opt, "format");
    if (v != NULL && !YAJL_IS_NULL(v)) {
        pv_registry_exporter_names(env->registry, names, sizeof(names));
        if (!YAJL_IS_STRING(v))
            return pv_problem_set(pb, 400, T_FIELD, "options.format",
                                  "options.format: must be a string, one of %s; got %s", names,
                                  pv_request_kind_name(v));
        if (pv_registry_exporter(env->registry, v->u.string) == NULL) {
            pv_problem_quote(v->u.string, quoted, sizeof(quoted));
            return pv_problem_set(pb, 422, T_FORMAT, "options.format",
                                  "options.format: \"%s\" is not available; use one of %s", quoted,
                                  names);
        }
        *format = v->u.string;
    } else if (pv_registry_exporter(env->registry, *format) == NULL) {
        return pv_problem_set(pb, 422, T_FORMAT, "options.format",
                              "options.format: the default format \"hdf5\" is not installed on "
                              "this server; ask its operator");
    }
    if (!compression_given && strcmp(*format, PV_DEFAULT_GZIP_FORMAT) == 0)
        storage->gzip_level = PV_DEFAULT_GZIP_LEVEL;
    storage->format_options = pv_json_member(opt, "format_options");
    if (pv_format_options_check(pv_registry_exporter(env->registry, *format), *format,
                                storage->format_options, pb) != 0)
        return -1;
    v = pv_json_member(opt, "metadata");
    if (v != NULL && !YAJL_IS_NULL(v) && !YAJL_IS_OBJECT(v))
        return pv_problem_set(pb, 400, T_FIELD, "options.metadata",
                              "options.metadata: must be an object such as {\"description\": "
                              "\"Analysis run #42\"} or null; got %s",
                              pv_request_kind_name(v));
    *metadata = (v != NULL && YAJL_IS_OBJECT(v)) ? v : NULL;
    return 0;
}

/* The resolved job the worker runs: see docs/api.md "Job spec". */
static char *build_spec(const selection *sel, pivot_range range, const char *format,
                        const char *source, yajl_val metadata, const pv_storage *storage)
{
    yajl_gen g = pv_json_gen_new();
    const unsigned char *buf;
    size_t len;
    char *spec = NULL;

    if (g == NULL)
        return NULL;
    yajl_gen_map_open(g);
    pv_json_key_int(g, "version", 1);
    pv_json_str(g, "range");
    yajl_gen_map_open(g);
    pv_json_key_int(g, "start_ns", range.start_ns);
    pv_json_key_int(g, "end_ns", range.end_ns);
    yajl_gen_map_close(g);
    pv_json_key_str(g, "format", format);
    pv_json_key_str(g, "source", source);
    pv_json_str(g, "channels");
    yajl_gen_array_open(g);
    for (size_t c = 0; c < sel->channels.count; c++) {
        yajl_gen_map_open(g);
        pv_json_key_str(g, "name", sel->channels.names[c]);
        pv_json_str(g, "signals");
        yajl_gen_array_open(g);
        for (size_t s = 0; s < sel->signals[c].count; s++)
            pv_json_str(g, sel->signals[c].names[s]);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    pv_json_str(g, "metadata");
    pv_json_tree(g, metadata);
    /* Written only when asked for, so that specs stay readable by older workers. */
    pv_format_options_gen(g, storage->format_options);
    if (storage->gzip_level > 0)
        pv_json_key_int(g, "gzip_level", storage->gzip_level);
    if (storage->chunk_size > 0)
        pv_json_key_int(g, "chunk_size", storage->chunk_size);
    if (storage->decimation.method != PV_DECIMATE_NONE) {
        pv_json_str(g, "decimation");
        yajl_gen_map_open(g);
        pv_json_key_str(g, "method", pv_decimator_method_name(storage->decimation.method));
        if (storage->decimation.factor > 0)
            pv_json_key_int(g, "factor", (int64_t)storage->decimation.factor);
        else
            pv_json_key_int(g, "interval_ns", storage->decimation.interval_ns);
        yajl_gen_map_close(g);
    }
    yajl_gen_map_close(g);
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
        spec = strndup((const char *)buf, len);
    yajl_gen_free(g);
    return spec;
}

int pv_request_validate(const pv_request_env *env, const char *body, size_t len, pv_job *job,
                        pv_problem *pb)
{
    static const char *const allowed[] = {"time_range", "channels", "signals", "options", NULL};
    char err[512] = "", duplicate[256];
    yajl_val root = NULL, metadata = NULL;
    selection sel = {0};
    pivot_range range = {0, 0};
    const char *format = NULL;
    int priority = 1, rc = -1;
    pv_storage storage = {0};

    if (body == NULL || len == 0) {
        pv_problem_set(pb, 400, T_MALFORMED, NULL,
                       "the body is empty; send the job as a JSON object with time_range and "
                       "channels");
        goto out;
    }
    root = pv_json_parse(body, len, err, sizeof(err));
    if (root == NULL) {
        pv_problem_set(pb, 400, T_MALFORMED, NULL, "the body is not valid JSON: %s", err);
        goto out;
    }
    if (pv_json_find_duplicate(root, duplicate, sizeof(duplicate))) {
        pv_problem_set(pb, 400, T_FIELD, duplicate,
                       "%s: this member appears more than once in its object; send each member "
                       "once",
                       duplicate);
        goto out;
    }
    if (!YAJL_IS_OBJECT(root)) {
        pv_problem_set(pb, 400, T_FIELD, NULL,
                       "the body must be a JSON object with time_range and channels; got %s",
                       pv_request_kind_name(root));
        goto out;
    }
    if (check_members(root, "", allowed, pb) != 0 || parse_time_range(env, root, &range, pb) ||
        select_channels(env, root, &sel, pb) != 0 ||
        parse_options(env, root, &format, &metadata, &priority, &storage, pb) != 0 ||
        describe_channels(env, &sel, pb) != 0 ||
        pv_request_select_signals(pv_json_member(root, "signals"), &sel.channels, sel.infos,
                                  sel.signals, pb) != 0)
        goto out;
    if (storage.refuse_missing &&
        pv_coverage_refuse_short(env->source, env->source_ctx, sel.channels.names,
                                 sel.channels.count, range, pb) != 0)
        goto out;
    job->request = strndup(body, len);
    job->spec = build_spec(&sel, range, format, env->source->name, metadata, &storage);
    job->format = strdup(format);
    if (job->request == NULL || job->spec == NULL || job->format == NULL) {
        pv_problem_set(pb, 500, "internal-error", "Internal error", NULL, "out of memory");
        goto out;
    }
    job->priority = priority;
    job->range_start_ns = range.start_ns;
    job->range_end_ns = range.end_ns;
    rc = 0;
out:
    selection_free(env, &sel);
    yajl_tree_free(root);
    return rc;
}
