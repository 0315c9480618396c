/* UTF-8 text as the UTF-16 code units of a MATLAB char array. */
#ifndef PIVOT_MATLAB_UTF16_H
#define PIVOT_MATLAB_UTF16_H

#include <stddef.h>
#include <stdint.h>

/**
 * Converts len bytes of UTF-8 into out, which has room for len units (UTF-16
 * never needs more units than UTF-8 has bytes), and returns the units
 * written. A byte that starts no valid sequence becomes U+FFFD.
 */
size_t mx_utf16_from_utf8(const char *text, size_t len, uint16_t *out);

#endif
