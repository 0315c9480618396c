/*
 * Attributes as CF and ACDD readers expect them: text as NC_CHAR (CF's
 * string attribute type), integers of their own width. Each returns 0, or
 * PIVOT_EIO with a message naming `where` and the attribute.
 */
#ifndef PIVOT_NETCDF_ATTRS_H
#define PIVOT_NETCDF_ATTRS_H

#include <stddef.h>
#include <stdint.h>

/** Writes a text attribute on variable varid of group ncid (NC_GLOBAL for the group). */
int nx_attr_text(int ncid, int varid, const char *name, const char *value, const char *where,
                 char *err, size_t errlen);
/** Writes a 32-bit signed integer attribute. */
int nx_attr_int32(int ncid, int varid, const char *name, int32_t value, const char *where,
                  char *err, size_t errlen);
/** Writes a 32-bit unsigned integer attribute. */
int nx_attr_uint32(int ncid, int varid, const char *name, uint32_t value, const char *where,
                   char *err, size_t errlen);
/** Writes a 64-bit signed integer attribute. */
int nx_attr_int64(int ncid, int varid, const char *name, int64_t value, const char *where,
                  char *err, size_t errlen);
/** Writes a 64-bit unsigned integer attribute. */
int nx_attr_uint64(int ncid, int varid, const char *name, uint64_t value, const char *where,
                   char *err, size_t errlen);
/**
 * Writes an attribute of `count` values of nc_type xtype laid out in
 * memory as that type (flag_values, _FillValue-like lists).
 */
int nx_attr_values(int ncid, int varid, const char *name, int xtype, size_t count,
                   const void *values, const char *where, char *err, size_t errlen);
/**
 * Writes `<prefix>_start`, `<prefix>_end` (int64 ns) and their `_iso`
 * RFC 3339 twins, as the hdf5 exporter does (requested_start_iso...).
 */
int nx_attr_range(int ncid, const char *prefix, int64_t start_ns, int64_t end_ns, const char *where,
                  char *err, size_t errlen);

#endif
