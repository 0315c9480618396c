/* The attributes of a signal's dataset. */
#ifndef PIVOT_HDF5_SIGNAL_ATTRS_H
#define PIVOT_HDF5_SIGNAL_ATTRS_H

#include "hdf5_export.h"

/** Attribute of a nullable signal's dataset naming its companion mask dataset. */
#define HX_VALID_MASK_ATTR "valid_mask"

/**
 * Writes the attributes of signal s's dataset, whose file type is
 * file_type: `source_type`, `fill_value` (not for bytes), and from the
 * detail d (members all readable) `units`, `description` and `avro_type`
 * when given, and `valid_mask` when nullable (mask_name). `where` names
 * the signal in messages. Returns 0 or a PIVOT_E* code.
 */
int hx_signal_attrs(const hx_export *x, const hx_signal *s, hid_t file_type,
                    const pivot_signal_detail *d, const char *mask_name, const char *where,
                    char *err, size_t errlen);

#endif
