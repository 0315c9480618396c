/*
 * The text of CSV rows: a growing buffer, RFC 4180 fields, and values in a
 * form that reads back to the same value (numbers to the same binary
 * double or float, strings through quoting, bytes as hex).
 */
#ifndef PIVOT_CSV_TEXT_H
#define PIVOT_CSV_TEXT_H

#include <pivot/plugin.h>
#include <stddef.h>

/** Significant digits: 0 for the shortest text that reads back to the same value. */
#define CSV_PRECISION_SHORTEST 0

/** How values are written; fixed for the life of the process (plugin settings). */
typedef struct csv_style {
    char delimiter; /**< ',' unless configured */
    int precision;  /**< CSV_PRECISION_SHORTEST or 1..17 significant digits */
} csv_style;

/** Text gathered before a write. */
typedef struct csv_buf {
    char *data;
    size_t len, cap;
} csv_buf;

/** Appends len bytes; 0 or PIVOT_ENOMEM. */
int csv_put(csv_buf *b, const char *s, size_t len);
/** Appends a field, quoted when it holds the delimiter, a quote, CR or LF. */
int csv_put_field(csv_buf *b, const csv_style *style, const char *s);
/** Appends `<ns><delimiter><RFC 3339 UTC with nanoseconds>`; PIVOT_ERANGE when not showable. */
int csv_put_time(csv_buf *b, const csv_style *style, int64_t time_ns);
/**
 * Appends element i of a column of `type`: decimal integers, floats as the
 * style says, bool as true/false, enums as their symbol (the index when the
 * detail has none), bytes as lower-case hex.
 */
int csv_put_value(csv_buf *b, const csv_style *style, pivot_type type,
                  const pivot_signal_detail *detail, const void *data, size_t i);
void csv_buf_free(csv_buf *b);

#endif
