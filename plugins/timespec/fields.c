#include "fields.h"

#include <pivot/common.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <string.h>

/* Written once by pivot_plugin_init before any parser runs, read-only after:
 * the parsers stay thread-safe. */
static const pivot_host *ts_host;

void ts_fields_init(const pivot_host *host)
{
    ts_host = host;
}

int ts_field_string(const pivot_json *spec, const char *name, const char *type, const char *example,
                    const char **out, char *err, size_t errlen)
{
    const pivot_json *v = ts_host->json_get(spec, name);
    pivot_json_kind kind = ts_host->json_kind(v);

    if (kind == PIVOT_JSON_NONE || kind == PIVOT_JSON_NULL) {
        snprintf(err, errlen, "time_range.%s: required for type \"%s\"", name, type);
        return PIVOT_EINVAL;
    }
    if (kind != PIVOT_JSON_STRING) {
        snprintf(err, errlen, "time_range.%s: must be a string, e.g. \"%s\"", name, example);
        return PIVOT_EINVAL;
    }
    *out = ts_host->json_string(v);
    return 0;
}

int ts_field_time(const pivot_json *spec, const char *name, const char *type, int64_t *ns,
                  char *err, size_t errlen)
{
    const char *text;
    char why[PIVOT_ERRMSG_SIZE];
    int rc = ts_field_string(spec, name, type, "2025-01-23T14:30:00Z", &text, err, errlen);

    if (rc != 0)
        goto out;
    if (pivot_rfc3339_parse(text, strlen(text), ns, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "time_range.%s: %s", name, why);
        rc = PIVOT_EINVAL;
    }
out:
    return rc;
}

int ts_field_duration(const pivot_json *spec, const char *name, const char *type, int64_t *ns,
                      char *err, size_t errlen)
{
    const char *text;
    char why[PIVOT_ERRMSG_SIZE];
    int rc = ts_field_string(spec, name, type, "PT30M", &text, err, errlen);

    if (rc != 0)
        goto out;
    if (pivot_iso_duration_parse(text, strlen(text), ns, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "time_range.%s: %s", name, why);
        rc = PIVOT_EINVAL;
    }
out:
    return rc;
}
