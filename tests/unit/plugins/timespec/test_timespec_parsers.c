/* The timespec plugin as the server sees it: loaded with dlopen, given a
 * host table with the real JSON accessors, resolving whole time_range
 * objects against a fixed "now". */
#include "check.h"

#include <dlfcn.h>
#include <pivot/plugin.h>
#include <pivot/test_host.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define SEC INT64_C(1000000000)
/* 2025-01-23T14:30:00Z and the fixed now, 2025-01-23T14:35:07.5Z. */
#define T1430 INT64_C(1737642600000000000)
#define NOW (INT64_C(1737642907) * SEC + 500000000)
#define MIDNIGHT_23 INT64_C(1737590400000000000)

/* Resolves the JSON text with the parser for type; returns its code. */
static int resolve(const char *type, const char *json, int64_t now, pivot_range *out, char *err)
{
    const pivot_timespec_parser *p = pivot_test_host_timespec(type);
    const pivot_json *value = pivot_test_host_json(json);

    err[0] = '\0';
    if (p == NULL || value == NULL) {
        fprintf(stderr, "no parser for %s or bad test JSON %s\n", type, json);
        return -9999;
    }
    return p->resolve(value, now, out, err, PIVOT_ERRMSG_SIZE);
}

static void resolves_to(const char *type, const char *json, int64_t now, int64_t start, int64_t end)
{
    char err[PIVOT_ERRMSG_SIZE];
    pivot_range r = {-1, -1};
    int rc = resolve(type, json, now, &r, err);
    if (rc != 0)
        fprintf(stderr, "unexpected refusal of %s: %s\n", json, err);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(r.start_ns, start);
    CHECK_INT_EQ(r.end_ns, end);
}

/* Checks a refusal whose message starts with want (the field name first). */
static void refused(const char *type, const char *json, int64_t now, const char *want)
{
    char err[PIVOT_ERRMSG_SIZE];
    pivot_range r = {-1, -1};
    int rc = resolve(type, json, now, &r, err);
    CHECK_INT_EQ(rc, PIVOT_EINVAL);
    CHECK_INT_EQ(r.start_ns, -1);
    CHECK_INT_EQ(r.end_ns, -1);
    if (strncmp(err, want, strlen(want)) != 0)
        fprintf(stderr, "message for %s does not start with \"%s\": %s\n", json, want, err);
    CHECK(strncmp(err, want, strlen(want)) == 0);
}

