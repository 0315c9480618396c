/* Time units and the ends of the representable span, from the SDK's grammar
 * library, under the names the range types use. */
#ifndef TS_UNITS_H
#define TS_UNITS_H

#include <pivot/grammar.h>

#define TS_NS_PER_SEC PIVOT_NS_PER_SEC
#define TS_NS_PER_MIN PIVOT_NS_PER_MIN
#define TS_NS_PER_HOUR PIVOT_NS_PER_HOUR
#define TS_NS_PER_DAY PIVOT_NS_PER_DAY
#define TS_NS_PER_WEEK PIVOT_NS_PER_WEEK

#define TS_FIRST_TIME_TEXT PIVOT_FIRST_TIME_TEXT
#define TS_LAST_TIME_TEXT PIVOT_LAST_TIME_TEXT

#endif
