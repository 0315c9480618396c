/* The HDF5 types that hold each kind of signal, in the file and in memory. */
#ifndef PIVOT_HDF5_SIGNAL_TYPE_H
#define PIVOT_HDF5_SIGNAL_TYPE_H

#include "hdf5_export.h"

/**
 * Creates the file type of signal s and the memory type of the data that
 * append writes to it, both new (the caller closes them). d is the signal's
 * detail, its members all readable (zero when the host gave none): enum
 * symbols make an HDF5 enum, a fixed size an opaque type. Returns 0, or a
 * PIVOT_E* code with a message naming the channel and signal.
 */
int hx_signal_types(const hx_export *x, const hx_signal *s, const pivot_signal_detail *d,
                    hid_t *file_type, hid_t *mem_type, char *err, size_t errlen);

#endif
