/* The parsers this plugin registers, one per `time_range.type`. */
#ifndef TS_PARSERS_H
#define TS_PARSERS_H

#include <pivot/timespec.h>

/** {start, end}: [start, end). */
extern const pivot_timespec_parser ts_parser_absolute;
/** {start, duration}: [start, start + duration). */
extern const pivot_timespec_parser ts_parser_start_duration;
/** {end, duration}: [end - duration, end). */
extern const pivot_timespec_parser ts_parser_end_duration;
/** {duration}: [now - duration, now). */
extern const pivot_timespec_parser ts_parser_relative;
/** The same as relative, under the name the request examples also use. */
extern const pivot_timespec_parser ts_parser_duration;

#endif
