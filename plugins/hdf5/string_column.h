/*
 * Short strings as character arrays. A string signal whose first samples
 * are all at most HX_STR_CHARS_MAX bytes is stored as netCDF stores text:
 * a 2-D array of one-byte strings, a row per sample padded with NUL bytes
 * to a width of 8, 16 or 32, its second dimension a netCDF dimension
 * (`string8`...) and `_Encoding = "utf-8"`, which xarray (both engines)
 * and netCDF4 decode back to the strings. Longer text, and a signal whose
 * later sample outgrows the width, stays variable-length. See
 * docs/api.md, "String signals".
 */
#ifndef PIVOT_HDF5_STRING_COLUMN_H
#define PIVOT_HDF5_STRING_COLUMN_H

#include "hdf5_export.h"

/** The longest value, in bytes, that a character array holds. */
#define HX_STR_CHARS_MAX 32

/** The one-byte string type of a character array's elements, new (the caller closes it). */
hid_t hx_str_char_type(void);

/**
 * The row width for a string signal of the current channel given its first
 * `count` values: the smallest of 8, 16 and 32 bytes holding the longest,
 * or 0 (variable length) when a value is longer or a signal of the channel
 * holds the width dimension's name.
 */
size_t hx_str_width(const hx_export *x, const char *const *values, hsize_t count);

/**
 * What a character array adds to its dataset: the `_Encoding` attribute
 * and its width's dimension scale (made once per channel and width) on
 * dimension 1. Returns 0 or a PIVOT_E* code.
 */
int hx_str_chars_attach(hx_export *x, const hx_signal *s, const char *where, char *err,
                        size_t errlen);

/**
 * Appends `count` strings at x->length to s's dataset. A character array
 * that a value outgrows is first rewritten as variable-length strings
 * (once; bounded by a chunk of rows in memory). Returns 0 or a PIVOT_E* code.
 */
int hx_str_append(hx_export *x, hx_signal *s, const char *const *values, hid_t mem_space,
                  hsize_t count, char *err, size_t errlen);

#endif
