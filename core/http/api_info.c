/* What the API says about itself and its data: health, the OpenAPI text,
 * channels. */
#include "api.h"

#include "abi_check.h"

#include "channel_select.h"
#include "export_signals.h"
#include "http_query.h"
#include "http_reply.h"
#include "json_out.h"
#include "openapi_spec.h"

#include <stdlib.h>
#include <string.h>

/* The formats options.format may name: each exporter, the plugin that
 * provides it, and the kinds of file it writes. */
static void gen_formats(yajl_gen g, const pv_registry *reg)
{
    pv_json_str(g, "formats");
    yajl_gen_array_open(g);
    for (int i = 0; i < reg->nexporters; i++) {
        const pivot_exporter *e = reg->exporters[i].provider;
        const pivot_file_type *const *other =
            PIVOT_HAS_MEMBER(e, pivot_exporter, other_types) ? e->other_types : NULL;

        yajl_gen_map_open(g);
        pv_json_key_str(g, "name", e->name);
        pv_json_key_str(g, "plugin", reg->plugins[reg->exporters[i].plugin].magic->name);
        pv_json_str(g, "files");
        yajl_gen_array_open(g);
        yajl_gen_map_open(g);
        pv_json_key_str(g, "extension", e->extension);
        pv_json_key_str(g, "media_type", e->media_type);
        yajl_gen_map_close(g);
        for (size_t k = 0; other != NULL && other[k] != NULL; k++) {
            yajl_gen_map_open(g);
            pv_json_key_str(g, "extension", other[k]->extension);
            pv_json_key_str(g, "media_type", other[k]->media_type);
            yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

int pv_api_health(pv_server *srv, h2o_req_t *req)
{
    const pv_registry *reg = srv->registry;
    yajl_gen g = pv_json_gen_new();
    int rc;

    if (g == NULL)
        return -1;
    yajl_gen_map_open(g);
    pv_json_key_str(g, "status", srv->store_degraded ? "degraded" : "ok");
    pv_json_key_str(g, "version", PIVOT_VERSION);
    pv_json_str(g, "plugins");
    yajl_gen_array_open(g);
    for (int i = 0; i < reg->nplugins; i++) {
        yajl_gen_map_open(g);
        pv_json_key_str(g, "name", reg->plugins[i].magic->name);
        pv_json_key_str(g, "version", reg->plugins[i].magic->version);
        /* The file the server and its workers run, as loaded at start; its
         * name only, since anyone may ask and directories are the host's. */
        const char *slash = strrchr(reg->plugins[i].path, '/');
        pv_json_key_str(g, "file", slash != NULL ? slash + 1 : reg->plugins[i].path);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    gen_formats(g, reg);
    yajl_gen_map_close(g);
    rc = pv_reply_json(req, 200, g);
    yajl_gen_free(g);
    return rc;
}

/* GET /api/v1/openapi.yaml: the API's contract, for code generators and people. */
int pv_api_openapi(pv_server *srv, h2o_req_t *req)
{
    (void)srv;
    req->res.status = 200;
    req->res.reason = "OK";
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                   H2O_STRLIT("application/yaml; charset=utf-8"));
    /* The text changes only with the binary, so caches may keep it a while. */
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                   H2O_STRLIT("public, max-age=3600"));
    req->res.content_length = pv_openapi_yaml_len;
    h2o_send_inline(req, pv_openapi_yaml, pv_openapi_yaml_len);
    return 0;
}

/* What GET /channels was asked: the glob that names must match, if any. */
typedef struct channel_filter {
    char pattern[PV_CHANNEL_NAME_MAX * 2 + 1];
    int has_pattern;
    pv_channel_list *names;
} channel_filter;

static int collect(void *arg, const char *channel)
{
    channel_filter *f = arg;

    if (f->has_pattern && !pv_channel_glob_match(f->pattern, channel))
        return 0;
    return pv_channel_list_add(f->names, channel) != 0;
}

/* Reads pattern= from the query, percent-decoded; 0, or -1 when it is too
 * long or badly encoded. Other parameters are ignored. */
static int parse_channels_query(h2o_req_t *req, channel_filter *f)
{
    pv_query_iter it;
    h2o_iovec_t key, val;

    pv_query_begin(req, &it);
    while (pv_query_next(&it, &key, &val)) {
        if (!pv_query_key_is(key, "pattern"))
            continue;
        if (pv_query_decode(val, f->pattern, sizeof(f->pattern)) < 0)
            return -1;
        f->has_pattern = 1;
    }
    return 0;
}

/* Writes first, last and rate_hz of a channel when the source can tell
 * them cheaply; null each when it cannot or the channel has no sample.
 * has_data says whether it has one. */
static void gen_span(pv_api_env *env, yajl_gen g, const char *channel)
{
    const pivot_source *src = env->server->source;
    pivot_range span = {0, 0};
    double rate = 0.0;
    char err[PIVOT_ERRMSG_SIZE] = "";
    int known = src->span != NULL &&
                src->span(env->source_ctx, channel, &span, &rate, err, sizeof(err)) == 0 &&
                span.end_ns > span.start_ns;

    pv_json_key_time_ns(g, "first", known ? span.start_ns : -1);
    pv_json_key_time_ns(g, "last", known ? span.end_ns - 1 : -1);
    if (known && rate > 0.0)
        pv_json_key_fixed(g, "rate_hz", rate, 3);
    else
        pv_json_key_null(g, "rate_hz");
    pv_json_str(g, "has_data");
    yajl_gen_bool(g, known);
}

static void gen_key_str_or_null(yajl_gen g, const char *key, const char *value)
{
    if (value != NULL)
        pv_json_key_str(g, key, value);
    else
        pv_json_key_null(g, key);
}

/* Where the channel's schema came from and how its time is stored; null
 * each for a source that cannot tell. */
static void gen_origin(yajl_gen g, const pivot_channel_info *info)
{
    gen_key_str_or_null(g, "schema_source", info->schema_source);
    gen_key_str_or_null(g, "time_unit", info->time_unit);
    gen_key_str_or_null(g, "time_unit_source", info->time_unit_source);
}

/* One signal: its name and type, and what its detail tells. A signal
 * without a detail is never null. */
static void gen_signal(yajl_gen g, const pivot_signal_info *signal, const pivot_signal_detail *src)
{
    pivot_signal_detail d;

    pivot_signal_detail_read(src, &d);
    yajl_gen_map_open(g);
    pv_json_key_str(g, "name", signal->name);
    pv_json_key_str(g, "type", pivot_type_name(signal->type));
    pv_json_str(g, "nullable");
    yajl_gen_bool(g, d.nullable);
    if (signal->type == PIVOT_TYPE_ENUM && d.symbols != NULL) {
        pv_json_str(g, "symbols");
        yajl_gen_array_open(g);
        /* Every index keeps its place, so that a symbol's position is its value. */
        for (size_t k = 0; k < d.nsymbols; k++)
            pv_json_str(g, d.symbols[k] != NULL ? d.symbols[k] : "");
        yajl_gen_array_close(g);
    }
    if (signal->type == PIVOT_TYPE_BYTES && d.fixed_size > 0)
        pv_json_key_int(g, "fixed_size", (int64_t)d.fixed_size);
    if (d.units != NULL)
        pv_json_key_str(g, "units", d.units);
    if (d.doc != NULL)
        pv_json_key_str(g, "description", d.doc);
    if (d.source_type != NULL)
        pv_json_key_str(g, "source_type", d.source_type);
    yajl_gen_map_close(g);
}

static void gen_signals(yajl_gen g, const pivot_channel_info *info)
{
    int has_details = info->details != NULL;

    pv_json_str(g, "signals");
    yajl_gen_array_open(g);
    for (size_t s = 0; s < info->nsignals; s++)
        gen_signal(g, &info->signals[s], has_details ? info->details[s] : NULL);
    yajl_gen_array_close(g);
}

/* The schema's fields that are not signals, with why; empty for a source
 * that cannot tell. */
static void gen_unsupported(yajl_gen g, const pivot_channel_info *info)
{
    int known = info->unsupported != NULL;

    pv_json_str(g, "unsupported");
    yajl_gen_array_open(g);
    for (size_t i = 0; known && i < info->nunsupported; i++) {
        const pivot_unsupported_field *u = &info->unsupported[i];
        if (u->name == NULL)
            continue;
        yajl_gen_map_open(g);
        pv_json_key_str(g, "name", u->name);
        pv_json_key_str(g, "source_type", u->source_type != NULL ? u->source_type : "unknown");
        pv_json_key_str(g, "reason",
                        u->reason != NULL && u->reason[0] != '\0' ? u->reason
                                                                  : "no pivot type holds it");
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

int pv_api_channels(pv_api_env *env, h2o_req_t *req)
{
    const pivot_source *src = env->server->source;
    pv_channel_list names = {0};
    channel_filter filter = {.names = &names};
    char err[PIVOT_ERRMSG_SIZE] = "";
    yajl_gen g = NULL;
    int rc;

    if (parse_channels_query(req, &filter) != 0) {
        rc = pv_reply_error(req, 400, "invalid-query", "Invalid query parameter",
                            "pattern: not a channel name pattern; use a glob such as ch0* of at "
                            "most %d characters, percent-encoded",
                            PV_CHANNEL_NAME_MAX * 2);
        goto out;
    }
    if (src->list_channels(env->source_ctx, collect, &filter, err, sizeof(err)) != 0) {
        rc = pv_reply_error(req, 500, "source-error", "The data source could not be read",
                            "listing channels failed: %s", err);
        goto out;
    }
    g = pv_json_gen_new();
    if (g == NULL) {
        rc = -1;
        goto out;
    }
    yajl_gen_map_open(g);
    pv_json_str(g, "channels");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < names.count; i++) {
        pivot_channel_info *info = NULL;
        yajl_gen_map_open(g);
        pv_json_key_str(g, "name", names.names[i]);
        err[0] = '\0';
        if (pv_source_describe(src, env->source_ctx, names.names[i], &info, err, sizeof(err)) !=
            0) {
            /* One unreadable channel does not hide the others. */
            pv_json_key_null(g, "signals");
            pv_json_key_null(g, "unsupported");
            pv_json_key_str(g, "error", err);
        } else {
            gen_signals(g, info);
            gen_unsupported(g, info);
            gen_origin(g, info);
            src->free_info(env->source_ctx, info);
            gen_span(env, g, names.names[i]);
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    rc = pv_reply_json(req, 200, g);
out:
    if (g != NULL)
        yajl_gen_free(g);
    pv_channel_list_free(&names);
    return rc;
}
