/*
 * Time-range parsers: turn the request's `time_range` object into an
 * absolute half-open interval. One parser per value of `time_range.type`.
 * They run in the server process, on its HTTP threads, concurrently: keep
 * them free of shared mutable state (compute tables in pivot_plugin_init).
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

#ifdef __cplusplus
}
#endif

#endif
