/* The layout of string signals: short values as CF character arrays, long free text NC_STRING. */
#ifndef PIVOT_NETCDF_STRING_VAR_H
#define PIVOT_NETCDF_STRING_VAR_H

#include "nc_export.h"

/** Values of the first batch longer than this (bytes of UTF-8) make the signal NC_STRING. */
#define NX_STRING_CHARS_MAX 32

/**
 * Keeps what the deferred definition of string signal s needs from its
 * detail d (borrowed for this call only) and marks it deferred. Returns 0
 * or PIVOT_ENOMEM.
 */
int nx_string_defer(nx_signal *s, const pivot_signal_detail *d);

/**
 * Defines the channel's deferred string variables from the first batch's
 * batch (its columns parallel to x->signals; NULL for a channel without samples,
 * whose strings become NC_STRING), then ends define mode. Returns 0 or a
 * PIVOT_E* code.
 */
int nx_strings_define(nx_export *x, const pivot_batch *batch, char *err, size_t errlen);

/** Rows widen up to this many bytes; a longer value makes the signal NC_STRING. */
#define NX_STRING_WIDEN_MAX 256

/**
 * Makes a character array signal s NC_STRING, with every row written so
 * far copied, when one of the next `count` values is longer than
 * NX_STRING_WIDEN_MAX; else does nothing. Returns 0 or a PIVOT_E* code.
 */
int nx_string_fit(nx_export *x, nx_signal *s, const char *const *values, size_t count, char *err,
                  size_t errlen);

/**
 * Writes `count` strings (NULL reads as "") as rows of the character array
 * of s from row `start`, widening its `<name>_strlen` dimension when a value
 * is longer than the rows so far. Returns 0 or a PIVOT_E* code.
 */
int nx_string_put_chars(nx_export *x, nx_signal *s, size_t start, const char *const *values,
                        size_t count, char *err, size_t errlen);

#endif
