/* ISO 8601 durations to int64 nanoseconds. */
#ifndef TS_ISO_DURATION_H
#define TS_ISO_DURATION_H

#include <stddef.h>
#include <stdint.h>

/**
 * Parses text[0..len), an ISO 8601 duration of the form PnW or PnDTnHnMnS
 * (any non-empty subset of the components, in that order; the last one
 * may carry a fraction with '.' or ',', e.g. PT1.5H), into *ns, which is
 * always positive. Years and months are refused because they have no
 * fixed length; so are negative, zero and sub-nanosecond durations and
 * those beyond INT64_MAX nanoseconds.
 *
 * Returns 0, or PIVOT_EINVAL with a message in why saying what is wrong
 * and what to send (the caller prefixes the field name).
 */
int ts_iso_duration_parse(const char *text, size_t len, int64_t *ns, char *why, size_t whylen);

#endif