static void timespec_absolute(void)
{
    resolves_to("absolute",
                "{\"type\":\"absolute\",\"start\":\"2025-01-23T14:30:00Z\","
                "\"end\":\"2025-01-23T15:30:00Z\"}",
                NOW, T1430, T1430 + 3600 * SEC);
    resolves_to("absolute",
                "{\"type\":\"absolute\",\"start\":\"2025-01-23T20:00:00.25+05:30\","
                "\"end\":\"2025-01-23T10:30:00-05:00\",\"unknown\":[1,2],\"duration\":\"x\"}",
                NOW, T1430 + 250000000, T1430 + 3600 * SEC);
    resolves_to("absolute",
                "{\"type\":\"absolute\",\"start\":\"1970-01-01T00:00:00Z\","
                "\"end\":\"2262-04-11T23:47:16.854775807Z\"}",
                NOW, 0, INT64_MAX);
    resolves_to("absolute",
                "{\"start\":\"2025-01-23T14:30:00Z\",\"end\":\"2025-01-23T14:30:00.000000001Z\"}",
                NOW, T1430, T1430 + 1);

    refused("absolute",
            "{\"type\":\"absolute\",\"start\":\"2025-01-23T14:30:00Z\","
            "\"end\":\"2025-01-23T14:30:00Z\"}",
            NOW,
            "time_range: end must be after start (start \"2025-01-23T14:30:00Z\", end "
            "\"2025-01-23T14:30:00Z\"); the range is half-open [start, end)");
    refused("absolute",
            "{\"type\":\"absolute\",\"start\":\"2025-01-23T15:30:00Z\","
            "\"end\":\"2025-01-23T14:30:00Z\"}",
            NOW, "time_range: end must be after start");
    refused("absolute", "{\"type\":\"absolute\",\"start\":\"2025-01-23T14:30:00Z\"}", NOW,
            "time_range.end: required for type \"absolute\"");
    refused("absolute", "{\"type\":\"absolute\",\"start\":\"2025-01-23T14:30:00Z\",\"end\":null}",
            NOW, "time_range.end: required for type \"absolute\"");
    refused("absolute", "{\"type\":\"absolute\"}", NOW,
            "time_range.start: required for type \"absolute\"");
    refused("absolute", "{\"type\":\"absolute\",\"start\":1737642600,\"end\":\"x\"}", NOW,
            "time_range.start: must be a string, e.g. \"2025-01-23T14:30:00Z\"");
    refused("absolute", "{\"start\":\"2025-01-23T14:30:00Z\",\"end\":{}}", NOW,
            "time_range.end: must be a string");
    refused("absolute", "[]", NOW, "time_range.start: required for type \"absolute\"");

    char err[PIVOT_ERRMSG_SIZE];
    pivot_range r;
    CHECK_INT_EQ(resolve("absolute",
                         "{\"start\":\"2025-13-01T00:00:00Z\",\"end\":\"2025-01-23T14:30:00Z\"}",
                         NOW, &r, err),
                 PIVOT_EINVAL);
    CHECK_STR_EQ(err, "time_range.start: \"2025-13-01T00:00:00Z\" is not a valid RFC 3339 "
                      "timestamp (month 13); send e.g. 2025-01-23T14:30:00Z");
    CHECK_INT_EQ(resolve("absolute",
                         "{\"start\":\"1969-12-31T23:59:59Z\",\"end\":\"2025-01-23T14:30:00Z\"}",
                         NOW, &r, err),
                 PIVOT_EINVAL);
    CHECK_STR_EQ(err, "time_range.start: \"1969-12-31T23:59:59Z\" is before 1970-01-01T00:00:00Z: "
                      "times before the Unix epoch are not valid telemetry times; send a time "
                      "from 1970-01-01T00:00:00Z to 2262-04-11T23:47:16.854775807Z");
    refused("absolute",
            "{\"start\":\"2025-01-23T14:30:00Z\",\"end\":\"2262-04-11T23:47:16.854775808Z\"}", NOW,
            "time_range.end: \"2262-04-11T23:47:16.854775808Z\" is after "
            "2262-04-11T23:47:16.854775807Z");
}

static void timespec_start_duration(void)
{
    resolves_to("start_duration",
                "{\"type\":\"start_duration\",\"start\":\"2025-01-23T14:30:00Z\","
                "\"duration\":\"PT30M\"}",
                NOW, T1430, T1430 + 1800 * SEC);
    resolves_to("start_duration",
                "{\"start\":\"2262-04-11T23:47:16.854775806Z\",\"duration\":\"PT0.000000001S\"}",
                NOW, INT64_MAX - 1, INT64_MAX);
    refused("start_duration", "{\"start\":\"2262-04-11T23:00:00Z\",\"duration\":\"PT1H\"}", NOW,
            "time_range.duration: start + duration is after 2262-04-11T23:47:16.854775807Z");
    refused("start_duration", "{\"start\":\"2025-01-23T14:30:00Z\"}", NOW,
            "time_range.duration: required for type \"start_duration\"");
    refused("start_duration", "{\"duration\":\"PT30M\"}", NOW,
            "time_range.start: required for type \"start_duration\"");
    refused("start_duration", "{\"start\":\"2025-01-23T14:30:00Z\",\"duration\":1800}", NOW,
            "time_range.duration: must be a string, e.g. \"PT30M\"");

    char err[PIVOT_ERRMSG_SIZE];
    pivot_range r;
    CHECK_INT_EQ(resolve("start_duration",
                         "{\"start\":\"2025-01-23T14:30:00Z\",\"duration\":\"P1M\"}", NOW, &r, err),
                 PIVOT_EINVAL);
    CHECK_STR_EQ(err, "time_range.duration: years and months have no fixed length; use weeks or "
                      "days, e.g. P30D");
    CHECK_INT_EQ(resolve("start_duration",
                         "{\"start\":\"2025-01-23T14:30:00Z\",\"duration\":\"PT0S\"}", NOW, &r,
                         err),
                 PIVOT_EINVAL);
    CHECK_STR_EQ(err, "time_range.duration: \"PT0S\" is zero, which makes an empty range; send a "
                      "positive duration such as PT30M");
}

