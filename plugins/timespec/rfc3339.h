/* RFC 3339 timestamps to int64 nanoseconds since the Unix epoch, UTC. */
#ifndef TS_RFC3339_H
#define TS_RFC3339_H

#include <stddef.h>
#include <stdint.h>

/**
 * Parses text[0..len), a timestamp such as 2025-01-23T14:30:00Z,
 * 2025-01-23t16:30:00.125+02:00 or 2025-01-23 14:30:00-05:30 (up to nine
 * fractional digits), into *ns. The result must lie in
 * [1970-01-01T00:00:00Z, 2262-04-11T23:47:16.854775807Z].
 *
 * Returns 0, PIVOT_EINVAL when the text is malformed, or PIVOT_ERANGE when
 * it names a time outside that span; on failure, writes into why a message
 * that quotes the text and says what to send (the caller prefixes the field
 * name). Depends on no locale or time zone setting.
 */
int ts_rfc3339_parse(const char *text, size_t len, int64_t *ns, char *why, size_t whylen);

/** Days from 1970-01-01 to the proleptic Gregorian date y-m-d (negative before). */
int64_t ts_days_from_civil(int64_t y, int m, int d);

#endif
