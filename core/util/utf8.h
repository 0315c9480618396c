/* UTF-8 as the JSON generator accepts it: a lead byte and its continuation bytes. */
#ifndef PV_UTF8_H
#define PV_UTF8_H

#include <stddef.h>

/**
 * The length of the complete UTF-8 sequence at s (at most avail bytes),
 * 1 to 4; 0 when s starts no complete sequence.
 */
size_t pv_utf8_sequence(const unsigned char *s, size_t avail);

/** True when the len bytes at s are a string of complete UTF-8 sequences. */
int pv_utf8_valid(const char *s, size_t len);

#endif
