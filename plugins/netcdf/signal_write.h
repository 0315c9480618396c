/* Appending one batch column to its signal's variable. */
#ifndef PIVOT_NETCDF_SIGNAL_WRITE_H
#define PIVOT_NETCDF_SIGNAL_WRITE_H

#include "nc_export.h"

/**
 * Writes the `count` elements of column col (checked against s already)
 * at x->length of s's variable, with the _FillValue at the nulls of a
 * nullable signal, and its mask (valid, NULL when every sample has a value)
 * to the mask variable. Enum indices beyond the symbols and fixed-size
 * bytes of another length are refused. Returns 0 or a PIVOT_E* code.
 */
int nx_signal_append(nx_export *x, nx_signal *s, const pivot_column *col, const uint8_t *valid,
                     size_t count, char *err, size_t errlen);

#endif