static void timespec_end_duration(void)
{
    resolves_to("end_duration",
                "{\"type\":\"end_duration\",\"end\":\"2025-01-23T15:30:00Z\","
                "\"duration\":\"PT30M\"}",
                NOW, T1430 + 1800 * SEC, T1430 + 3600 * SEC);
    resolves_to("end_duration", "{\"end\":\"1970-01-01T00:30:00Z\",\"duration\":\"PT30M\"}", NOW, 0,
                1800 * SEC);
    refused("end_duration", "{\"end\":\"1970-01-01T00:30:00Z\",\"duration\":\"PT1H\"}", NOW,
            "time_range.duration: end - duration is before 1970-01-01T00:00:00Z");
    refused("end_duration", "{\"duration\":\"PT1H\"}", NOW,
            "time_range.end: required for type \"end_duration\"");
    refused("end_duration", "{\"end\":\"2025-01-23T15:30:00Z\",\"duration\":\"PT-1H\"}", NOW,
            "time_range.duration: negative durations are not allowed");
}

static void timespec_relative(void)
{
    resolves_to("relative", "{\"type\":\"relative\",\"duration\":\"PT1H\"}", NOW, NOW - 3600 * SEC,
                NOW);
    resolves_to("relative", "{\"duration\":\"P1DT12H\"}", NOW, NOW - 129600 * SEC, NOW);
    resolves_to("duration", "{\"type\":\"duration\",\"duration\":\"PT1.5H\"}", NOW,
                NOW - 5400 * SEC, NOW);
    resolves_to("relative", "{\"duration\":\"PT30M\"}", 1800 * SEC, 0, 1800 * SEC);
    refused("relative", "{\"duration\":\"PT1H\"}", 1800 * SEC,
            "time_range.duration: now - duration is before 1970-01-01T00:00:00Z");
    refused("relative", "{\"type\":\"relative\"}", NOW,
            "time_range.duration: required for type \"relative\"");
    refused("duration", "{\"type\":\"duration\"}", NOW,
            "time_range.duration: required for type \"duration\"");
    refused("relative", "{\"duration\":\"P\"}", NOW,
            "time_range.duration: \"P\" is not a valid ISO 8601 duration (no components after P)");
}

static const pivot_preset *preset(const char *name)
{
    const pivot_preset *p = pivot_test_host_preset(name);

    if (p == NULL)
        fprintf(stderr, "no preset %s\n", name);
    return p;
}

static void preset_resolves_to(const char *name, int64_t now, int64_t start, int64_t end)
{
    const pivot_preset *p = preset(name);
    char err[PIVOT_ERRMSG_SIZE] = "";
    pivot_range r = {-1, -1};
    int rc = p != NULL ? p->resolve(p, now, &r, err, sizeof(err)) : -9999;
    if (rc != 0)
        fprintf(stderr, "unexpected refusal of preset %s: %s\n", name, err);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(r.start_ns, start);
    CHECK_INT_EQ(r.end_ns, end);
}

/* The plugin's reason, to which the host prefixes the field and the name. */
static void preset_refused(const char *name, int64_t now, const char *want)
{
    const pivot_preset *p = preset(name);
    char err[PIVOT_ERRMSG_SIZE] = "";
    pivot_range r = {-1, -1};
    int rc = p != NULL ? p->resolve(p, now, &r, err, sizeof(err)) : -9999;
    CHECK_INT_EQ(rc, PIVOT_EINVAL);
    CHECK_INT_EQ(r.start_ns, -1);
    CHECK_INT_EQ(r.end_ns, -1);
    CHECK_STR_EQ(err, want);
}

