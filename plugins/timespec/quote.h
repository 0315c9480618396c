/* Safe quoting of user text inside error messages. */
#ifndef TS_QUOTE_H
#define TS_QUOTE_H

#include <stddef.h>

/** Longest piece of user text (in bytes) an error message repeats. */
#define TS_QUOTE_MAX 64

/** Buffer size that always holds the result of ts_quote. */
#define TS_QUOTE_SIZE (TS_QUOTE_MAX * 4 + 8)

/**
 * Writes text[0..len) into out as a double-quoted string: quotes and
 * backslashes escaped, control bytes written as \n, \t, \r or \xNN, cut
 * after TS_QUOTE_MAX bytes (at a UTF-8 character boundary) with "..."
 * appended. Returns out.
 */
const char *ts_quote(const char *text, size_t len, char out[TS_QUOTE_SIZE]);

#endif
