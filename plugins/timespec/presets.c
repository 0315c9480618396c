/* Named ranges: a fixed span back from now, or whole UTC days. */
#include "fields.h"
#include "parsers.h"
#include "units.h"

#include <stdio.h>
#include <string.h>

/* How a preset turns now into a range. */
typedef enum preset_kind {
    LAST_SPAN, /* [now - span, now) */
    TODAY,     /* [00:00 UTC today, now) */
    YESTERDAY  /* [00:00 UTC yesterday, 00:00 UTC today) */
} preset_kind;

typedef struct preset {
    const char *name;
    preset_kind kind;
    int64_t span_ns;
} preset;

static const preset presets[] = {
    {"last_15_minutes", LAST_SPAN, 15 * TS_NS_PER_MIN},
    {"last_hour", LAST_SPAN, TS_NS_PER_HOUR},
    {"last_6_hours", LAST_SPAN, 6 * TS_NS_PER_HOUR},
    {"last_24_hours", LAST_SPAN, 24 * TS_NS_PER_HOUR},
    {"today", TODAY, 0},
    {"yesterday", YESTERDAY, 0},
};

#define PRESET_NAMES "last_15_minutes, last_hour, last_6_hours, last_24_hours, today, yesterday"

static int resolve_preset(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                          size_t errlen)
{
    const char *name;
    const preset *p = NULL;
    char quoted[PIVOT_QUOTE_SIZE];
    int rc;

    if ((rc = ts_field_string(spec, "name", "preset", "last_hour", &name, err, errlen)) != 0)
        goto out;
    for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
        if (strcmp(presets[i].name, name) == 0)
            p = &presets[i];
    }
    if (p == NULL) {
        snprintf(err, errlen, "time_range.name: unknown preset %s; use one of " PRESET_NAMES,
                 pivot_quote(name, strlen(name), quoted));
        rc = PIVOT_EINVAL;
        goto out;
    }

    if (now_ns < 0) {
        snprintf(err, errlen,
                 "time_range.name: the server clock reads before " TS_FIRST_TIME_TEXT
                 ", so preset \"%s\" cannot be resolved",
                 p->name);
        rc = PIVOT_EINVAL;
        goto out;
    }
    /* now_ns >= 0, so division truncates toward the earlier midnight. */
    int64_t midnight = now_ns / TS_NS_PER_DAY * TS_NS_PER_DAY;
    pivot_range r = {0, 0};
    switch (p->kind) {
    case LAST_SPAN:
        r = (pivot_range){now_ns - p->span_ns, now_ns};
        break;
    case TODAY:
        r = (pivot_range){midnight, now_ns};
        break;
    case YESTERDAY:
        r = (pivot_range){midnight - TS_NS_PER_DAY, midnight};
        break;
    }
    if (r.start_ns < 0) {
        snprintf(err, errlen,
                 "time_range.name: preset \"%s\" would start before " TS_FIRST_TIME_TEXT, p->name);
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (r.start_ns >= r.end_ns) {
        /* Only "today" at exactly midnight UTC can get here. */
        snprintf(err, errlen,
                 "time_range.name: preset \"%s\" is empty at exactly 00:00:00 UTC; use "
                 "\"yesterday\" or \"last_24_hours\"",
                 p->name);
        rc = PIVOT_EINVAL;
        goto out;
    }
    *out = r;
out:
    return rc;
}

const pivot_timespec_parser ts_parser_preset = {sizeof(pivot_timespec_parser), "preset",
                                                resolve_preset};
