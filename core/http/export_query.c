#include "export_query.h"

#include "http_query.h"
#include "json_out.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T_QUERY "invalid-query", "Invalid query parameter"
/* Longest decoded value of one parameter; channel lists of any sane size fit. */
#define VALUE_MAX 8192

/* The parameters, decoded; NULL when absent. A repeated parameter keeps its last value. */
typedef struct export_params {
    char *start, *end, *duration, *channels, *signals;
} export_params;

static void params_free(export_params *p)
{
    free(p->start);
    free(p->end);
    free(p->duration);
    free(p->channels);
    free(p->signals);
}

/* Percent-decodes v into a new string. '+' stays '+': in a timestamp it is
 * a UTC offset, and scripts of the original service sent offsets unencoded.
 * Control characters are refused so that none reaches a name or a time, and
 * so are bytes that are not UTF-8: the job is built as JSON text, which
 * cannot hold them. Returns 0, -1 for a bad value, -2 when out of memory. */
static int decode(h2o_iovec_t v, char **out)
{
    char *s;
    ssize_t n;

    *out = NULL;
    if (v.len > VALUE_MAX)
        return -1;
    s = malloc(v.len + 1);
    if (s == NULL)
        return -2;
    n = pv_query_decode(v, s, v.len + 1);
    for (ssize_t k = 0; k < n; k++) {
        if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
            n = -1;
    }
    if (n < 0 || !pv_utf8_valid(s, (size_t)n)) {
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

static char **param_slot(export_params *p, const char *key, size_t klen)
{
    static const char *const names[] = {"start", "end", "duration", "channels", "signals"};
    char **slots[] = {&p->start, &p->end, &p->duration, &p->channels, &p->signals};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == klen && memcmp(names[i], key, klen) == 0)
            return slots[i];
    return NULL;
}

static int parse_params(const char *q, size_t len, export_params *p, pv_problem *pb)
{
    pv_query_iter it;
    h2o_iovec_t key, val;

    pv_query_begin_text(q, q != NULL ? len : 0, &it);
    while (pv_query_next(&it, &key, &val)) {
        char **slot = param_slot(p, key.base, key.len);
        char name[16];
        int rc;
        /* Other parameters (cache busters...) are ignored, as by the list. */
        if (slot == NULL)
            continue;
        snprintf(name, sizeof(name), "%.*s", (int)key.len, key.base);
        free(*slot);
        rc = decode(val, slot);
        if (rc == -2)
            return pv_problem_set(pb, 500, "internal-error", "Internal error", NULL,
                                  "out of memory");
        if (rc != 0)
            return pv_problem_set(pb, 400, T_QUERY, name,
                                  "%s: not a valid value; percent-encode its UTF-8 bytes (%%XX) "
                                  "and keep it under %d bytes, without control characters",
                                  name, VALUE_MAX);
    }
    return 0;
}

/* Splits a comma list into g as a JSON array of strings; items must be non-empty. */
static int gen_list(yajl_gen g, const char *name, const char *list, size_t *count, pv_problem *pb)
{
    const char *p = list;
    *count = 0;
    yajl_gen_array_open(g);
    for (;;) {
        size_t n = strcspn(p, ",");
        if (n == 0)
            return pv_problem_set(pb, 400, T_QUERY, name,
                                  "%s: item %zu is empty; send names separated by single commas, "
                                  "e.g. %s",
                                  name, *count + 1,
                                  strcmp(name, "channels") == 0 ? "channels=ch1,ch2"
                                                                : "signals=x,y");
        yajl_gen_string(g, (const unsigned char *)p, n);
        (*count)++;
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    yajl_gen_array_close(g);
    return 0;
}

/* A duration given as plain seconds ("300", "1.5"), as the original service
 * accepted, becomes ISO 8601; anything else goes to the parser as it is. */
static void gen_duration(yajl_gen g, const char *d)
{
    char iso[64];
    size_t digits = strspn(d, "0123456789.");
    if (d[0] != '\0' && d[digits] == '\0' && strlen(d) < sizeof(iso) - 4) {
        snprintf(iso, sizeof(iso), "PT%sS", d);
        pv_json_key_str(g, "duration", iso);
    } else {
        pv_json_key_str(g, "duration", d);
    }
}

static int gen_time_range(yajl_gen g, const export_params *p, pv_problem *pb)
{
    const char *type;
    if (p->start != NULL && p->end != NULL && p->duration == NULL)
        type = "absolute";
    else if (p->start != NULL && p->duration != NULL && p->end == NULL)
        type = "start_duration";
    else if (p->end != NULL && p->duration != NULL && p->start == NULL)
        type = "end_duration";
    else if (p->duration != NULL && p->start == NULL && p->end == NULL)
        type = "relative";
    else
        return pv_problem_set(pb, 400, T_QUERY, p->start == NULL ? "start" : "duration",
                              "the time range needs start and end, start and duration, end and "
                              "duration, or duration alone (the last one before now); e.g. "
                              "start=2025-01-23T14:30:00Z&end=2025-01-23T14:35:00Z");
    pv_json_str(g, "time_range");
    yajl_gen_map_open(g);
    pv_json_key_str(g, "type", type);
    if (p->start != NULL)
        pv_json_key_str(g, "start", p->start);
    if (p->end != NULL)
        pv_json_key_str(g, "end", p->end);
    if (p->duration != NULL)
        gen_duration(g, p->duration);
    yajl_gen_map_close(g);
    return 0;
}

/* signals=x,y applies to every channel; a channel named twice gets one key. */
static void gen_signals(yajl_gen g, const char *channels, const char *signals)
{
    const char *p = channels;
    size_t ignored;
    pv_problem unused;
    pv_json_str(g, "signals");
    yajl_gen_map_open(g);
    for (;;) {
        size_t n = strcspn(p, ",");
        int seen = 0;
        for (const char *q = channels; q < p; q += strcspn(q, ",") + 1)
            if (strcspn(q, ",") == n && memcmp(q, p, n) == 0)
                seen = 1;
        if (!seen) {
            yajl_gen_string(g, (const unsigned char *)p, n);
            gen_list(g, "signals", signals, &ignored, &unused);
        }
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    yajl_gen_map_close(g);
}

int pv_export_query_to_job(const char *query, size_t len, const pv_config *cfg, char **body,
                           size_t *body_len, pv_problem *pb)
{
    export_params p = {0};
    yajl_gen g = NULL;
    size_t nchannels = 0, nsignals = 0;
    const unsigned char *buf;
    int rc = -1;

    *body = NULL;
    if (parse_params(query, len, &p, pb) != 0)
        goto out;
    if (p.channels == NULL) {
        pv_problem_set(pb, 400, T_QUERY, "channels",
                       "channels: missing; name the channels to export, e.g. channels=ch1,ch2 "
                       "(GET /api/v1/pivot/channels lists them)");
        goto out;
    }
    g = pv_json_gen_new();
    if (g == NULL) {
        pv_problem_set(pb, 500, "internal-error", "Internal error", NULL, "out of memory");
        goto out;
    }
    yajl_gen_map_open(g);
    if (gen_time_range(g, &p, pb) != 0)
        goto out;
    pv_json_str(g, "channels");
    yajl_gen_map_open(g);
    pv_json_str(g, "include");
    if (gen_list(g, "channels", p.channels, &nchannels, pb) != 0)
        goto out;
    yajl_gen_map_close(g);
    if (nchannels > (size_t)cfg->sync_max_channels) {
        pv_problem_set(pb, 413, "too-many-channels", "Too many channels", "channels",
                       "channels: %zu named; this endpoint exports at most %d at once "
                       "(api.limits.max_channels_per_query); " PV_EXPORT_JOB_API_HINT,
                       nchannels, cfg->sync_max_channels);
        goto out;
    }
    if (p.signals != NULL) {
        /* Checked once here so that gen_signals cannot meet a bad list. */
        yajl_gen check = pv_json_gen_new();
        int bad = check == NULL || gen_list(check, "signals", p.signals, &nsignals, pb) != 0;
        if (check != NULL)
            yajl_gen_free(check);
        if (bad)
            goto out;
        gen_signals(g, p.channels, p.signals);
    }
    yajl_gen_map_close(g);
    if (yajl_gen_get_buf(g, &buf, body_len) != yajl_gen_status_ok ||
        (*body = malloc(*body_len + 1)) == NULL) {
        pv_problem_set(pb, 500, "internal-error", "Internal error", NULL,
                       "the job request could not be encoded");
        goto out;
    }
    memcpy(*body, buf, *body_len);
    (*body)[*body_len] = '\0';
    rc = 0;
out:
    if (g != NULL)
        yajl_gen_free(g);
    params_free(&p);
    return rc;
}

void pv_export_query_field(pv_problem *pb)
{
    static const struct {
        const char *prefix, *param;
    } map[] = {
        {"time_range.start", "start"},
        {"time_range.end", "end"},
        {"time_range.duration", "duration"},
        {"time_range", "start"},
        {"channels", "channels"},
        {"signals", "signals"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        size_t n = strlen(map[i].prefix);
        if (strncmp(pb->field, map[i].prefix, n) == 0) {
            snprintf(pb->field, sizeof(pb->field), "%s", map[i].param);
            return;
        }
    }
}
