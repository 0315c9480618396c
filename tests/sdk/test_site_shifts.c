/*
 * The site_shifts example resolves shifts in a zone with daylight saving
 * time: expected instants are those of the IANA America/New_York rules.
 */
#include "check.h"
#include "json_access.h"

#include <pivot/plugin.h>

#include <stddef.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#define S INT64_C(1000000000)

static const char *zone_setting;
static const pivot_timespec_parser *registered;

static const char *config_get(const char *key)
{
    return strcmp(key, "plugins.site_shifts.timezone") == 0 ? zone_setting : NULL;
}

static void log_line(pivot_log_level level, const char *plugin, const char *fmt, ...)
{
    (void)level;
    (void)plugin;
    (void)fmt;
}

static int register_timespec(pivot_registry *reg, const pivot_timespec_parser *p)
{
    (void)reg;
    registered = p;
    return 0;
}

static const pivot_preset *preset;

static int register_preset(pivot_registry *reg, const pivot_preset *p)
{
    (void)reg;
    preset = p;
    return 0;
}

/* Resolves the last_shift preset at now (seconds, UTC). */
static int resolve_last(int64_t now, pivot_range *out, char *err)
{
    err[0] = '\0';
    return preset->resolve(preset, now * S, out, err, PIVOT_ERRMSG_SIZE);
}

/* Resolves {"type": "shift", "name": NAME} at now (seconds, UTC). */
static int resolve(const char *name, int64_t now, pivot_range *out, char *err)
{
    char json[128], perr[128];
    snprintf(json, sizeof(json), "{\"type\": \"shift\", \"name\": \"%s\"}", name);
    yajl_val tree = yajl_tree_parse(json, perr, sizeof(perr));
    err[0] = '\0';
    int rc = registered->resolve(pv_json_from_yajl(tree), now * S, out, err, PIVOT_ERRMSG_SIZE);
    yajl_tree_free(tree);
    return rc;
}

int main(void)
{
    pivot_host host;
    pivot_range r;
    char err[PIVOT_ERRMSG_SIZE];

    memset(&host, 0, sizeof(host));
    host.size = sizeof(host);
    host.abi_major = PIVOT_ABI_MAJOR;
    host.log = log_line;
    host.config_get = config_get;
    host.register_timespec = register_timespec;
    host.register_preset = register_preset;
    pv_json_access_fill(&host);

    /* A zone that is not installed stops the plugin from loading. */
    zone_setting = "Nowhere/Atlantis";
    CHECK_INT_EQ(pivot_plugin_init(&host, NULL, err, sizeof(err)), PIVOT_EINVAL);
    CHECK(registered == NULL);
    CHECK(strncmp(err, "plugins.site_shifts.timezone: ", 30) == 0);

    zone_setting = "America/New_York";
    CHECK_INT_EQ(pivot_plugin_init(&host, NULL, err, sizeof(err)), 0);
    CHECK(registered != NULL && strcmp(registered->type, "shift") == 0);

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

    CHECK(preset != NULL && strcmp(preset->name, "last_shift") == 0);
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
    preset = NULL;
    host.size = offsetof(pivot_host, register_preset);
    CHECK_INT_EQ(pivot_plugin_init(&host, NULL, err, sizeof(err)), 0);
    CHECK(preset == NULL);

    return check_report();
}
