/* Appending one batch column to its signal's dataset. */
#ifndef PIVOT_HDF5_SIGNAL_WRITE_H
#define PIVOT_HDF5_SIGNAL_WRITE_H

#include "hdf5_export.h"

/**
 * Appends the `count` elements of column col (checked against s already)
 * to s->dset at x->length, and for a nullable signal its mask (valid, NULL
 * when every sample has a value) to s->valid. Enum indices beyond the
 * symbols and fixed-size bytes of another length are refused; a string
 * signal's character array that a value outgrows becomes variable-length.
 * Returns 0 or a PIVOT_E* code.
 */
int hx_signal_append(hx_export *x, hx_signal *s, const pivot_column *col, const uint8_t *valid,
                     hid_t mem_space, hsize_t count, char *err, size_t errlen);

#endif
