/*
 * UTC offsets of one IANA time zone, computed once so that resolving a range
 * never touches the C library's process-wide time zone state.
 *
 * localtime_r follows the TZ environment variable, which is process-wide: a
 * parser that set TZ while the server's HTTP threads resolve requests would
 * race with them. So the table is built in pivot_plugin_init, which the host
 * calls before starting any thread, and then only read.
 */
#ifndef SHIFTS_TZ_TABLE_H
#define SHIFTS_TZ_TABLE_H

#include <stddef.h>
#include <stdint.h>

/** A time from which an offset applies. */
typedef struct tz_change {
    int64_t from;   /**< seconds since the epoch, UTC */
    int32_t offset; /**< local time minus UTC, seconds */
} tz_change;

/** The offsets of a zone between two instants, sorted by `from`. */
typedef struct tz_table {
    char name[128];
    tz_change *changes;
    size_t nchanges;
} tz_table;

/**
 * Builds the table of zone `name` (e.g. "Europe/Berlin") for [from, to].
 * Returns 0, or a negative PIVOT_E* code with a message when the zone is not
 * installed. Not thread-safe: call from pivot_plugin_init only.
 */
int tz_table_build(tz_table *t, const char *name, int64_t from, int64_t to, char *err,
                   size_t errlen);

/** The offset in effect at utc (seconds); the edge offsets outside the table's span. */
int32_t tz_offset_at(const tz_table *t, int64_t utc);

/**
 * The UTC instant of a local wall-clock time (seconds). In an overlap
 * (clocks go back) it is the earlier instant; in a gap (clocks jump
 * forward) the time does not exist and the result lies the jump earlier.
 */
int64_t tz_local_to_utc(const tz_table *t, int64_t local);

/** Releases the table. */
void tz_table_free(tz_table *t);

#endif
