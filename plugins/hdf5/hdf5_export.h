/*
 * Internals of the hdf5 exporter: the state of one output file and the
 * pivot_exporter entry points implemented across export_file.c and
 * export_channel.c.
 */
#ifndef PIVOT_HDF5_EXPORT_H
#define PIVOT_HDF5_EXPORT_H

#include <hdf5.h>
#include <pivot/plugin.h>

/** The largest chunk a job may ask for, in elements (16 MiB of strings, whose
 * elements HDF5 sizes as 16-byte descriptors; HDF5 caps a chunk at 4 GiB). */
#define HX_CHUNK_MAX_ELEMENTS 1048576

/** One signal dataset of the channel being written. */
typedef struct hx_signal {
    char *name;      /**< signal name, owned */
    pivot_type type; /**< element type of the batch column */
    hid_t dset;      /**< the dataset, or H5I_INVALID_HID */
    hid_t mem_type;  /**< borrowed: a native type or hx_export.str_type */
} hx_signal;

/** One output file; the `exp` handle of the exporter. */
typedef struct hx_export {
    hid_t file;             /**< the file, or H5I_INVALID_HID */
    hid_t str_type;         /**< variable-length UTF-8 string, for attributes and string signals */
    unsigned gzip_level;    /**< 0 for no compression, 1..9 deflate behind shuffle */
    hsize_t chunk_elements; /**< elements per chunk, 0 for about HX_CHUNK_BYTES */

    /* The channel between begin_channel and end_channel; group is
     * H5I_INVALID_HID outside of one. */
    char *channel;      /**< channel name, owned */
    hid_t group;        /**< /<channel> */
    hid_t time;         /**< /<channel>/time */
    hx_signal *signals; /**< nsignals entries, owned */
    size_t nsignals;
    hsize_t length; /**< samples appended so far */
} hx_export;

/** The exporter registered by the plugin. */
extern const pivot_exporter hx_exporter;

int hx_open(const char *path, const pivot_export_info *info, void **exp, char *err, size_t errlen);
int hx_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen);
int hx_begin_channel(void *exp, const pivot_channel_info *channel, const pivot_signal_info *signals,
                     size_t nsignals, char *err, size_t errlen);
int hx_append(void *exp, const pivot_batch *batch, char *err, size_t errlen);
int hx_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen);

/** Closes every HDF5 object of the current channel and forgets it; safe outside a channel. */
void hx_channel_release(hx_export *x);

#endif
