/* Log lines on stderr with a level and an origin ("pivotd", a plugin's name). */
#ifndef PV_LOG_H
#define PV_LOG_H

#include <pivot/common.h>

/** Sets the most verbose level written (default PIVOT_LOG_INFO). */
void pv_log_set_level(pivot_log_level level);

/** Reads a level by name ("error", "warning", "info", "debug"); 0, or -1 for another name. */
int pv_log_level_parse(const char *text, pivot_log_level *out);

/** Writes one line "origin: level: message"; safe from several threads. */
void pv_log(pivot_log_level level, const char *origin, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
