/* RFC 3339 rendering of the timestamps written as *_iso attributes. */
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

#endif
