/*
 * RFC 3339 / ISO 8601 timestamps for the generator's --start option.
 */
#ifndef PIVOT_GEN_AVRO_TIME_H
#define PIVOT_GEN_AVRO_TIME_H

#include <stdint.h>

/*
 * Parses "YYYY-MM-DD[(T|t| )HH:MM[:SS[.fraction]]][Z|z|(+|-)HH[:]MM]" into
 * nanoseconds since the Unix epoch; no offset means UTC. The fraction is
 * truncated to microseconds, as the reference generator's datetime parsing
 * does, so both place the same --start on the same nanosecond.
 * Returns 0, or -1 if the text is not such a timestamp or out of range.
 */
int gen_parse_rfc3339_ns(const char *text, int64_t *out_ns);

#endif
