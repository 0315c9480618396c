/*
 * Site shifts: time_range {"type": "shift", "name": "shift_a"} is the most
 * recent shift_a (06:00-14:00 local time) that has started, and the preset
 * {"type": "preset", "name": "last_shift"} is the most recent shift of any
 * name that has ended, both in the time zone set by
 *
 *     plugins:
 *       site_shifts:
 *         timezone: Europe/Berlin     # IANA name; default UTC
 *
 * A shift still in progress ends at the request's time (there is no data
 * after it yet), as the built-in "today" preset does. Edit `shifts` for a
 * site's own schedule.
 *
 * The type shows a plugin reading its own members of `time_range`; the
 * preset shows the simpler way to add a named range beside the bundled
 * ones (listed, with its range now, by GET /api/v1/pivot/presets).
 *
 * Limits: the zone's offsets are computed at start for the span from 5 years
 * before to 30 years after it (tz_table.h); outside it the edge offsets
 * apply. A shift boundary inside a daylight-saving jump resolves as
 * tz_local_to_utc says.
 */
#include "tz_table.h"

#include <pivot/plugin.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

PIVOT_PLUGIN_MAGIC("site_shifts", "1.0.0");

#define PLUGIN_NAME "site_shifts"
#define NS_PER_S INT64_C(1000000000)
#define DAY 86400
#define YEAR (365 * DAY)

/* One shift: a start and a length in local wall-clock time. */
typedef struct shift {
    const char *name;
    int start_minute; /* after local midnight */
    int minutes;      /* may cross midnight */
} shift;

static const shift shifts[] = {
    {"shift_a", 6 * 60, 8 * 60},
    {"shift_b", 14 * 60, 8 * 60},
    {"shift_c", 22 * 60, 8 * 60},
};

#define SHIFT_NAMES "shift_a, shift_b, shift_c"
#define SHIFT_TIMES "shift_a 06:00-14:00, shift_b 14:00-22:00, shift_c 22:00-06:00"

static const pivot_host *host;
static tz_table zone;

/* Floor division, so that instants before 1970 land on the right day. */
static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* The UTC start and end (seconds) of shift s on the local day `back` days
 * before local_day (local seconds at midnight). */
static void shift_bounds(const shift *s, int64_t local_day, int back, int64_t *start, int64_t *end)
{
    int64_t start_local = local_day - back * DAY + s->start_minute * 60;
    *start = tz_local_to_utc(&zone, start_local);
    *end = tz_local_to_utc(&zone, start_local + s->minutes * 60);
}

/* Local midnight of the day holding now (seconds, UTC), in local seconds. */
static int64_t local_day_of(int64_t now)
{
    return floor_div(now + tz_offset_at(&zone, now), DAY) * DAY;
}

static int resolve_shift(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                         size_t errlen)
{
    const char *name = host->json_string(host->json_get(spec, "name"));
    const shift *s = NULL;

    if (name == NULL) {
        snprintf(err, errlen, "time_range.name: expected a shift name, one of " SHIFT_NAMES);
        return PIVOT_EINVAL;
    }
    for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
        if (strcmp(shifts[i].name, name) == 0)
            s = &shifts[i];
    }
    if (s == NULL) {
        snprintf(err, errlen, "time_range.name: unknown shift \"%.64s\"; use one of " SHIFT_NAMES,
                 name);
        return PIVOT_EINVAL;
    }
    int64_t now = floor_div(now_ns, NS_PER_S);
    int64_t local_day = local_day_of(now);
    /* The latest start at or before now: today's, else yesterday's, else the day before's
     * (a day may be 23 hours long around a daylight-saving change). */
    for (int back = 0; back <= 2; back++) {
        int64_t start, end;
        shift_bounds(s, local_day, back, &start, &end);
        if (start > now)
            continue;
        out->start_ns = start * NS_PER_S;
        out->end_ns = end * NS_PER_S < now_ns ? end * NS_PER_S : now_ns;
        return 0;
    }
    snprintf(err, errlen, "time_range.name: no %s has started yet", s->name);
    return PIVOT_EINVAL;
}

/* last_shift: of every shift of today and the two days before, the one that
 * ended last at or before now. Shifts follow each other, so it is the one
 * before the shift in progress. */
static int resolve_last_shift(const pivot_preset *preset, int64_t now_ns, pivot_range *out,
                              char *err, size_t errlen)
{
    int64_t local_day = local_day_of(floor_div(now_ns, NS_PER_S));
    int found = 0;

    (void)preset;
    for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
        for (int back = 0; back <= 2; back++) {
            int64_t start, end;
            shift_bounds(&shifts[i], local_day, back, &start, &end);
            if (end * NS_PER_S > now_ns || (found && end * NS_PER_S <= out->end_ns))
                continue;
            out->start_ns = start * NS_PER_S;
            out->end_ns = end * NS_PER_S;
            found = 1;
        }
    }
    if (!found) {
        snprintf(err, errlen, "no shift has ended yet");
        return PIVOT_EINVAL;
    }
    return 0;
}

static const pivot_timespec_parser shift_parser = {sizeof(pivot_timespec_parser), "shift",
                                                   resolve_shift};

/* Says the zone, which init learns from the settings. */
static char last_shift_description[256];

static const pivot_preset last_shift = {
    .size = sizeof(pivot_preset),
    .name = "last_shift",
    .description = last_shift_description,
    .resolve = resolve_last_shift,
};

int pivot_plugin_init(const pivot_host *h, pivot_registry *reg, char *err, size_t errlen)
{
    const char *tz = h->config_get("plugins." PLUGIN_NAME ".timezone");
    int64_t now = (int64_t)time(NULL);
    char why[PIVOT_ERRMSG_SIZE];
    tz_table fresh;
    int rc;

    host = h;
    if (tz == NULL)
        tz = "UTC";
    /* init runs before the host starts any thread: the one safe moment to use TZ. */
    rc = tz_table_build(&fresh, tz, now - 5 * YEAR, now + 30 * YEAR, why, sizeof(why));
    if (rc != 0) {
        snprintf(err, errlen, "plugins.%s.timezone: %s", PLUGIN_NAME, why);
        return rc;
    }
    /* A server calls init once; a test host may call it again, and the
     * table of the earlier call goes then. */
    tz_table_free(&zone);
    zone = fresh;
    host->log(PIVOT_LOG_DEBUG, PLUGIN_NAME, "shifts in time zone %s (%zu offset changes)",
              zone.name, zone.nchanges);
    /* The table stays for the life of the process: plugins are never unloaded. */
    rc = host->register_timespec(reg, &shift_parser);
    if (rc != 0)
        return rc;
    /* register_preset was appended to the host table: an older server lacks it. */
    if (!PIVOT_HAS_MEMBER(host, pivot_host, register_preset)) {
        host->log(PIVOT_LOG_WARNING, PLUGIN_NAME,
                  "this server takes no presets: last_shift is not available");
        return 0;
    }
    snprintf(last_shift_description, sizeof(last_shift_description),
             "the last shift that has ended (" SHIFT_TIMES "), in %s", zone.name);
    return host->register_preset(reg, &last_shift);
}
