/* Clocks and RFC 3339 formatting of the times the API shows. */
#ifndef PV_TIMEUTIL_H
#define PV_TIMEUTIL_H

#include <pivot/grammar.h>
#include <stddef.h>
#include <stdint.h>

/** Buffer size that holds any RFC 3339 time pv_time_format_ns writes. */
#define PV_TIME_TEXT_SIZE PIVOT_RFC3339_SIZE

/** Wall-clock time, nanoseconds since the Unix epoch. */
int64_t pv_time_now_ns(void);

/** Wall-clock time, milliseconds since the Unix epoch. */
int64_t pv_time_now_ms(void);

/** Monotonic time in milliseconds, for intervals and deadlines. */
int64_t pv_time_monotonic_ms(void);

/** Monotonic time in nanoseconds, for timing short operations. */
int64_t pv_time_monotonic_ns(void);

/**
 * Writes ns as RFC 3339 UTC ("2025-01-23T14:30:00Z"), with only the
 * fractional digits needed ("...:00.25Z") when the second is not whole.
 */
void pv_time_format_ns(int64_t ns, char out[PV_TIME_TEXT_SIZE]);

/** The same for a time in milliseconds. */
void pv_time_format_ms(int64_t ms, char out[PV_TIME_TEXT_SIZE]);

#endif
