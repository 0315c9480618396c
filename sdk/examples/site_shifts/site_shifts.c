/*
 * Site shift presets: time_range {"type": "shift", "name": "shift_a"} is the
 * most recent shift_a (06:00-14:00 local time) that has started, in the time
 * zone set by
 *
 *     plugins:
 *       site_shifts:
 *         timezone: Europe/Berlin     # IANA name; default UTC
 *
 * A shift still in progress ends at the request's time (there is no data
 * after it yet), as the built-in "today" preset does. Edit `shifts` for a
 * site's own schedule.
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

static const pivot_host *host;
static tz_table zone;

/* Floor division, so that instants before 1970 land on the right day. */
static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
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
    int64_t local_day = floor_div(now + tz_offset_at(&zone, now), DAY) * DAY;
    /* The latest start at or before now: today's, else yesterday's, else the day before's
     * (a day may be 23 hours long around a daylight-saving change). */
    for (int back = 0; back <= 2; back++) {
        int64_t start_local = local_day - back * DAY + s->start_minute * 60;
        int64_t start = tz_local_to_utc(&zone, start_local);
        if (start > now)
            continue;
        int64_t end = tz_local_to_utc(&zone, start_local + s->minutes * 60);
        out->start_ns = start * NS_PER_S;
        out->end_ns = end * NS_PER_S < now_ns ? end * NS_PER_S : now_ns;
        return 0;
    }
    snprintf(err, errlen, "time_range.name: no %s has started yet", s->name);
    return PIVOT_EINVAL;
}

static const pivot_timespec_parser shift_parser = {sizeof(pivot_timespec_parser), "shift",
                                                   resolve_shift};

int pivot_plugin_init(const pivot_host *h, pivot_registry *reg, char *err, size_t errlen)
{
    const char *tz = h->config_get("plugins." PLUGIN_NAME ".timezone");
    int64_t now = (int64_t)time(NULL);
    char why[PIVOT_ERRMSG_SIZE];
    int rc;

    host = h;
    if (tz == NULL)
        tz = "UTC";
    /* init runs before the host starts any thread: the one safe moment to use TZ. */
    rc = tz_table_build(&zone, tz, now - 5 * YEAR, now + 30 * YEAR, why, sizeof(why));
    if (rc != 0) {
        snprintf(err, errlen, "plugins.%s.timezone: %s", PLUGIN_NAME, why);
        return rc;
    }
    host->log(PIVOT_LOG_DEBUG, PLUGIN_NAME, "shifts in time zone %s (%zu offset changes)",
              zone.name, zone.nchanges);
    /* The table stays for the life of the process: plugins are never unloaded. */
    return host->register_timespec(reg, &shift_parser);
}
