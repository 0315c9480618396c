/* Text of CSV rows (RFC 4180): a growable buffer and the formatting of each value type. */
#ifndef CSV_ROW_H
#define CSV_ROW_H

#include <pivot/source.h>

#include <stddef.h>

typedef struct csv_buf {
    char *data;
    size_t len, cap;
} csv_buf;

/** Appends len bytes; returns 0 or PIVOT_ENOMEM. */
int csv_put(csv_buf *b, const char *s, size_t len);
/** Appends a field, quoted when it holds a comma, a quote or a line break. */
int csv_put_field(csv_buf *b, const char *s);
/** Appends time_ns and the same instant as RFC 3339 UTC with nanoseconds. */
int csv_put_time(csv_buf *b, int64_t time_ns);
/**
 * Appends element i of a column of the given type; enums as their symbol
 * when detail (which may be NULL) names the symbols, bytes as hex.
 */
int csv_put_value(csv_buf *b, pivot_type type, const pivot_signal_detail *detail, const void *data,
                  size_t i);
/** Releases the buffer. */
void csv_buf_free(csv_buf *b);

#endif
