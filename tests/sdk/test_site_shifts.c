/*
 * The site_shifts example resolves shifts in a zone with daylight saving
 * time: expected instants are those of the IANA America/New_York rules.
 */
#include "check.h"

#include <pivot/plugin.h>
#include <pivot/test_host.h>

#include <stdio.h>
#include <string.h>

#define S INT64_C(1000000000)

/* Resolves {"type": "shift", "name": NAME} at now (seconds, UTC). */
static int resolve(const char *name, int64_t now, pivot_range *out, char *err)
{
    const pivot_timespec_parser *shift = pivot_test_host_timespec("shift");
    char json[128];

    snprintf(json, sizeof(json), "{\"type\": \"shift\", \"name\": \"%s\"}", name);
    err[0] = '\0';
    return shift->resolve(pivot_test_host_json(json), now * S, out, err, PIVOT_ERRMSG_SIZE);
}

int main(void)
{
    pivot_range r;
    char err[PIVOT_ERRMSG_SIZE];

    /* A zone that is not installed stops the plugin from loading. */
    pivot_test_host_set("plugins.site_shifts.timezone", "Nowhere/Atlantis");
    CHECK_INT_EQ(pivot_test_host_load(pivot_plugin_init, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_INT_EQ(pivot_test_host_registrations(), 0);
    CHECK(strncmp(err, "plugins.site_shifts.timezone: ", 30) == 0);

    pivot_test_host_set("plugins.site_shifts.timezone", "America/New_York");
    CHECK_INT_EQ(pivot_test_host_load(pivot_plugin_init, err, sizeof(err)), 0);
    CHECK(pivot_test_host_timespec("shift") != NULL);
    if (pivot_test_host_timespec("shift") == NULL)
        return check_report();

    /* 2025-03-09 12:00Z is 08:00 EDT, the day clocks went forward: shift_a
     * started at 06:00 EDT (10:00Z) and runs until now. */
    CHECK_INT_EQ(resolve("shift_a", 1741521600, &r, err), 0);
    CHECK_INT_EQ(r.start_ns, INT64_C(1741514400) * S);
    CHECK_INT_EQ(r.end_ns, INT64_C(1741521600) * S);

    /* 09:00Z is 05:00 EDT: today's has not started, so yesterday's, in EST:
     * 2025-03-08 11:00Z to 19:00Z. */
    CHECK_INT_EQ(resolve("shift_a", 1741510800, &r, err), 0);
    CHECK_INT_EQ(r.start_ns, INT64_C(1741431600) * S);
    CHECK_INT_EQ(r.end_ns, INT64_C(1741460400) * S);

    /* shift_c crosses the night clocks go back: 22:00 EDT (2025-11-02 02:00Z)
     * to 06:00 EST (11:00Z), nine hours. Asked at 15:00Z. */
    CHECK_INT_EQ(resolve("shift_c", 1762095600, &r, err), 0);
    CHECK_INT_EQ(r.start_ns, INT64_C(1762048800) * S);
    CHECK_INT_EQ(r.end_ns, INT64_C(1762081200) * S);

    /* Exactly at a shift's start it is that shift (zero length so far). */
    CHECK_INT_EQ(resolve("shift_a", 1741514400, &r, err), 0);
    CHECK_INT_EQ(r.start_ns, INT64_C(1741514400) * S);
    CHECK_INT_EQ(r.end_ns, INT64_C(1741514400) * S);

    CHECK_INT_EQ(resolve("shift_z", 1741521600, &r, err), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "time_range.name: unknown shift \"shift_z\"; use one of shift_a, shift_b, "
                      "shift_c");

    return check_report();
}
