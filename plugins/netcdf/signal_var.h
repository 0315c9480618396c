/* Defining the variable (and mask) of one signal in the channel's group. */
#ifndef PIVOT_NETCDF_SIGNAL_VAR_H
#define PIVOT_NETCDF_SIGNAL_VAR_H

#include "nc_export.h"

/**
 * Defines signal s's variable along the group's time dimension (dim), with
 * its CF attributes from the detail d (members all readable): units,
 * long_name, flag_values/flag_meanings for bool and enums, _FillValue and
 * ancillary_variables for a nullable number, bool or enum, and for a
 * nullable signal its `<name>_valid` mask (unless it has one already).
 * Returns 0 or a PIVOT_E* code.
 */
int nx_signal_define(nx_export *x, nx_signal *s, int dim, const pivot_signal_detail *d, char *err,
                     size_t errlen);

/**
 * Deletes the NULL _FillValue of a string signal, once the file's datasets
 * exist (after nc_enddef): it only served to create the dataset cheaply.
 * Returns 0 or a PIVOT_E* code.
 */
int nx_signal_drop_fill(nx_export *x, const nx_signal *s, char *err, size_t errlen);

/**
 * The value a nullable signal of type `type` holds at its nulls in the
 * file, its _FillValue, in the variable's own type (xtype); 0 when the
 * type has none (strings, bytes: only the mask tells).
 */
int nx_fill_value(const nx_signal *s, void *out);

#endif
