/*
 * The unit of a channel's time values. Avro says it with a logical type,
 * which SpeedData's schemas put on the field rather than on the type, or
 * not at all ("doc": "Unix timestamp in milliseconds"); a setting can name
 * it; failing both, the magnitude of a value tells it, since telemetry is
 * recent: now is about 1.8e9 s, 1.8e12 ms, 1.8e15 us or 1.8e18 ns.
 */
#ifndef PVA_TIME_UNIT_H
#define PVA_TIME_UNIT_H

#include <stdint.h>

/** How a file's time unit was decided. */
typedef enum pva_unit_source {
    PVA_UNIT_UNKNOWN = 0,
    PVA_UNIT_CONFIGURED, /**< storage.channels.<name>.time_unit, which wins, or storage.time_unit */
    PVA_UNIT_LOGICAL_TYPE, /**< a timestamp-* logical type on the type or the field */
    PVA_UNIT_INFERRED      /**< from the magnitude of the file's first time value */
} pva_unit_source;

/** Nanoseconds per unit named "s", "ms", "us" or "ns"; 0 for any other name. */
int64_t pva_time_unit_parse(const char *name);

/** The name of a unit of `ns_per_unit` nanoseconds ("s"...), or NULL for another. */
const char *pva_time_unit_name(int64_t ns_per_unit);

/** The name of a source ("configured", "logical type", "inferred"), or NULL when unknown. */
const char *pva_unit_source_name(pva_unit_source source);

/**
 * The unit a time value since 1970 is most likely in: seconds below 1e11
 * (until the year 5138), milliseconds below 1e14, microseconds below 1e17,
 * nanoseconds above. Returns nanoseconds per unit.
 */
int64_t pva_time_unit_infer(int64_t value);

/** value * ns_per_unit, saturating instead of overflowing. */
static inline int64_t pva_time_to_ns(int64_t value, int64_t ns_per_unit)
{
    if (ns_per_unit == 1)
        return value;
    if (value > INT64_MAX / ns_per_unit)
        return INT64_MAX;
    if (value < INT64_MIN / ns_per_unit)
        return INT64_MIN;
    return value * ns_per_unit;
}

#endif
