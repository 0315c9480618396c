/*
 * Time-range parsers and presets: turn the request's `time_range` object
 * into an absolute half-open interval. One parser per value of
 * `time_range.type`; one preset per name of `{"type": "preset", "name": ...}`
 * (the host resolves the type "preset" itself, by name, from every plugin's
 * presets, and lists them at GET /api/v1/pivot/presets). Both run in the
 * server process, on its HTTP threads, concurrently: keep them free of
 * shared mutable state (compute tables in pivot_plugin_init).
 */
#ifndef PIVOT_TIMESPEC_H
#define PIVOT_TIMESPEC_H

#include <pivot/host.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A parser for one `time_range.type`. Every member is required. */
typedef struct pivot_timespec_parser {
    size_t size;      /**< sizeof(pivot_timespec_parser) as the plugin was built */
    const char *type; /**< the `type` value handled, e.g. "absolute" */

    /**
     * Resolves `spec` (the whole time_range object) against `now_ns` into
     * `*out`. Returns 0, or PIVOT_EINVAL with a message in err that names
     * the field and says what to send instead ("time_range.start: expected
     * an RFC 3339 timestamp such as 2025-01-23T14:30:00Z"). Thread-safe.
     */
    int (*resolve)(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                   size_t errlen);
} pivot_timespec_parser;

/**
 * A named range, `{"type": "preset", "name": "<name>"}`, registered with
 * pivot_host.register_preset. Names are unique across all plugins: a
 * second registration of a name is refused at load. Required: name,
 * description, resolve; `data` is optional.
 */
typedef struct pivot_preset {
    size_t size;      /**< sizeof(pivot_preset) as the plugin was built */
    const char *name; /**< e.g. "last_shift": 1 to 64 letters, digits, '_', '-' or '.' */
    /**
     * One line saying what the range is, in words ("the last shift that has
     * ended, in Europe/Berlin"), shown by GET /api/v1/pivot/presets and
     * `pivotd plugins list`.
     */
    const char *description;

    /**
     * Resolves the preset against `now_ns` (the request's time: use it, not
     * the clock) into `*out`, a non-empty [start_ns, end_ns) with start_ns
     * >= 0. Returns 0, or PIVOT_EINVAL with a message in err saying why the
     * preset has no range now, without the field or the preset's name (the
     * host writes `time_range.name: preset "<name>": <message>`), e.g.
     * "empty at exactly 00:00:00 UTC; use \"yesterday\"". Thread-safe.
     */
    int (*resolve)(const struct pivot_preset *preset, int64_t now_ns, pivot_range *out, char *err,
                   size_t errlen);

    /** The plugin's own, for resolve (e.g. a row of its table); the host never reads it. */
    const void *data;
} pivot_preset;

#ifdef __cplusplus
}
#endif

#endif
