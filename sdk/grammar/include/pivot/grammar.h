/*
 * The text grammars Pivot reads and writes, one implementation each: RFC 3339
 * times, ISO 8601 durations and bounded decimal integers. pivotd (through
 * core/util) and the plugins that need them (timespec, hdf5) link this one
 * static library, so the API, the configuration, the command line and the
 * files written agree on every form.
 *
 * Why a static library of the SDK rather than functions in the host table:
 * the grammars are pure functions of their text, so they need no host; the
 * host table is the frozen plugin ABI, and every function added there would
 * be frozen with it, while a static library is copied into each binary at
 * link time and can grow or be fixed without any ABI change (a plugin keeps
 * the grammar it was built and tested with). Its symbols are hidden, so a
 * plugin's copy never interposes the server's. The parsers also run in unit
 * tests and fuzzers with no server at all.
 *
 * Every parser takes text and its length (the text need not end in NUL),
 * returns 0 or a PIVOT_E* code, and on failure writes into why a message
 * that quotes the text and says what to send; the caller prefixes the name
 * of the field, setting or option. None depends on locale or time zone.
 */
#ifndef PIVOT_GRAMMAR_H
#define PIVOT_GRAMMAR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PIVOT_NS_PER_SEC INT64_C(1000000000)
#define PIVOT_NS_PER_MIN (60 * PIVOT_NS_PER_SEC)
#define PIVOT_NS_PER_HOUR (3600 * PIVOT_NS_PER_SEC)
#define PIVOT_NS_PER_DAY (86400 * PIVOT_NS_PER_SEC)
#define PIVOT_NS_PER_WEEK (7 * PIVOT_NS_PER_DAY)

/* Telemetry times are never negative, so the span of a time held as int64
 * nanoseconds since the epoch is [0, INT64_MAX]; its ends as text. */
#define PIVOT_FIRST_TIME_TEXT "1970-01-01T00:00:00Z"
#define PIVOT_LAST_TIME_TEXT "2262-04-11T23:47:16.854775807Z"

/* --- RFC 3339 times -------------------------------------------------------- */

/**
 * Parses a timestamp such as 2025-01-23T14:30:00Z, 2025-01-23t16:30:00.125+02:00
 * or 2025-01-23 14:30:00-05:30 (separator T, t or space; zone Z, z or
 * +hh:mm/-hh:mm required; up to nine fractional digits) into nanoseconds
 * since the epoch. The time must lie in [PIVOT_FIRST_TIME_TEXT,
 * PIVOT_LAST_TIME_TEXT]; leap seconds (:60) are refused.
 *
 * Returns 0, PIVOT_EINVAL when the text is malformed, or PIVOT_ERANGE when it
 * names a time outside that span.
 */
int pivot_rfc3339_parse(const char *text, size_t len, int64_t *ns, char *why, size_t whylen);

/** Buffer size that holds any time pivot_rfc3339_format writes. */
#define PIVOT_RFC3339_SIZE 40

/**
 * Writes ns (since the epoch; negative is before 1970) as RFC 3339 UTC,
 * "2025-01-23T14:30:00Z", with only the fractional digits needed when the
 * second is not whole ("...:00.25Z"). The inverse of pivot_rfc3339_parse for
 * every time it accepts. Returns 0, or PIVOT_ERANGE when out is too small
 * (then out holds an empty string).
 */
int pivot_rfc3339_format(int64_t ns, char *out, size_t outlen);

/** Days from 1970-01-01 to the proleptic Gregorian date y-m-d (negative before). */
int64_t pivot_days_from_civil(int64_t y, int m, int d);

/* --- ISO 8601 durations ---------------------------------------------------- */

/**
 * Parses an ISO 8601 duration of the form PnW or PnDTnHnMnS (any non-empty
 * subset of the components, in that order; the last may carry a fraction
 * with '.' or ',', e.g. PT1.5H) into nanoseconds, which are always positive.
 * Years and months are refused (no fixed length), as are signs, zero,
 * fractions finer than a nanosecond and totals beyond INT64_MAX ns.
 *
 * Returns 0, or PIVOT_EINVAL.
 */
int pivot_iso_duration_parse(const char *text, size_t len, int64_t *ns, char *why, size_t whylen);

/** Buffer size that holds any duration pivot_iso_duration_format writes. */
#define PIVOT_ISO_DURATION_SIZE 40

/**
 * Writes a positive duration in seconds only, with fractional digits only
 * when not whole (PT1S, PT0.001S, PT90.5S, PT86400S), a form
 * pivot_iso_duration_parse reads back exactly. Returns 0, or PIVOT_ERANGE
 * when ns is not positive or out is too small.
 */
int pivot_iso_duration_format(int64_t ns, char *out, size_t outlen);

/* --- integers -------------------------------------------------------------- */

/**
 * Parses a decimal integer, digits with an optional leading '-' (no '+', no
 * spaces), that must lie in [min, max].
 *
 * Returns 0, PIVOT_EINVAL when the text is not an integer, or PIVOT_ERANGE
 * when it is one outside [min, max] (including one too large for 64 bits).
 * The message in why says which, with the bounds.
 */
int pivot_int_parse(const char *text, size_t len, int64_t min, int64_t max, int64_t *out, char *why,
                    size_t whylen);

/* --- quoting --------------------------------------------------------------- */

/** Longest piece of user text (in bytes) a message repeats. */
#define PIVOT_QUOTE_MAX 64

/** Buffer size that always holds the result of pivot_quote. */
#define PIVOT_QUOTE_SIZE (PIVOT_QUOTE_MAX * 4 + 8)

/**
 * Writes text[0..len) into out as a double-quoted string for a message:
 * quotes and backslashes escaped, control bytes as \n, \t, \r or \xNN, cut
 * after PIVOT_QUOTE_MAX bytes (at a UTF-8 character boundary) with "..."
 * appended. Returns out.
 */
const char *pivot_quote(const char *text, size_t len, char out[PIVOT_QUOTE_SIZE]);

#ifdef __cplusplus
}
#endif

#endif
