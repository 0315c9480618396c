/*
 * The site_shifts example resolves shifts in a zone with daylight saving
 * time: expected instants are those of the IANA America/New_York rules.
 */
#include "check.h"

#include <pivot/plugin.h>
#include <pivot/test_host.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define S INT64_C(1000000000)

/* Resolves the last_shift preset at now (seconds, UTC). */
static int resolve_last(int64_t now, pivot_range *out, char *err)
{
    const pivot_preset *preset = pivot_test_host_preset("last_shift");

    err[0] = '\0';
    return preset->resolve(preset, now * S, out, err, PIVOT_ERRMSG_SIZE);
}

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

    const pivot_preset *preset = pivot_test_host_preset("last_shift");
    CHECK(preset != NULL);
    if (preset == NULL)
        return check_report();
    CHECK_INT_EQ(preset->size, sizeof(pivot_preset));
    CHECK_STR_EQ(preset->description, "the last shift that has ended (shift_a 06:00-14:00, "
                                      "shift_b 14:00-22:00, shift_c 22:00-06:00), in "
                                      "America/New_York");
    /* 2025-03-09 12:00Z is 08:00 EDT: the last shift to end is shift_c, from
     * 22:00 EST (03:00Z) to 06:00 EDT (10:00Z), 7 hours across the jump. */
    CHECK_INT_EQ(resolve_last(1741521600, &r, err), 0);
    CHECK_INT_EQ(r.start_ns, INT64_C(1741489200) * S);
    CHECK_INT_EQ(r.end_ns, INT64_C(1741514400) * S);
    /* At the very second shift_c ends, it has ended; a second earlier the
     * last one is shift_b of the day before, 14:00 to 22:00 EST. */
    CHECK_INT_EQ(resolve_last(1741514400, &r, err), 0);
    CHECK_INT_EQ(r.start_ns, INT64_C(1741489200) * S);
    CHECK_INT_EQ(r.end_ns, INT64_C(1741514400) * S);
    CHECK_INT_EQ(resolve_last(1741514399, &r, err), 0);
    CHECK_INT_EQ(r.start_ns, INT64_C(1741460400) * S);
    CHECK_INT_EQ(r.end_ns, INT64_C(1741489200) * S);
    /* 2025-11-02 15:00Z (10:00 EST): shift_c of the night clocks went back,
     * nine hours. */
    CHECK_INT_EQ(resolve_last(1762095600, &r, err), 0);
    CHECK_INT_EQ(r.start_ns, INT64_C(1762048800) * S);
    CHECK_INT_EQ(r.end_ns, INT64_C(1762081200) * S);

    /* A host table from before register_preset: the type still loads, the
     * preset is left out. */
    pivot_test_host_reset();
    pivot_test_host_set("plugins.site_shifts.timezone", "America/New_York");
    pivot_test_host_table_size(offsetof(pivot_host, register_preset));
    CHECK_INT_EQ(pivot_test_host_load(pivot_plugin_init, err, sizeof(err)), 0);
    CHECK(pivot_test_host_timespec("shift") != NULL);
    CHECK(pivot_test_host_preset("last_shift") == NULL);

    return check_report();
}
