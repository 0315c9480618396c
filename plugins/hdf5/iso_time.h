/* RFC 3339 and ISO 8601 text of the times and durations written as *_iso attributes. */
#ifndef PIVOT_HDF5_ISO_TIME_H
#define PIVOT_HDF5_ISO_TIME_H

#include <stddef.h>
#include <stdint.h>

/** Longest text hx_iso_time writes, NUL included. */
#define HX_ISO_TIME_SIZE 48

/**
 * Writes ns since the epoch as RFC 3339 UTC, with fractional seconds only
 * when not whole and without trailing zeros (2025-01-23T14:30:00Z,
 * 2025-01-23T14:30:00.25Z). Returns 0, or PIVOT_ERANGE when the year does
 * not fit in four digits.
 */
int hx_iso_time(int64_t ns, char *buf, size_t buflen);

/** Longest text hx_iso_duration writes, NUL included. */
#define HX_ISO_DURATION_SIZE 40

/**
 * Writes a positive duration in ns as an ISO 8601 duration in seconds only,
 * fractional digits only when not whole and without trailing zeros
 * (PT1S, PT0.001S, PT90.5S, PT86400S). Returns 0, or PIVOT_ERANGE when ns
 * is not positive or buflen too small.
 */
int hx_iso_duration(int64_t ns, char *buf, size_t buflen);

#endif
