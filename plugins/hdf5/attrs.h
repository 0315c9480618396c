/*
 * Attributes as h5py and netCDF readers expect them: strings as
 * variable-length UTF-8 (read back as str), integers little-endian.
 * Each returns 0, or PIVOT_EIO with a message naming `where` and the attribute.
 */
#ifndef PIVOT_HDF5_ATTRS_H
#define PIVOT_HDF5_ATTRS_H

#include <hdf5.h>
#include <stdint.h>

/** Writes a scalar attribute of `file_type` from `value`, laid out as `mem_type`. */
int hx_attr_scalar(hid_t obj, const char *name, hid_t file_type, hid_t mem_type, const void *value,
                   const char *where, char *err, size_t errlen);

/** Writes a string attribute of type str_type (a variable-length UTF-8 string type). */
int hx_attr_string(hid_t obj, hid_t str_type, const char *name, const char *value,
                   const char *where, char *err, size_t errlen);
/** Writes a 32-bit signed integer attribute. */
int hx_attr_int32(hid_t obj, const char *name, int32_t value, const char *where, char *err,
                  size_t errlen);
/** Writes a 32-bit unsigned integer attribute. */
int hx_attr_uint32(hid_t obj, const char *name, uint32_t value, const char *where, char *err,
                   size_t errlen);
/** Writes a 64-bit signed integer attribute. */
int hx_attr_int64(hid_t obj, const char *name, int64_t value, const char *where, char *err,
                  size_t errlen);
/** Writes a 64-bit unsigned integer attribute. */
int hx_attr_uint64(hid_t obj, const char *name, uint64_t value, const char *where, char *err,
                   size_t errlen);
/** Writes a 1-D attribute of count (at least 1) 8-bit unsigned integers. */
int hx_attr_uint8_list(hid_t obj, const char *name, const uint8_t *values, size_t count,
                       const char *where, char *err, size_t errlen);
/**
 * Writes `<prefix>_start`, `<prefix>_end` (int64 ns) and their `_iso`
 * RFC 3339 twins, e.g. requested_start and requested_start_iso.
 */
int hx_attr_range(hid_t obj, hid_t str_type, const char *prefix, int64_t start_ns, int64_t end_ns,
                  const char *where, char *err, size_t errlen);

#endif
