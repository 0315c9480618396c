/*
 * The companion dataset `<signal>.valid` of a nullable signal: one uint8 per
 * sample, 1 where the sample has a value and 0 where it is null.
 */
#ifndef PIVOT_HDF5_NULL_MASK_H
#define PIVOT_HDF5_NULL_MASK_H

#include "hdf5_export.h"

/** What follows a signal's name in the name of its mask dataset. */
#define HX_VALID_SUFFIX ".valid"

/** The mask dataset's name for signal `name`, allocated (the caller frees), or NULL. */
char *hx_mask_name(const char *name);

/** True when `other` is the mask dataset's name for signal `name`. */
int hx_is_mask_name(const char *name, const char *other);

/**
 * Creates s->valid, named s->valid_name, with chunks of `chunk` elements
 * like the signal's, its attributes (`flag_values`, `flag_meanings`) and
 * the time dimension scale attached. Returns 0 or a PIVOT_E* code.
 */
int hx_mask_create(hx_export *x, hx_signal *s, hsize_t chunk, char *err, size_t errlen);

/**
 * Appends `count` mask bytes of s at x->length: those of valid, or all 1
 * when valid is NULL (the batch says every sample has a value).
 */
int hx_mask_append(hx_export *x, const hx_signal *s, const uint8_t *valid, hid_t mem_space,
                   hsize_t count, char *err, size_t errlen);

#endif
