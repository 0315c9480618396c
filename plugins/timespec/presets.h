/* The presets this plugin registers, in the order they are listed. */
#ifndef TS_PRESETS_H
#define TS_PRESETS_H

#include <pivot/timespec.h>

#define TS_NPRESETS 6

/** last_15_minutes, last_hour, last_6_hours, last_24_hours, today, yesterday. */
extern const pivot_preset ts_presets[TS_NPRESETS];

#endif
