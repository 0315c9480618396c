/* What the grammar files share and the SDK header does not show. */
#ifndef PIVOT_GRAMMAR_INTERNAL_H
#define PIVOT_GRAMMAR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/**
 * Writes the fraction of a second frac_ns (0..999999999) as ".25" for
 * 250000000: nine digits less the trailing zeros, "" for none. out must hold
 * 11 bytes.
 */
void pivot_fraction_text(int64_t frac_ns, char out[16]);

#endif
