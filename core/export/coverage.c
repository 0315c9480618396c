#include "coverage.h"

#include "timeutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define T_MISSING "missing-data", "The job's range holds no data, or only part of it, for a channel"

void pv_coverage_of(const pivot_source *src, void *ctx, const char *channel, pivot_range range,
                    pv_coverage *out)
{
    pivot_range span = {0, 0};
    double rate = 0.0;
    int64_t slack;
    char err[PIVOT_ERRMSG_SIZE];

    out->requested = range;
    out->span = span;
    out->kind = PV_COVERAGE_UNKNOWN;
    if (src->span == NULL || src->span(ctx, channel, &span, &rate, err, sizeof(err)) != 0)
        return;
    if (span.end_ns <= span.start_ns) {
        out->kind = PV_COVERAGE_NONE;
        return;
    }
    out->span = span;
    if (span.end_ns <= range.start_ns || span.start_ns >= range.end_ns) {
        out->kind = PV_COVERAGE_NONE;
        return;
    }
    /* Samples fall on a grid that need not meet the range's ends: data that
     * starts within one sample period of the start (or ends within one of
     * the end) covers it. Without a rate, any gap counts. */
    slack = rate > 0.0 ? (int64_t)ceil(1e9 / rate) : 1;
    out->kind = span.start_ns - range.start_ns > slack || range.end_ns - span.end_ns > slack
                    ? PV_COVERAGE_PARTIAL
                    : PV_COVERAGE_FULL;
}

const char *pv_coverage_kind_name(pv_coverage_kind kind)
{
    switch (kind) {
    case PV_COVERAGE_NONE:
        return "no-data";
    case PV_COVERAGE_PARTIAL:
        return "partial-data";
    case PV_COVERAGE_FULL:
        return "full";
    default:
        return "unknown";
    }
}

int pv_coverage_is_short(const pv_coverage *c)
{
    return c->kind == PV_COVERAGE_NONE || c->kind == PV_COVERAGE_PARTIAL;
}

void pv_coverage_message(const char *channel, const pv_coverage *c, char *out, size_t len)
{
    char rs[PV_TIME_TEXT_SIZE], re[PV_TIME_TEXT_SIZE], ss[PV_TIME_TEXT_SIZE], se[PV_TIME_TEXT_SIZE];
    int has_span = c->span.end_ns > c->span.start_ns;

    pv_time_format_ns(c->requested.start_ns, rs);
    pv_time_format_ns(c->requested.end_ns, re);
    if (has_span) {
        pv_time_format_ns(c->span.start_ns, ss);
        pv_time_format_ns(c->span.end_ns - 1, se);
    }
    if (!has_span)
        snprintf(out, len, "channel \"%s\" has no data in %s to %s; it holds no data at all",
                 channel, rs, re);
    else if (c->kind == PV_COVERAGE_NONE)
        snprintf(out, len, "channel \"%s\" has no data in %s to %s; its data spans %s to %s",
                 channel, rs, re, ss, se);
    else
        snprintf(out, len, "channel \"%s\" covers only part of %s to %s; its data spans %s to %s",
                 channel, rs, re, ss, se);
}

/* The span's end is shown as the last sample, as time_range_actual is. */
static void gen_range(yajl_gen g, const char *key, int64_t start_ns, int64_t end_ns)
{
    pv_json_str(g, key);
    yajl_gen_map_open(g);
    pv_json_key_time_ns(g, "start", start_ns);
    pv_json_key_time_ns(g, "end", end_ns);
    yajl_gen_map_close(g);
}

void pv_coverage_gen(yajl_gen g, const char *channel, const pv_coverage *c)
{
    char msg[PIVOT_ERRMSG_SIZE];

    pv_coverage_message(channel, c, msg, sizeof(msg));
    yajl_gen_map_open(g);
    pv_json_key_str(g, "channel", channel);
    pv_json_key_str(g, "kind", pv_coverage_kind_name(c->kind));
    gen_range(g, "requested", c->requested.start_ns, c->requested.end_ns);
    if (c->span.end_ns > c->span.start_ns)
        gen_range(g, "available", c->span.start_ns, c->span.end_ns - 1);
    else
        pv_json_key_null(g, "available");
    pv_json_key_str(g, "message", msg);
    yajl_gen_map_close(g);
}

int pv_coverage_parse_on_missing(yajl_val options, int *fail, pv_problem *pb)
{
    yajl_val v = options != NULL ? pv_json_member(options, "on_missing") : NULL;
    char quoted[300];

    *fail = 0;
    if (v == NULL || YAJL_IS_NULL(v))
        return 0;
    if (YAJL_IS_STRING(v) && strcmp(v->u.string, "warn") == 0)
        return 0;
    if (YAJL_IS_STRING(v) && strcmp(v->u.string, "fail") == 0) {
        *fail = 1;
        return 0;
    }
    if (YAJL_IS_STRING(v)) {
        pv_problem_quote(v->u.string, quoted, sizeof(quoted));
        return pv_problem_set(pb, 400, "invalid-field", "A field of the request is invalid",
                              "options.on_missing",
                              "options.on_missing: \"%s\" is not a choice; use \"warn\" (the "
                              "default: export and say what is missing) or \"fail\" (refuse the "
                              "job)",
                              quoted);
    }
    return pv_problem_set(pb, 400, "invalid-field", "A field of the request is invalid",
                          "options.on_missing",
                          "options.on_missing: must be \"warn\" or \"fail\"; got a %s",
                          YAJL_IS_NUMBER(v)   ? "number"
                          : YAJL_IS_OBJECT(v) ? "object"
                          : YAJL_IS_ARRAY(v)  ? "array"
                                              : "boolean");
}

int pv_coverage_refuse_short(const pivot_source *src, void *ctx, char *const *channels,
                             size_t nchannels, pivot_range range, pv_problem *pb)
{
    char msg[PIVOT_ERRMSG_SIZE], detail[sizeof(pb->detail)];
    size_t used = 0, nshort = 0;
    pv_coverage c;

    detail[0] = '\0';
    for (size_t i = 0; i < nchannels; i++) {
        pv_coverage_of(src, ctx, channels[i], range, &c);
        if (!pv_coverage_is_short(&c))
            continue;
        pv_coverage_message(channels[i], &c, msg, sizeof(msg));
        /* The detail holds as many whole sentences as fit; the count says the rest. */
        if (used + strlen(msg) + 64 < sizeof(detail))
            used += (size_t)snprintf(detail + used, sizeof(detail) - used, "%s%s",
                                     nshort > 0 ? "; " : "", msg);
        nshort++;
    }
    if (nshort == 0)
        return 0;
    return pv_problem_set(pb, 422, T_MISSING, "time_range",
                          "%s (%zu channel%s short of data); options.on_missing is \"fail\": "
                          "choose a range with data (GET /api/v1/pivot/channels shows each "
                          "channel's span) or send \"warn\" to export what there is",
                          detail, nshort, nshort == 1 ? "" : "s");
}
