/* Time units and the limits of a time held as int64 nanoseconds since the epoch. */
#ifndef TS_UNITS_H
#define TS_UNITS_H

#include <stdint.h>

#define TS_NS_PER_SEC INT64_C(1000000000)
#define TS_NS_PER_MIN (60 * TS_NS_PER_SEC)
#define TS_NS_PER_HOUR (3600 * TS_NS_PER_SEC)
#define TS_NS_PER_DAY (86400 * TS_NS_PER_SEC)
#define TS_NS_PER_WEEK (7 * TS_NS_PER_DAY)

/* Telemetry times are never negative, so the representable span is
 * [0, INT64_MAX] nanoseconds; these are its ends as the API writes them. */
#define TS_FIRST_TIME_TEXT "1970-01-01T00:00:00Z"
#define TS_LAST_TIME_TEXT "2262-04-11T23:47:16.854775807Z"

#endif
