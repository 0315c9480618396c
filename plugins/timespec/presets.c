/* The bundled presets: a fixed span back from now, or whole UTC days. The
 * host resolves `{"type": "preset", "name": ...}` by name; these are the
 * names this plugin gives it. */
#include "presets.h"

#include "units.h"

#include <stdio.h>

/* How a preset turns now into a range. */
typedef enum preset_kind {
    LAST_SPAN, /* [now - span, now) */
    TODAY,     /* [00:00 UTC today, now) */
    YESTERDAY  /* [00:00 UTC yesterday, 00:00 UTC today) */
} preset_kind;

/* A row of the table below, handed to resolve as the preset's data. */
typedef struct preset_rule {
    preset_kind kind;
    int64_t span_ns;
} preset_rule;

static const preset_rule last_15_minutes = {LAST_SPAN, 15 * TS_NS_PER_MIN};
static const preset_rule last_hour = {LAST_SPAN, TS_NS_PER_HOUR};
static const preset_rule last_6_hours = {LAST_SPAN, 6 * TS_NS_PER_HOUR};
static const preset_rule last_24_hours = {LAST_SPAN, 24 * TS_NS_PER_HOUR};
static const preset_rule today = {TODAY, 0};
static const preset_rule yesterday = {YESTERDAY, 0};

static int resolve(const pivot_preset *preset, int64_t now_ns, pivot_range *out, char *err,
                   size_t errlen)
{
    const preset_rule *rule = preset->data;
    pivot_range r = {0, 0};
    int rc = PIVOT_EINVAL;

    if (now_ns < 0) {
        snprintf(err, errlen, "the server clock reads before " TS_FIRST_TIME_TEXT);
        goto out;
    }
    /* now_ns >= 0, so division truncates toward the earlier midnight. */
    int64_t midnight = now_ns / TS_NS_PER_DAY * TS_NS_PER_DAY;
    switch (rule->kind) {
    case LAST_SPAN:
        r = (pivot_range){now_ns - rule->span_ns, now_ns};
        break;
    case TODAY:
        r = (pivot_range){midnight, now_ns};
        break;
    case YESTERDAY:
        r = (pivot_range){midnight - TS_NS_PER_DAY, midnight};
        break;
    }
    if (r.start_ns < 0) {
        snprintf(err, errlen, "would start before " TS_FIRST_TIME_TEXT);
        goto out;
    }
    if (r.start_ns >= r.end_ns) {
        /* Only "today" at exactly midnight UTC can get here. */
        snprintf(err, errlen,
                 "empty at exactly 00:00:00 UTC; use \"yesterday\" or \"last_24_hours\"");
        goto out;
    }
    *out = r;
    rc = 0;
out:
    return rc;
}

#define PRESET(name_, description_)                                                                \
    {                                                                                              \
        .size = sizeof(pivot_preset), .name = #name_, .description = (description_),               \
        .resolve = resolve, .data = &name_                                                         \
    }

const pivot_preset ts_presets[TS_NPRESETS] = {
    PRESET(last_15_minutes, "the 15 minutes before now"),
    PRESET(last_hour, "the hour before now"),
    PRESET(last_6_hours, "the 6 hours before now"),
    PRESET(last_24_hours, "the 24 hours before now"),
    PRESET(today, "from 00:00 UTC today until now (none at exactly 00:00:00 UTC)"),
    PRESET(yesterday, "from 00:00 UTC yesterday until 00:00 UTC today"),
};