static void timespec_presets(void)
{
    const char *names[] = {"last_15_minutes", "last_hour", "last_6_hours",
                           "last_24_hours",   "today",     "yesterday"};
    for (int i = 0; i < 6; i++) {
        const pivot_preset *p = preset(names[i]);
        CHECK(p != NULL);
        if (p == NULL)
            continue;
        CHECK_INT_EQ(p->size, sizeof(pivot_preset));
        CHECK(p->description != NULL && p->description[0] != '\0');
    }
    CHECK_STR_EQ(preset("yesterday")->description,
                 "from 00:00 UTC yesterday until 00:00 UTC today");

    preset_resolves_to("last_15_minutes", NOW, NOW - 900 * SEC, NOW);
    preset_resolves_to("last_hour", NOW, NOW - 3600 * SEC, NOW);
    preset_resolves_to("last_6_hours", NOW, NOW - 21600 * SEC, NOW);
    preset_resolves_to("last_24_hours", NOW, NOW - 86400 * SEC, NOW);
    preset_resolves_to("today", NOW, MIDNIGHT_23, NOW);
    preset_resolves_to("yesterday", NOW, MIDNIGHT_23 - 86400 * SEC, MIDNIGHT_23);
    /* One nanosecond after midnight, "today" is that nanosecond. */
    preset_resolves_to("today", MIDNIGHT_23 + 1, MIDNIGHT_23, MIDNIGHT_23 + 1);
    preset_resolves_to("yesterday", MIDNIGHT_23, MIDNIGHT_23 - 86400 * SEC, MIDNIGHT_23);
    preset_resolves_to("last_hour", 3600 * SEC, 0, 3600 * SEC);

    preset_refused("today", MIDNIGHT_23,
                   "empty at exactly 00:00:00 UTC; use \"yesterday\" or \"last_24_hours\"");
    preset_refused("yesterday", 43200 * SEC, "would start before 1970-01-01T00:00:00Z");
    preset_refused("last_hour", 1800 * SEC, "would start before 1970-01-01T00:00:00Z");
    preset_refused("last_hour", -1, "the server clock reads before 1970-01-01T00:00:00Z");
}

int main(void)
{
    const pivot_magic *magic = NULL;
    char err[PIVOT_ERRMSG_SIZE] = "";

    /* A host table from before register_preset was appended: refused with a reason. */
    pivot_test_host_table_size(offsetof(pivot_host, register_preset));
    CHECK_INT_EQ(pivot_test_host_load_file(TIMESPEC_PLUGIN_PATH, &magic, err, sizeof(err)),
                 PIVOT_ENOTSUP);
    CHECK_STR_EQ(err, "this server cannot take presets (no register_preset); install the "
                      "timespec plugin that came with it");
    CHECK(pivot_test_host_preset("today") == NULL);
    pivot_test_host_reset();
    pivot_test_host_table_size(0);

    CHECK_INT_EQ(pivot_test_host_load_file(TIMESPEC_PLUGIN_PATH, &magic, err, sizeof(err)), 0);
    CHECK(magic != NULL);
    if (magic == NULL) {
        fprintf(stderr, "cannot load %s: %s\n", TIMESPEC_PLUGIN_PATH, err);
        return check_report();
    }
    CHECK_STR_EQ(magic->name, "timespec");
    CHECK_INT_EQ(magic->abi_major, PIVOT_ABI_MAJOR);
    CHECK_INT_EQ(magic->size, sizeof(pivot_magic));
    /* Everything but the two entry points stays hidden. */
    void *lib = dlopen(TIMESPEC_PLUGIN_PATH, RTLD_NOW | RTLD_NOLOAD);
    CHECK(lib != NULL && dlsym(lib, "ts_rfc3339_parse") == NULL);

    /* "preset" is the host's type, resolved from the presets by name: five
     * parsers and the six presets. */
    CHECK_INT_EQ(pivot_test_host_registrations(), 11);
    const char *types[] = {"absolute", "start_duration", "end_duration", "relative", "duration"};
    for (int i = 0; i < 5; i++) {
        const pivot_timespec_parser *p = pivot_test_host_timespec(types[i]);
        CHECK(p != NULL);
        if (p != NULL)
            CHECK_INT_EQ(p->size, sizeof(pivot_timespec_parser));
    }

    timespec_absolute();
    timespec_start_duration();
    timespec_end_duration();
    timespec_relative();
    timespec_presets();

    if (lib != NULL)
        dlclose(lib);
    return check_report();
}
