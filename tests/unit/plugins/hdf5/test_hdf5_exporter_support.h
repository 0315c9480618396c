/*
 * Shared by the hdf5 exporter's C tests: reading back what the plugin wrote
 * with the HDF5 C API (test_hdf5_exporter_host.h loads it). The readers
 * return 0, or -1 when the object is missing or of another kind, and leave
 * the checking to the test (whose CHECK counters are its own).
 */
#ifndef PIVOT_TEST_HDF5_EXPORTER_SUPPORT_H
#define PIVOT_TEST_HDF5_EXPORTER_SUPPORT_H

#include <hdf5.h>

/** Number of attributes of the object at path under loc, or -1. */
int tx_attr_count(hid_t loc, const char *path);
/** 1 when the object at path has attribute name, 0 when not, -1 on error. */
int tx_attr_exists(hid_t loc, const char *path, const char *name);
/** 1 when the attribute's type equals type (e.g. H5T_STD_U64LE), 0 when not, -1 on error. */
int tx_attr_type_is(hid_t loc, const char *path, const char *name, hid_t type);
/** Copies a scalar variable-length string attribute into buf. */
int tx_attr_string(hid_t loc, const char *path, const char *name, char *buf, size_t buflen);
/** Text of a string attribute, or "(missing)"; valid until the next call. */
const char *tx_attr_text(hid_t loc, const char *path, const char *name);
/** Reads a scalar or list integer attribute converted to int64; *n gets the count. */
int tx_attr_int64s(hid_t loc, const char *path, const char *name, int64_t *values, size_t max,
                   size_t *n);

/** A copy of the dataset's file type (the caller closes it), or H5I_INVALID_HID. */
hid_t tx_dataset_type(hid_t loc, const char *path);
/** The dataset's length (1-D), or -1. */
long long tx_dataset_length(hid_t loc, const char *path);
/** Reads the whole 1-D dataset as mem_type into buf, which holds capacity elements. */
int tx_dataset_read(hid_t loc, const char *path, hid_t mem_type, void *buf, size_t capacity);
/** The chunk length and the number of filters of a 1-D chunked dataset. */
int tx_dataset_layout(hid_t loc, const char *path, hsize_t *chunk, int *nfilters);
/** 1 when the dataset at path has the dimension scale at scale_path attached, else 0. */
int tx_scale_attached(hid_t loc, const char *path, const char *scale_path);

#endif
